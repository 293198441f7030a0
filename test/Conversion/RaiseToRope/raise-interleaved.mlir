// RUN: rope-opt %s --rope-raise -split-input-file | FileCheck %s
// RUN: rope-opt %s --rope-raise=remarks=1 -split-input-file -verify-diagnostics -o /dev/null

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#dup = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// GPT-J rotate_every_two: strided slices, stack as unsqueeze + concat,
// flatten; per-element tables.
// CHECK-LABEL: func.func @every_two
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x2x8xf32>, %[[C:[^:]*]]: tensor<?x8xf32>, %[[S:[^:]*]]: tensor<?x8xf32>
// CHECK: rope.apply interleaved thd ins(%[[X]] : tensor<?x2x8xf32>) {{.*}} cos_sin(%[[C]], %[[S]] : tensor<?x8xf32>, tensor<?x8xf32>)
// CHECK-NOT: tensor.collapse_shape
func.func @every_two(%x: tensor<?x2x8xf32>, %cos: tensor<?x8xf32>, %sin: tensor<?x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 1] [%t, 2, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n2 = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %a1 = tensor.expand_shape %n2 [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %b1 = tensor.expand_shape %x1 [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %a1, %b1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  %r = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
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
  // expected-remark @+1 {{rope-raise: raised to rope.apply interleaved thd}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#dup = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// The inverse, stack(x2, -x1), with repeat_interleave'd tables: one entry
// per pair.
// CHECK-LABEL: func.func @every_two_inverse_pairs
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x2x8xf32>, %[[C:[^:]*]]: tensor<?x4xf32>, %[[S:[^:]*]]: tensor<?x4xf32>
// CHECK: rope.apply interleaved thd inverse ins(%[[X]] : tensor<?x2x8xf32>) {{.*}} cos_sin(%[[C]], %[[S]] : tensor<?x4xf32>, tensor<?x4xf32>)
func.func @every_two_inverse_pairs(%x: tensor<?x2x8xf32>, %cos: tensor<?x4xf32>, %sin: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %cr3 = tensor.expand_shape %cos [[0], [1, 2]] output_shape [%t, 4, 1] : tensor<?x4xf32> into tensor<?x4x1xf32>
  %e42_cr = tensor.empty(%t) : tensor<?x4x2xf32>
  %cr2 = linalg.generic {indexing_maps = [#dup, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%cr3 : tensor<?x4x1xf32>) outs(%e42_cr : tensor<?x4x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?x4x2xf32>
  %cr = tensor.collapse_shape %cr2 [[0], [1, 2]] : tensor<?x4x2xf32> into tensor<?x8xf32>
  %sr3 = tensor.expand_shape %sin [[0], [1, 2]] output_shape [%t, 4, 1] : tensor<?x4xf32> into tensor<?x4x1xf32>
  %e42_sr = tensor.empty(%t) : tensor<?x4x2xf32>
  %sr2 = linalg.generic {indexing_maps = [#dup, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sr3 : tensor<?x4x1xf32>) outs(%e42_sr : tensor<?x4x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?x4x2xf32>
  %sr = tensor.collapse_shape %sr2 [[0], [1, 2]] : tensor<?x4x2xf32> into tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 1] [%t, 2, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n1 = linalg.negf ins(%x1 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %a1 = tensor.expand_shape %x2 [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %b1 = tensor.expand_shape %n1 [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %a1, %b1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  %r = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cr : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sr : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  // expected-remark @+1 {{rope-raise: raised to rope.apply interleaved thd inverse}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#dup = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// Meta's complex multiply in real arithmetic over a [..., D/2, 2] view.
// CHECK-LABEL: func.func @meta
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x2x8xf32>, %[[C:[^:]*]]: tensor<?x4xf32>, %[[S:[^:]*]]: tensor<?x4xf32>
// CHECK: rope.apply interleaved thd ins(%[[X]] : tensor<?x2x8xf32>) {{.*}} cos_sin(%[[C]], %[[S]] : tensor<?x4xf32>, tensor<?x4xf32>)
func.func @meta(%x: tensor<?x2x8xf32>, %cos: tensor<?x4xf32>, %sin: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %xv = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [%t, 2, 4, 2] : tensor<?x2x8xf32> into tensor<?x2x4x2xf32>
  %xr = tensor.extract_slice %xv[0, 0, 0, 0] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %xi = tensor.extract_slice %xv[0, 0, 0, 1] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %rc = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xr, %cos : tensor<?x2x4xf32>, tensor<?x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4xf32>
  %is = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xi, %sin : tensor<?x2x4xf32>, tensor<?x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4xf32>
  %rs = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xr, %sin : tensor<?x2x4xf32>, tensor<?x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4xf32>
  %ic = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xi, %cos : tensor<?x2x4xf32>, tensor<?x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4xf32>
  %re = linalg.sub ins(%rc, %is : tensor<?x2x4xf32>, tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %im = linalg.add ins(%ic, %rs : tensor<?x2x4xf32>, tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %re1 = tensor.expand_shape %re [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %im1 = tensor.expand_shape %im [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %re1, %im1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  // expected-remark @+1 {{rope-raise: raised the expanded form to rope.apply interleaved thd}}
  %y = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#dup = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// Near miss: both elements sliced at offset 1.
// CHECK-LABEL: func.func @every_two_same_offset
// CHECK-NOT: rope.apply
func.func @every_two_same_offset(%x: tensor<?x2x8xf32>, %cos: tensor<?x8xf32>, %sin: tensor<?x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 1] [%t, 2, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 1] [%t, 2, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n2 = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %a1 = tensor.expand_shape %n2 [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %b1 = tensor.expand_shape %x1 [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %a1, %b1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  %r = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
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
  // expected-remark @+1 {{rope-raise: not raised: elements of the pairs sliced at offset 1 stride 2, expected offset 0 stride 2}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#dup = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// Near miss: both elements negated.
// CHECK-LABEL: func.func @every_two_both_negated
// CHECK-NOT: rope.apply
func.func @every_two_both_negated(%x: tensor<?x2x8xf32>, %cos: tensor<?x8xf32>, %sin: tensor<?x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 1] [%t, 2, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n2 = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %n1 = linalg.negf ins(%x1 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %a1 = tensor.expand_shape %n2 [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %b1 = tensor.expand_shape %n1 [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %a1, %b1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  %r = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
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
  // expected-remark @+1 {{rope-raise: not raised: both elements are negated}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#dup = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// Near miss: tables with one entry per adjacent pair, halves rotated.
// CHECK-LABEL: func.func @pair_tables_half
// CHECK-NOT: rope.apply
func.func @pair_tables_half(%x: tensor<?x2x8xf32>, %cos: tensor<?x4xf32>, %sin: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %cr3 = tensor.expand_shape %cos [[0], [1, 2]] output_shape [%t, 4, 1] : tensor<?x4xf32> into tensor<?x4x1xf32>
  %e42_cr = tensor.empty(%t) : tensor<?x4x2xf32>
  %cr2 = linalg.generic {indexing_maps = [#dup, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%cr3 : tensor<?x4x1xf32>) outs(%e42_cr : tensor<?x4x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?x4x2xf32>
  %cr = tensor.collapse_shape %cr2 [[0], [1, 2]] : tensor<?x4x2xf32> into tensor<?x8xf32>
  %sr3 = tensor.expand_shape %sin [[0], [1, 2]] output_shape [%t, 4, 1] : tensor<?x4xf32> into tensor<?x4x1xf32>
  %e42_sr = tensor.empty(%t) : tensor<?x4x2xf32>
  %sr2 = linalg.generic {indexing_maps = [#dup, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sr3 : tensor<?x4x1xf32>) outs(%e42_sr : tensor<?x4x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?x4x2xf32>
  %sr = tensor.collapse_shape %sr2 [[0], [1, 2]] : tensor<?x4x2xf32> into tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cr : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sr : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  // expected-remark @+1 {{rope-raise: not raised: the tables repeat each entry for adjacent elements (repeat_interleave) but the halves are rotated}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#dup = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// Near miss: Meta's form with two sums.
// CHECK-LABEL: func.func @meta_two_sums
// CHECK-NOT: rope.apply
func.func @meta_two_sums(%x: tensor<?x2x8xf32>, %cos: tensor<?x4xf32>, %sin: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %xv = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [%t, 2, 4, 2] : tensor<?x2x8xf32> into tensor<?x2x4x2xf32>
  %xr = tensor.extract_slice %xv[0, 0, 0, 0] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %xi = tensor.extract_slice %xv[0, 0, 0, 1] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %rc = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xr, %cos : tensor<?x2x4xf32>, tensor<?x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4xf32>
  %is = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xi, %sin : tensor<?x2x4xf32>, tensor<?x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4xf32>
  %rs = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xr, %sin : tensor<?x2x4xf32>, tensor<?x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4xf32>
  %ic = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xi, %cos : tensor<?x2x4xf32>, tensor<?x4xf32>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4xf32>
  %re = linalg.add ins(%rc, %is : tensor<?x2x4xf32>, tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %im = linalg.add ins(%ic, %rs : tensor<?x2x4xf32>, tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %re1 = tensor.expand_shape %re [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %im1 = tensor.expand_shape %im [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %re1, %im1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  // expected-remark @+1 {{rope-raise: not raised: the two halves are not one difference and one sum}}
  %y = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// The complex dialect form: complex(x[..., ::2], x[..., 1::2]) times
// complex(cos, sin), real and imaginary parts stacked.
// CHECK-LABEL: func.func @complex_mul
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x2x8xf32>, %[[C:[^:]*]]: tensor<?x4xf32>, %[[S:[^:]*]]: tensor<?x4xf32>
// CHECK: rope.apply interleaved thd ins(%[[X]] : tensor<?x2x8xf32>) {{.*}} cos_sin(%[[C]], %[[S]] : tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK-NOT: complex.mul
func.func @complex_mul(%x: tensor<?x2x8xf32>, %cos: tensor<?x4xf32>, %sin: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %xv = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [%t, 2, 4, 2] : tensor<?x2x8xf32> into tensor<?x2x4x2xf32>
  %xr = tensor.extract_slice %xv[0, 0, 0, 0] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %xi = tensor.extract_slice %xv[0, 0, 0, 1] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %ez = tensor.empty(%t) : tensor<?x2x4xcomplex<f32>>
  %z = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xr, %xi : tensor<?x2x4xf32>, tensor<?x2x4xf32>) outs(%ez : tensor<?x2x4xcomplex<f32>>) {
  ^bb0(%a: f32, %b: f32, %o: complex<f32>):
    %c = complex.create %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x2x4xcomplex<f32>>
  %ef = tensor.empty(%t) : tensor<?x4xcomplex<f32>>
  %f = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos, %sin : tensor<?x4xf32>, tensor<?x4xf32>) outs(%ef : tensor<?x4xcomplex<f32>>) {
  ^bb0(%a: f32, %b: f32, %o: complex<f32>):
    %c = complex.create %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x4xcomplex<f32>>
  %p = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z, %f : tensor<?x2x4xcomplex<f32>>, tensor<?x4xcomplex<f32>>) outs(%ez : tensor<?x2x4xcomplex<f32>>) {
  ^bb0(%a: complex<f32>, %b: complex<f32>, %o: complex<f32>):
    %c = complex.mul %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x2x4xcomplex<f32>>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %re = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<?x2x4xcomplex<f32>>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%a: complex<f32>, %o: f32):
    %c = complex.re %a : complex<f32>
    linalg.yield %c : f32
  } -> tensor<?x2x4xf32>
  %im = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<?x2x4xcomplex<f32>>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%a: complex<f32>, %o: f32):
    %c = complex.im %a : complex<f32>
    linalg.yield %c : f32
  } -> tensor<?x2x4xf32>
  %re1 = tensor.expand_shape %re [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %im1 = tensor.expand_shape %im [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %re1, %im1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  // expected-remark @+1 {{rope-raise: raised the complex multiply to rope.apply interleaved thd}}
  %y = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// Near miss: complex(x[..., 1::2], x[..., ::2]).
// CHECK-LABEL: func.func @complex_swapped_parts
// CHECK-NOT: rope.apply
func.func @complex_swapped_parts(%x: tensor<?x2x8xf32>, %cos: tensor<?x4xf32>, %sin: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %xv = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [%t, 2, 4, 2] : tensor<?x2x8xf32> into tensor<?x2x4x2xf32>
  %xr = tensor.extract_slice %xv[0, 0, 0, 0] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %xi = tensor.extract_slice %xv[0, 0, 0, 1] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %ez = tensor.empty(%t) : tensor<?x2x4xcomplex<f32>>
  %z = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xi, %xr : tensor<?x2x4xf32>, tensor<?x2x4xf32>) outs(%ez : tensor<?x2x4xcomplex<f32>>) {
  ^bb0(%a: f32, %b: f32, %o: complex<f32>):
    %c = complex.create %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x2x4xcomplex<f32>>
  %ef = tensor.empty(%t) : tensor<?x4xcomplex<f32>>
  %f = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos, %sin : tensor<?x4xf32>, tensor<?x4xf32>) outs(%ef : tensor<?x4xcomplex<f32>>) {
  ^bb0(%a: f32, %b: f32, %o: complex<f32>):
    %c = complex.create %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x4xcomplex<f32>>
  %p = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z, %f : tensor<?x2x4xcomplex<f32>>, tensor<?x4xcomplex<f32>>) outs(%ez : tensor<?x2x4xcomplex<f32>>) {
  ^bb0(%a: complex<f32>, %b: complex<f32>, %o: complex<f32>):
    %c = complex.mul %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x2x4xcomplex<f32>>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %re = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<?x2x4xcomplex<f32>>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%a: complex<f32>, %o: f32):
    %c = complex.re %a : complex<f32>
    linalg.yield %c : f32
  } -> tensor<?x2x4xf32>
  %im = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<?x2x4xcomplex<f32>>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%a: complex<f32>, %o: f32):
    %c = complex.im %a : complex<f32>
    linalg.yield %c : f32
  } -> tensor<?x2x4xf32>
  %re1 = tensor.expand_shape %re [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %im1 = tensor.expand_shape %im [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %re1, %im1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  // expected-remark @+1 {{rope-raise: not raised: the view is not sliced at element 0 of each pair}}
  %y = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}
