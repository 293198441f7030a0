// RUN: rope-opt %s --rope-raise -split-input-file | FileCheck %s
// RUN: rope-opt %s --rope-raise=remarks=1 -split-input-file -verify-diagnostics -o /dev/null

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// cos and sin gathered from [16, 8] caches by positions, with torch-mlir's
// negative-index wrap: rope.gather on the wrapped positions.
// CHECK-LABEL: func.func @gathered_wrap
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x2x8xf32>, %[[IDS:[^:]*]]: tensor<?xi64>, %[[CC:[^:]*]]: tensor<16x8xf32>, %[[SC:[^:]*]]: tensor<16x8xf32>
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[IDS]] : tensor<?xi64>)
// CHECK: arith.select
// CHECK: %[[C:.*]], %[[S:.*]] = rope.gather positions(%[[P]] : tensor<?xi64>) tables(%[[CC]], %[[SC]] : tensor<16x8xf32>, tensor<16x8xf32>)
// CHECK: rope.apply half thd ins(%[[X]] : tensor<?x2x8xf32>) {{.*}} cos_sin(%[[C]], %[[S]] : tensor<?x8xf32>, tensor<?x8xf32>)
// CHECK-NOT: tensor.extract
func.func @gathered_wrap(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>, %cc: tensor<16x8xf32>, %sc: tensor<16x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %cos = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_cos = arith.index_cast %p : i64 to index
    %z_cos = arith.constant 0 : index
    %n_cos = arith.constant 16 : index
    %neg_cos = arith.cmpi slt, %i_cos, %z_cos : index
    %w_cos = arith.addi %i_cos, %n_cos : index
    %r_cos = arith.select %neg_cos, %w_cos, %i_cos : index
    %j_cos = linalg.index 1 : index
    %v_cos = tensor.extract %cc[%r_cos, %j_cos] : tensor<16x8xf32>
    linalg.yield %v_cos : f32
  } -> tensor<?x8xf32>
  %sin = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_sin = arith.index_cast %p : i64 to index
    %z_sin = arith.constant 0 : index
    %n_sin = arith.constant 16 : index
    %neg_sin = arith.cmpi slt, %i_sin, %z_sin : index
    %w_sin = arith.addi %i_sin, %n_sin : index
    %r_sin = arith.select %neg_sin, %w_sin, %i_sin : index
    %j_sin = linalg.index 1 : index
    %v_sin = tensor.extract %sc[%r_sin, %j_sin] : tensor<16x8xf32>
    linalg.yield %v_sin : f32
  } -> tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
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
  // expected-remark @+2 {{rope-raise: cos and sin gathered by position: rope.gather}}
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// Without the wrap the positions are used as they are.
// CHECK-LABEL: func.func @gathered_plain
// CHECK-SAME: %[[IDS:[^:]*]]: tensor<?xi64>
// CHECK: rope.gather positions(%[[IDS]] : tensor<?xi64>)
func.func @gathered_plain(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>, %cc: tensor<16x8xf32>, %sc: tensor<16x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %cos = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_cos = arith.index_cast %p : i64 to index
    %j_cos = linalg.index 1 : index
    %v_cos = tensor.extract %cc[%i_cos, %j_cos] : tensor<16x8xf32>
    linalg.yield %v_cos : f32
  } -> tensor<?x8xf32>
  %sin = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_sin = arith.index_cast %p : i64 to index
    %j_sin = linalg.index 1 : index
    %v_sin = tensor.extract %sc[%i_sin, %j_sin] : tensor<16x8xf32>
    linalg.yield %v_sin : f32
  } -> tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
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
  // expected-remark @+2 {{rope-raise: cos and sin gathered by position: rope.gather}}
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// Near miss: sin gathered at positions + 1, cos at positions.
// CHECK-LABEL: func.func @gathered_shifted
// CHECK-NOT: rope.apply
func.func @gathered_shifted(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>, %cc: tensor<16x8xf32>, %sc: tensor<16x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %one = arith.constant 1 : i64
  %ei = tensor.empty(%t) : tensor<?xi64>
  %ids1 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ei : tensor<?xi64>) {
  ^bb0(%p: i64, %o: i64):
    %q = arith.addi %p, %one : i64
    linalg.yield %q : i64
  } -> tensor<?xi64>
  %cos = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_cos = arith.index_cast %p : i64 to index
    %j_cos = linalg.index 1 : index
    %v_cos = tensor.extract %cc[%i_cos, %j_cos] : tensor<16x8xf32>
    linalg.yield %v_cos : f32
  } -> tensor<?x8xf32>
  %sin = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids1 : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_sin = arith.index_cast %p : i64 to index
    %j_sin = linalg.index 1 : index
    %v_sin = tensor.extract %sc[%i_sin, %j_sin] : tensor<16x8xf32>
    linalg.yield %v_sin : f32
  } -> tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
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
  // expected-remark @+1 {{rope-raise: not raised: cos and sin are gathered at different positions}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// Near miss: the sin row is position + 1 inside the gather.
