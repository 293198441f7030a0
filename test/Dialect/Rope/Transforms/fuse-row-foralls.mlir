// RUN: rope-opt --split-input-file --pass-pipeline="builtin.module(rope-fuse-row-foralls,cse)" %s | FileCheck %s
// RUN: rope-opt --split-input-file --verify-diagnostics --rope-fuse-row-foralls=required %S/Inputs/fuse-row-foralls-invalid.mlir

#neg = affine_map<(t, h, d) -> (t, h, d)>

// A paged cache's row loops after a token loop of one token per iteration:
// one loop. The rotated row is computed in its cache slot (the slot's
// offsets, from the row loop's body, come first); the untouched v row is
// copied to its slot (role = copy).
// CHECK-LABEL: func.func @paged
// CHECK-SAME: (%[[K:.*]]: tensor<8x2x16xf32>, %[[V:.*]]: tensor<8x2x16xf32>, %[[KC:.*]]: tensor<4x4x2x16xf32>, %[[VC:.*]]: tensor<4x4x2x16xf32>
// CHECK: %[[R:.*]]:3 = scf.forall (%[[T:.*]]) in (8) shared_outs(%[[O:.*]] = %{{.*}}, %[[C:.*]] = %[[KC]], %[[D:.*]] = %[[VC]])
// CHECK: %[[BLK:.*]] = arith.index_cast
// CHECK: %[[VROW:.*]] = tensor.extract_slice %[[V]][%[[T]], 0, 0] [1, 2, 16]
// CHECK: %[[SLOT:.*]] = tensor.extract_slice %[[C]][%[[BLK]], %[[S:.*]], 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<4x4x2x16xf32> to tensor<1x2x16xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} outs(%[[SLOT]] : tensor<1x2x16xf32>)
// CHECK: %[[VSLOT:.*]] = tensor.extract_slice %[[D]][%[[BLK]], %[[S]], 0, 0]
// CHECK: %[[VC2:.*]] = linalg.copy {rope.lowering = #rope.lowering<role = copy>} ins(%[[VROW]] : tensor<1x2x16xf32>) outs(%[[VSLOT]]
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice %[[Y]] into %[[O]][%[[T]], 0, 0]
// CHECK-NEXT: tensor.parallel_insert_slice %[[Y]] into %[[C]][%[[BLK]], %[[S]], 0, 0]
// CHECK-NEXT: tensor.parallel_insert_slice %[[VC2]] into %[[D]][%[[BLK]], %[[S]], 0, 0]
// CHECK-NOT: scf.forall
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @paged(%k: tensor<8x2x16xf32>, %v: tensor<8x2x16xf32>, %kc: tensor<4x4x2x16xf32>,
                 %vc: tensor<4x4x2x16xf32>, %table: tensor<2xi64>, %off: index)
    -> (tensor<8x2x16xf32>, tensor<4x4x2x16xf32>, tensor<4x4x2x16xf32>) {
  %e = tensor.empty() : tensor<8x2x16xf32>
  %r = scf.forall (%t) in (8) shared_outs(%o = %e) -> (tensor<8x2x16xf32>) {
    %x = tensor.extract_slice %k[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    %d = tensor.extract_slice %o[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    %y = linalg.generic {indexing_maps = [#neg, #neg], iterator_types = ["parallel", "parallel", "parallel"]}
        ins(%x : tensor<1x2x16xf32>) outs(%d : tensor<1x2x16xf32>) {
    ^bb0(%a: f32, %b: f32):
      %n = arith.negf %a : f32
      linalg.yield %n : f32
    } -> tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %y into %o[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<1x2x16xf32> into tensor<8x2x16xf32>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 16>}
  %kc2 = scf.forall (%i) in (8) shared_outs(%c = %kc) -> (tensor<4x4x2x16xf32>) {
    %p = affine.apply affine_map<(i)[o] -> (i + o)>(%i)[%off]
    %b = affine.apply affine_map<(p) -> (p floordiv 4)>(%p)
    %s = affine.apply affine_map<(p) -> (p mod 4)>(%p)
    %blk64 = tensor.extract %table[%b] : tensor<2xi64>
    %blk = arith.index_cast %blk64 : i64 to index
    %row = tensor.extract_slice %r[%i, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %c[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<1x2x16xf32> into tensor<4x4x2x16xf32>
    }
  }
  %vc2 = scf.forall (%i) in (8) shared_outs(%c = %vc) -> (tensor<4x4x2x16xf32>) {
    %p = affine.apply affine_map<(i)[o] -> (i + o)>(%i)[%off]
    %b = affine.apply affine_map<(p) -> (p floordiv 4)>(%p)
    %s = affine.apply affine_map<(p) -> (p mod 4)>(%p)
    %blk64 = tensor.extract %table[%b] : tensor<2xi64>
    %blk = arith.index_cast %blk64 : i64 to index
    %row = tensor.extract_slice %v[%i, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %c[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<1x2x16xf32> into tensor<4x4x2x16xf32>
    }
  }
  return %r, %kc2, %vc2 : tensor<8x2x16xf32>, tensor<4x4x2x16xf32>, tensor<4x4x2x16xf32>
}

// -----

// The token loop's op reads its init (acc + k): its row is copied to the
// cache slot, not computed there.
// CHECK-LABEL: func.func @reads_init
// CHECK: scf.forall
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x16xf32>)
// CHECK: linalg.copy {rope.lowering = #rope.lowering<role = copy>} ins(%[[Y]]
// CHECK-NOT: scf.forall (
func.func @reads_init(%k: tensor<8x2x16xf32>, %acc: tensor<8x2x16xf32>, %kc: tensor<8x2x16xf32>) -> (tensor<8x2x16xf32>, tensor<8x2x16xf32>) {
  %r = scf.forall (%t) in (8) shared_outs(%o = %acc) -> (tensor<8x2x16xf32>) {
    %x = tensor.extract_slice %k[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    %d = tensor.extract_slice %o[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, d)>], iterator_types = ["parallel", "parallel", "parallel"]}
        ins(%x : tensor<1x2x16xf32>) outs(%d : tensor<1x2x16xf32>) {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %y into %o[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<1x2x16xf32> into tensor<8x2x16xf32>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 16>}
  %w = scf.forall (%i) in (8) shared_outs(%c = %kc) -> (tensor<8x2x16xf32>) {
    %row = tensor.extract_slice %r[%i, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %c[%i, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<1x2x16xf32> into tensor<8x2x16xf32>
    }
  }
  return %r, %w : tensor<8x2x16xf32>, tensor<8x2x16xf32>
}

// -----

// The row loop writes into the token loop's result: left alone.
// CHECK-LABEL: func.func @init_is_result
// CHECK-COUNT-2: scf.forall
func.func @init_is_result(%k: tensor<8x2x16xf32>, %kc: tensor<8x2x16xf32>) -> tensor<8x2x16xf32> {
  %r = scf.forall (%t) in (8) shared_outs(%o = %kc) -> (tensor<8x2x16xf32>) {
    %x = tensor.extract_slice %k[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %x into %o[%t, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<1x2x16xf32> into tensor<8x2x16xf32>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 16>}
  %w = scf.forall (%i) in (8) shared_outs(%c = %r) -> (tensor<8x2x16xf32>) {
    %row = tensor.extract_slice %k[%i, 1, 0] [1, 1, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x1x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %c[%i, 0, 0] [1, 1, 16] [1, 1, 1] : tensor<1x1x16xf32> into tensor<8x2x16xf32>
    }
  }
  return %w : tensor<8x2x16xf32>
}
