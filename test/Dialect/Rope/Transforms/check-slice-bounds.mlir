// RUN: rope-opt --split-input-file --pass-pipeline="builtin.module(func.func(rope-check-slice-bounds))" %s | FileCheck %s

// A cache written at an offset read from a tensor, the offset computed
// after the work that produces what is written (as a frontend may write
// it): the offset's computation is repeated at the function's start and
// checked there, before that work.
// CHECK-LABEL: func.func @kv_cache
// CHECK: %[[O:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<1xi64>
// CHECK: %[[OFF:.*]] = arith.index_cast %[[O]]
// CHECK: %[[LAST:.*]] = arith.addi %[[OFF]]
// CHECK: arith.cmpi slt, %[[LAST]], %c64
// CHECK: cf.assert %{{.*}}, "tensor.insert_slice at {{.*}}check-slice-bounds.mlir:{{.*}}: a run-time offset or size puts it outside the tensor it writes"
// CHECK: linalg.fill
// CHECK: tensor.insert_slice
func.func @kv_cache(%kc: tensor<64x2x16xf32>, %offs: tensor<1xi64>) -> tensor<64x2x16xf32> {
  %e = tensor.empty() : tensor<8x2x16xf32>
  %one = arith.constant 1.0 : f32
  %k = linalg.fill ins(%one : f32) outs(%e : tensor<8x2x16xf32>) -> tensor<8x2x16xf32>
  %c0 = arith.constant 0 : index
  %o = tensor.extract %offs[%c0] : tensor<1xi64>
  %off = arith.index_cast %o : i64 to index
  %r = tensor.insert_slice %k into %kc[%off, 0, 0] [8, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> into tensor<64x2x16xf32>
  return %r : tensor<64x2x16xf32>
}

// -----

// Constant offsets into a static shape: nothing to check at run time.
// CHECK-LABEL: func.func @static
// CHECK-NOT: cf.assert
func.func @static(%kc: tensor<64x2x16xf32>, %k: tensor<8x2x16xf32>) -> tensor<64x2x16xf32> {
  %r = tensor.insert_slice %k into %kc[8, 0, 0] [8, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> into tensor<64x2x16xf32>
  return %r : tensor<64x2x16xf32>
}

// -----

// A paged cache written through a block table: a loop of its own over the
// tokens checks the table index (read only when in bounds) and the slot,
// before the loop that writes.
// CHECK: #[[$FLOOR:.*]] = affine_map<(d0) -> (d0 floordiv 16)>
// CHECK-LABEL: func.func @paged
// CHECK: %[[OK:.*]] = scf.for %[[I:.*]] = %c0 to %c8 step %c1 iter_args(%[[ACC:.*]] = %true)
// CHECK: %[[B:.*]] = affine.apply #[[$FLOOR]]
// CHECK: %[[IN:.*]] = arith.ori
// CHECK: scf.if %[[IN]] -> (i64)
// CHECK: tensor.extract %{{.*}}[%[[B]]] : tensor<4xi64>
// CHECK: scf.yield
// CHECK: cf.assert %[[OK]], "scf.forall at {{.*}}: an access in its body (a cache slot, a block table entry, a row) is outside its tensor at a run-time offset"
// CHECK: scf.forall
func.func @paged(%k: tensor<8x2x16xf32>, %kc: tensor<8x16x2x16xf32>, %table: tensor<4xi64>, %off: index) -> tensor<8x16x2x16xf32> {
  %r = scf.forall (%i) in (8) shared_outs(%c = %kc) -> (tensor<8x16x2x16xf32>) {
    %p = affine.apply affine_map<(i)[o] -> (i + o)>(%i)[%off]
    %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%p)
    %s = affine.apply affine_map<(p) -> (p mod 16)>(%p)
    %blk64 = tensor.extract %table[%b] : tensor<4xi64>
    %blk = arith.index_cast %blk64 : i64 to index
    %row = tensor.extract_slice %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %c[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<1x2x16xf32> into tensor<8x16x2x16xf32>
    }
  }
  return %r : tensor<8x16x2x16xf32>
}

// -----

// A slot computed by a call: nothing the check loop may repeat; left
// unchecked.
// CHECK-LABEL: func.func @opaque_slot
// CHECK-NOT: cf.assert
func.func private @slot(index) -> index
func.func @opaque_slot(%k: tensor<8x2x16xf32>, %kc: tensor<8x16x2x16xf32>) -> tensor<8x16x2x16xf32> {
  %r = scf.forall (%i) in (8) shared_outs(%c = %kc) -> (tensor<8x16x2x16xf32>) {
    %blk = func.call @slot(%i) : (index) -> index
    %row = tensor.extract_slice %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<1x2x16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %c[%blk, 0, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<1x2x16xf32> into tensor<8x16x2x16xf32>
    }
  }
  return %r : tensor<8x16x2x16xf32>
}

// -----

// A read under a condition (a padding slot of -1 skipped): not checked, the
// loop's other accesses are.
// CHECK-LABEL: func.func @guarded
// CHECK: scf.for
// CHECK-NOT: tensor.extract %arg0
// CHECK: cf.assert
// CHECK: scf.forall
func.func @guarded(%table: tensor<8xf32>, %slots: tensor<4xi64>) -> tensor<4xf32> {
  %c0i = arith.constant 0 : i64
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %r = scf.forall (%i) in (4) shared_outs(%c = %e) -> (tensor<4xf32>) {
    %s64 = tensor.extract %slots[%i] : tensor<4xi64>
    %s = arith.index_cast %s64 : i64 to index
    %valid = arith.cmpi sge, %s64, %c0i : i64
    %v = scf.if %valid -> (f32) {
      %x = tensor.extract %table[%s] : tensor<8xf32>
      scf.yield %x : f32
    } else {
      scf.yield %zero : f32
    }
    %t = tensor.from_elements %v : tensor<1xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %t into %c[%i] [1] [1] : tensor<1xf32> into tensor<4xf32>
    }
  }
  return %r : tensor<4xf32>
}

// -----

// A stride read from a tensor: checked (the last element read, 3 * %s, in
// bounds).
// CHECK-LABEL: func.func @strided
// CHECK: arith.muli
// CHECK: cf.assert %{{.*}}, "tensor.extract_slice at {{.*}}: a run-time offset or size puts it outside the tensor it reads"
func.func @strided(%x: tensor<8xf32>, %st: tensor<1xi64>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %s64 = tensor.extract %st[%c0] : tensor<1xi64>
  %s = arith.index_cast %s64 : i64 to index
  %r = tensor.extract_slice %x[0] [4] [%s] : tensor<8xf32> to tensor<4xf32>
  return %r : tensor<4xf32>
}