// CHECK-LABEL: func.func @gathered_other_row
// CHECK-NOT: rope.apply
func.func @gathered_other_row(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>, %cc: tensor<16x8xf32>, %sc: tensor<16x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %cos = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_cos = arith.index_cast %p : i64 to index
    %j_cos = linalg.index 1 : index
    %v_cos = tensor.extract %cc[%i_cos, %j_cos] : tensor<16x8xf32>
    linalg.yield %v_cos : f32
  } -> tensor<?x8xf32>
  %sin = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_sin = arith.index_cast %p : i64 to index
    %j_sin = linalg.index 1 : index
    %k1 = arith.constant 1 : index
    %i1 = arith.addi %i_sin, %k1 : index
    %v_sin = tensor.extract %sc[%i1, %j_sin] : tensor<16x8xf32>
    linalg.yield %v_sin : f32
  } -> tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
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
  // expected-remark @+1 {{rope-raise: not raised: cos and sin are gathered from different rows (the row index arithmetic differs)}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// Near miss: constant positions past the cache's 16 rows.
// CHECK-LABEL: func.func @gathered_out_of_range
// CHECK-NOT: rope.apply
func.func @gathered_out_of_range(%x: tensor<3x2x8xf32>, %cc: tensor<16x8xf32>, %sc: tensor<16x8xf32>) -> tensor<3x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<3x2x8xf32>
  %e2 = tensor.empty() : tensor<3x8xf32>
  %ids = arith.constant dense<[0, 3, 16]> : tensor<3xi64>
  %cos = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<3xi64>) outs(%e2 : tensor<3x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_cos = arith.index_cast %p : i64 to index
    %j_cos = linalg.index 1 : index
    %v_cos = tensor.extract %cc[%i_cos, %j_cos] : tensor<16x8xf32>
    linalg.yield %v_cos : f32
  } -> tensor<3x8xf32>
  %sin = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<3xi64>) outs(%e2 : tensor<3x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i_sin = arith.index_cast %p : i64 to index
    %j_sin = linalg.index 1 : index
    %v_sin = tensor.extract %sc[%i_sin, %j_sin] : tensor<16x8xf32>
    linalg.yield %v_sin : f32
  } -> tensor<3x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [3, 2, 4] [1, 1, 1] : tensor<3x2x8xf32> to tensor<3x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [3, 2, 4] [1, 1, 1] : tensor<3x2x8xf32> to tensor<3x2x4xf32>
  %eh = tensor.empty() : tensor<3x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<3x2x4xf32>) outs(%eh : tensor<3x2x4xf32>) -> tensor<3x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<3x2x4xf32>, tensor<3x2x4xf32>) -> tensor<3x2x8xf32>
  %e = tensor.empty() : tensor<3x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<3x2x8xf32>, tensor<3x8xf32>) outs(%e : tensor<3x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<3x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<3x2x8xf32>, tensor<3x8xf32>) outs(%e : tensor<3x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<3x2x8xf32>
  // expected-remark @+1 {{rope-raise: not raised: position 16 used with a cache of 16 rows}}
  %y = linalg.add ins(%a, %b : tensor<3x2x8xf32>, tensor<3x2x8xf32>) outs(%e : tensor<3x2x8xf32>) -> tensor<3x2x8xf32>
  return %y : tensor<3x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// The wrap reads each cache's own dynamic size (tensor.dim in the body,
// as torch-mlir writes it): the rows are the same function.
// CHECK-LABEL: func.func @gathered_dim_wrap
// CHECK: tensor.dim %{{.*}}, %{{.*}} : tensor<?x8xf32>
// CHECK: rope.gather
func.func @gathered_dim_wrap(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>, %cc: tensor<?x8xf32>, %sc: tensor<?x8xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %cos = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i = arith.index_cast %p : i64 to index
    %z = arith.constant 0 : index
    %n = tensor.dim %cc, %z : tensor<?x8xf32>
    %neg = arith.cmpi slt, %i, %z : index
    %w = arith.addi %i, %n : index
    %r = arith.select %neg, %w, %i : index
    %j = linalg.index 1 : index
    %v = tensor.extract %cc[%r, %j] : tensor<?x8xf32>
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<?xi64>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%p: i64, %o: f32):
    %i = arith.index_cast %p : i64 to index
    %z = arith.constant 0 : index
    %n = tensor.dim %sc, %z : tensor<?x8xf32>
    %neg = arith.cmpi slt, %i, %z : index
    %w = arith.addi %i, %n : index
    %r = arith.select %neg, %w, %i : index
    %j = linalg.index 1 : index
    %v = tensor.extract %sc[%r, %j] : tensor<?x8xf32>
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
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
  // expected-remark @+2 {{rope-raise: cos and sin gathered by position: rope.gather}}
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}
