// RUN: rope-opt %s --rope-raise -split-input-file | FileCheck %s
// RUN: rope-opt %s --rope-raise=remarks=1 -split-input-file -verify-diagnostics -o /dev/null

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
// HF rotate_half in thd with per-token tables: one rope.apply on them.
// CHECK-LABEL: func.func @thd
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x8x64xf32>, %[[C:[^:]*]]: tensor<?x64xf32>, %[[S:[^:]*]]: tensor<?x64xf32>
// CHECK: %[[Y:.*]] = rope.apply half thd ins(%[[X]] : tensor<?x8x64xf32>) outs(%{{.*}} : tensor<?x8x64xf32>) cos_sin(%[[C]], %[[S]] : tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK-NOT: tensor.concat
// CHECK: return %[[Y]]
func.func @thd(%x: tensor<?x8x64xf32>, %cos: tensor<?x64xf32>, %sin: tensor<?x64xf32>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 8, 32] [1, 1, 1] : tensor<?x8x64xf32> to tensor<?x8x32xf32>
  %x2 = tensor.extract_slice %x[0, 0, 32] [%t, 8, 32] [1, 1, 1] : tensor<?x8x64xf32> to tensor<?x8x32xf32>
  %e32 = tensor.empty(%t) : tensor<?x8x32xf32>
  %n = linalg.negf ins(%x2 : tensor<?x8x32xf32>) outs(%e32 : tensor<?x8x32xf32>) -> tensor<?x8x32xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x8x32xf32>, tensor<?x8x32xf32>) -> tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<?x8x64xf32>, tensor<?x64xf32>) outs(%e : tensor<?x8x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<?x8x64xf32>
  %b = linalg.generic {indexing_maps = [#tok, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sin, %r : tensor<?x64xf32>, tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<?x8x64xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.add ins(%b, %a : tensor<?x8x64xf32>, tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>) -> tensor<?x8x64xf32>
  return %y : tensor<?x8x64xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#seq = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// bhsd with HF's [S, D] tables broadcast over batch and heads, the second
// half negated (rotation by the negated angle): inverse, tables copied to
// the token shape [B, S, D].
// CHECK-LABEL: func.func @bhsd_inverse
// CHECK: %[[CT:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<5x16xf32>) outs(%{{.*}} : tensor<2x5x16xf32>)
// CHECK: rope.apply half bhsd inverse ins(%arg0 : tensor<2x4x5x16xf32>) {{.*}} cos_sin(%[[CT]], %{{.*}} : tensor<2x5x16xf32>, tensor<2x5x16xf32>)
func.func @bhsd_inverse(%x: tensor<2x4x5x16xf32>, %cos: tensor<5x16xf32>, %sin: tensor<5x16xf32>) -> tensor<2x4x5x16xf32> {
  %x1 = tensor.extract_slice %x[0, 0, 0, 0] [2, 4, 5, 8] [1, 1, 1, 1] : tensor<2x4x5x16xf32> to tensor<2x4x5x8xf32>
  %x2 = tensor.extract_slice %x[0, 0, 0, 8] [2, 4, 5, 8] [1, 1, 1, 1] : tensor<2x4x5x16xf32> to tensor<2x4x5x8xf32>
  %m1 = arith.constant dense<-1.0> : tensor<2x4x5x8xf32>
  %e8 = tensor.empty() : tensor<2x4x5x8xf32>
  %n = linalg.mul ins(%m1, %x1 : tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>) outs(%e8 : tensor<2x4x5x8xf32>) -> tensor<2x4x5x8xf32>
  %r = tensor.concat dim(3) %x2, %n : (tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>) -> tensor<2x4x5x16xf32>
  %e = tensor.empty() : tensor<2x4x5x16xf32>
  %a = linalg.generic {indexing_maps = [#seq, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%cos, %x : tensor<5x16xf32>, tensor<2x4x5x16xf32>) outs(%e : tensor<2x4x5x16xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<2x4x5x16xf32>
  %b = linalg.generic {indexing_maps = [#id4, #seq, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<2x4x5x16xf32>, tensor<5x16xf32>) outs(%e : tensor<2x4x5x16xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<2x4x5x16xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply half bhsd inverse}}
  %y = linalg.add ins(%a, %b : tensor<2x4x5x16xf32>, tensor<2x4x5x16xf32>) outs(%e : tensor<2x4x5x16xf32>) -> tensor<2x4x5x16xf32>
  return %y : tensor<2x4x5x16xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
// Near miss: the halves swapped without the sign.
// CHECK-LABEL: func.func @no_sign
// CHECK-NOT: rope.apply
func.func @no_sign(%x: tensor<4x2x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<4x2x8xf32> {
  %x1 = tensor.extract_slice %x[0, 0, 0] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %r = tensor.concat dim(2) %x2, %x1 : (tensor<4x2x4xf32>, tensor<4x2x4xf32>) -> tensor<4x2x8xf32>
  %e = tensor.empty() : tensor<4x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<4x2x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<4x2x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  // expected-remark @+1 {{rope-raise: not raised: neither half is negated}}
  %y = linalg.add ins(%a, %b : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%e : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  return %y : tensor<4x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
// Near miss: split off the middle (3 and 5 of 8).
// CHECK-LABEL: func.func @off_middle
// CHECK-NOT: rope.apply
func.func @off_middle(%x: tensor<4x2x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<4x2x8xf32> {
  %x1 = tensor.extract_slice %x[0, 0, 0] [4, 2, 3] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x3xf32>
  %x2 = tensor.extract_slice %x[0, 0, 3] [4, 2, 5] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x5xf32>
  %e5 = tensor.empty() : tensor<4x2x5xf32>
  %n = linalg.negf ins(%x2 : tensor<4x2x5xf32>) outs(%e5 : tensor<4x2x5xf32>) -> tensor<4x2x5xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<4x2x5xf32>, tensor<4x2x3xf32>) -> tensor<4x2x8xf32>
  %e = tensor.empty() : tensor<4x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<4x2x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<4x2x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  // expected-remark @+1 {{rope-raise: not raised: halves split at 5 and 3 of 8, expected 4 and 4}}
  %y = linalg.add ins(%a, %b : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%e : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  return %y : tensor<4x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#heads = affine_map<(d0, d1, d2) -> (d1, d2)>
// Near miss: tables that vary with the heads, not the tokens.
// CHECK-LABEL: func.func @heads_table
// CHECK-NOT: rope.apply
func.func @heads_table(%x: tensor<4x2x8xf32>, %cos: tensor<2x8xf32>, %sin: tensor<2x8xf32>) -> tensor<4x2x8xf32> {
  %x1 = tensor.extract_slice %x[0, 0, 0] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %e4 = tensor.empty() : tensor<4x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<4x2x4xf32>) outs(%e4 : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<4x2x4xf32>, tensor<4x2x4xf32>) -> tensor<4x2x8xf32>
  %e = tensor.empty() : tensor<4x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #heads, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<4x2x8xf32>, tensor<2x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #heads, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<4x2x8xf32>, tensor<2x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  // expected-remark @+1 {{rope-raise: not raised: cos varies with the heads (dimension 1), not only with the tokens}}
  %y = linalg.add ins(%a, %b : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%e : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  return %y : tensor<4x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
// GPT-NeoX partial rotary, the halves put together with insert_slice:
// one rope.apply of the whole head with rotary_dim = 8.
// CHECK-LABEL: func.func @partial_insert
// CHECK: rope.apply half thd ins(%arg0 : tensor<4x2x12xf32>) {{.*}} cos_sin(%arg1, %arg2 : tensor<4x8xf32>, tensor<4x8xf32>) rotary_dim = 8
// CHECK-NOT: tensor.concat
func.func @partial_insert(%xf: tensor<4x2x12xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<4x2x12xf32> {
  %x = tensor.extract_slice %xf[0, 0, 0] [4, 2, 8] [1, 1, 1] : tensor<4x2x12xf32> to tensor<4x2x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %e4 = tensor.empty() : tensor<4x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<4x2x4xf32>) outs(%e4 : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  %re = tensor.empty() : tensor<4x2x8xf32>
  %r0 = tensor.insert_slice %x1 into %re[0, 0, 4] [4, 2, 4] [1, 1, 1] : tensor<4x2x4xf32> into tensor<4x2x8xf32>
  %r = tensor.insert_slice %n into %r0[0, 0, 0] [4, 2, 4] [1, 1, 1] : tensor<4x2x4xf32> into tensor<4x2x8xf32>
  %e = tensor.empty() : tensor<4x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<4x2x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<4x2x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.add ins(%a, %b : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%e : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %pass = tensor.extract_slice %xf[0, 0, 8] [4, 2, 4] [1, 1, 1] : tensor<4x2x12xf32> to tensor<4x2x4xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply with rotary_dim = 8 of 12}}
  %yp = tensor.concat dim(2) %y, %pass : (tensor<4x2x8xf32>, tensor<4x2x4xf32>) -> tensor<4x2x12xf32>
  return %yp : tensor<4x2x12xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
// The expanded form cat(x1 * c - x2 * s, x2 * c + x1 * s) with one
// half-width table each: rope.apply on them (W = R/2).
// CHECK-LABEL: func.func @expanded
// CHECK: rope.apply half thd ins(%arg0 : tensor<4x2x8xf32>) {{.*}} cos_sin(%arg1, %arg2 : tensor<4x4xf32>, tensor<4x4xf32>)
// CHECK-NOT: tensor.concat
func.func @expanded(%x: tensor<4x2x8xf32>, %c: tensor<4x4xf32>, %s: tensor<4x4xf32>) -> tensor<4x2x8xf32> {
  %x1 = tensor.extract_slice %x[0, 0, 0] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %e = tensor.empty() : tensor<4x2x4xf32>
  %p1 = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x1, %c : tensor<4x2x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x2x4xf32>
  %p2 = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x2, %s : tensor<4x2x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x2x4xf32>
  %p3 = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x2, %c : tensor<4x2x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x2x4xf32>
  %p4 = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x1, %s : tensor<4x2x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x2x4xf32>
  %f = linalg.sub ins(%p1, %p2 : tensor<4x2x4xf32>, tensor<4x2x4xf32>) outs(%e : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  %g = linalg.add ins(%p4, %p3 : tensor<4x2x4xf32>, tensor<4x2x4xf32>) outs(%e : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  // expected-remark @+1 {{rope-raise: raised the expanded form to rope.apply half thd}}
  %y = tensor.concat dim(2) %f, %g : (tensor<4x2x4xf32>, tensor<4x2x4xf32>) -> tensor<4x2x8xf32>
  return %y : tensor<4x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
// Near miss: both halves sums.
// CHECK-LABEL: func.func @expanded_two_sums
// CHECK-NOT: rope.apply
func.func @expanded_two_sums(%x: tensor<4x2x8xf32>, %c: tensor<4x4xf32>, %s: tensor<4x4xf32>) -> tensor<4x2x8xf32> {
  %x1 = tensor.extract_slice %x[0, 0, 0] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %e = tensor.empty() : tensor<4x2x4xf32>
  %p1 = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x1, %c : tensor<4x2x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x2x4xf32>
  %p2 = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x2, %s : tensor<4x2x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x2x4xf32>
  %f = linalg.add ins(%p1, %p2 : tensor<4x2x4xf32>, tensor<4x2x4xf32>) outs(%e : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  %g = linalg.add ins(%p2, %p1 : tensor<4x2x4xf32>, tensor<4x2x4xf32>) outs(%e : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  // expected-remark @+1 {{rope-raise: not raised: the two halves are not one difference and one sum}}
  %y = tensor.concat dim(2) %f, %g : (tensor<4x2x4xf32>, tensor<4x2x4xf32>) -> tensor<4x2x8xf32>
  return %y : tensor<4x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
// q and k (4 and 2 heads) rotated by the same tables: one rope.apply.
// CHECK-LABEL: func.func @q_and_k
// CHECK: %[[R:.*]]:2 = rope.apply half thd ins(%arg0, %arg1 : tensor<4x4x8xf32>, tensor<4x2x8xf32>) {{.*}} cos_sin(%arg2, %arg3 : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK-NOT: rope.apply
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @q_and_k(%q: tensor<4x4x8xf32>, %k: tensor<4x2x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> (tensor<4x4x8xf32>, tensor<4x2x8xf32>) {
  %q1 = tensor.extract_slice %q[0, 0, 0] [4, 4, 4] [1, 1, 1] : tensor<4x4x8xf32> to tensor<4x4x4xf32>
  %q2 = tensor.extract_slice %q[0, 0, 4] [4, 4, 4] [1, 1, 1] : tensor<4x4x8xf32> to tensor<4x4x4xf32>
  %qe4 = tensor.empty() : tensor<4x4x4xf32>
  %qn = linalg.negf ins(%q2 : tensor<4x4x4xf32>) outs(%qe4 : tensor<4x4x4xf32>) -> tensor<4x4x4xf32>
  %qr = tensor.concat dim(2) %qn, %q1 : (tensor<4x4x4xf32>, tensor<4x4x4xf32>) -> tensor<4x4x8xf32>
  %qe = tensor.empty() : tensor<4x4x8xf32>
  %qa = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q, %cos : tensor<4x4x8xf32>, tensor<4x8xf32>) outs(%qe : tensor<4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x4x8xf32>
  %qb = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%qr, %sin : tensor<4x4x8xf32>, tensor<4x8xf32>) outs(%qe : tensor<4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x4x8xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %qy = linalg.add ins(%qa, %qb : tensor<4x4x8xf32>, tensor<4x4x8xf32>) outs(%qe : tensor<4x4x8xf32>) -> tensor<4x4x8xf32>
  %k1 = tensor.extract_slice %k[0, 0, 0] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %k2 = tensor.extract_slice %k[0, 0, 4] [4, 2, 4] [1, 1, 1] : tensor<4x2x8xf32> to tensor<4x2x4xf32>
  %ke4 = tensor.empty() : tensor<4x2x4xf32>
  %kn = linalg.negf ins(%k2 : tensor<4x2x4xf32>) outs(%ke4 : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  %kr = tensor.concat dim(2) %kn, %k1 : (tensor<4x2x4xf32>, tensor<4x2x4xf32>) -> tensor<4x2x8xf32>
  %ke = tensor.empty() : tensor<4x2x8xf32>
  %ka = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%k, %cos : tensor<4x2x8xf32>, tensor<4x8xf32>) outs(%ke : tensor<4x2x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  %kb = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%kr, %sin : tensor<4x2x8xf32>, tensor<4x8xf32>) outs(%ke : tensor<4x2x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x2x8xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %ky = linalg.add ins(%ka, %kb : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%ke : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  return %qy, %ky : tensor<4x4x8xf32>, tensor<4x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
// Halves split at x.shape[-1] // 2 computed from tensor.dim.
// CHECK-LABEL: func.func @dim_arithmetic
// CHECK: rope.apply half thd
func.func @dim_arithmetic(%x: tensor<?x2x8xf32>, %cos: tensor<?x8xf32>, %sin: tensor<?x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %d = tensor.dim %x, %c2 : tensor<?x2x8xf32>
  %h = arith.floordivsi %d, %c2 : index
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, %h] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x?xf32>
  %x2 = tensor.extract_slice %x[0, 0, %h] [%t, 2, %h] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x?xf32>
  %x1s = tensor.cast %x1 : tensor<?x2x?xf32> to tensor<?x2x4xf32>
  %x2s = tensor.cast %x2 : tensor<?x2x?xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2s : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1s : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

// torch-mlir's aten.add.Tensor before canonicalization: the body scales
// its second operand by alpha = sitofp(1); folded, it is one addf.
// CHECK-LABEL: func.func @torch_add
// CHECK: rope.apply half thd
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @torch_add(%x: tensor<?x2x8xf32>, %cos: tensor<?x8xf32>, %sin: tensor<?x8xf32>) -> tensor<?x2x8xf32> {
  %c1_i64 = arith.constant 1 : i64
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %cos : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<?x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%r, %sin : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<?x2x8xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.sitofp %c1_i64 : i64 to f32
    %1 = arith.mulf %in_0, %0 : f32
    %2 = arith.addf %in, %1 : f32
    linalg.yield %2 : f32
  } -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}
