// RUN: rope-opt %s --rope-raise -split-input-file | FileCheck %s
// RUN: rope-opt %s --rope-raise=remarks=1 -split-input-file -verify-diagnostics -o /dev/null

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// cos and sin computed from positions and HF's float32 inv_freq (an outer
// product as a multiply, cat(f, f), times an attention factor): the
// frequencies are RoFormer's for base 10000, computed by the kernel.
// CHECK-LABEL: func.func @computed_generic
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x2x8xf32>, %[[IDS:[^:]*]]: tensor<?xi64>
// CHECK: %[[F:.*]] = rope.inv_freq freqs(#rope.default<base = 10000.0>) : tensor<4xf64>
// CHECK: %[[C:.*]], %[[S:.*]] = rope.cos_sin positions(%[[IDS]] : tensor<?xi64>) inv_freq(%[[F]] : tensor<4xf64>) {{.*}} attention_factor = 1.250000e+00
// CHECK: rope.apply half thd ins(%[[X]] : tensor<?x2x8xf32>) {{.*}} cos_sin(%[[C]], %[[S]] : tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK-NOT: math.cos
func.func @computed_generic(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty(%t) : tensor<?x4xf32>
  %inv_a = arith.constant dense<[1.0, 0.10000000149011612, 0.009999999776482582, 0.0010000000474974513]> : tensor<4xf32>
  %fr_a = linalg.generic {indexing_maps = [#row, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%pf, %inv_a : tensor<?xf32>, tensor<4xf32>) outs(%e4 : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %emb_a = tensor.concat dim(1) %fr_a, %fr_a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.cos %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_cos = arith.constant 1.25 : f32
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_cos : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.sin %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_sin = arith.constant 1.25 : f32
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%sin0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_sin : f32
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
  // expected-remark @+2 {{rope-raise: cos and sin computed from positions and frequencies: rope.cos_sin}}
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
// The outer product as a matmul over a unit reduction; frequencies that are
// no base's: the constant's values.
// CHECK-LABEL: func.func @computed_matmul
// CHECK: rope.inv_freq freqs(#rope.inv_freqs<values = [1.0, 0.5, 0.25, 0.0625]>)
// CHECK: rope.cos_sin
// CHECK-NOT: attention_factor
func.func @computed_matmul(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty(%t) : tensor<?x4xf32>
  %inv_a = arith.constant dense<[1.0, 0.5, 0.25, 0.0625]> : tensor<4xf32>
  %inv2_a = tensor.expand_shape %inv_a [[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
  %pf2_a = tensor.expand_shape %pf [[0, 1]] output_shape [%t, 1] : tensor<?xf32> into tensor<?x1xf32>
  %zero_a = arith.constant 0.0 : f32
  %z_a = linalg.fill ins(%zero_a : f32) outs(%e4 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %fr_a = linalg.matmul ins(%pf2_a, %inv2_a : tensor<?x1xf32>, tensor<1x4xf32>) outs(%z_a : tensor<?x4xf32>) -> tensor<?x4xf32>
  %emb_a = tensor.concat dim(1) %fr_a, %fr_a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.cos %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.sin %a : f32
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
  // expected-remark @+2 {{rope-raise: cos and sin computed from positions and frequencies: rope.cos_sin}}
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
// Near miss: cos and sin swapped.
// CHECK-LABEL: func.func @computed_swapped
// CHECK-NOT: rope.apply
func.func @computed_swapped(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty(%t) : tensor<?x4xf32>
  %inv_a = arith.constant dense<[1.0, 0.10000000149011612, 0.009999999776482582, 0.0010000000474974513]> : tensor<4xf32>
  %fr_a = linalg.generic {indexing_maps = [#row, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%pf, %inv_a : tensor<?xf32>, tensor<4xf32>) outs(%e4 : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %emb_a = tensor.concat dim(1) %fr_a, %fr_a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.cos %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.sin %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %sin : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %cos : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  // expected-remark @+1 {{rope-raise: not raised: cos and sin are swapped (the cos operand is a sine)}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// Near miss: cos and sin scaled differently.
// CHECK-LABEL: func.func @computed_scaled
// CHECK-NOT: rope.apply
func.func @computed_scaled(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty(%t) : tensor<?x4xf32>
  %inv_a = arith.constant dense<[1.0, 0.10000000149011612, 0.009999999776482582, 0.0010000000474974513]> : tensor<4xf32>
  %fr_a = linalg.generic {indexing_maps = [#row, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%pf, %inv_a : tensor<?xf32>, tensor<4xf32>) outs(%e4 : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %emb_a = tensor.concat dim(1) %fr_a, %fr_a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.cos %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_cos = arith.constant 1.25 : f32
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_cos : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.sin %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_sin = arith.constant 1.5 : f32
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%sin0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_sin : f32
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
  // expected-remark @+1 {{rope-raise: not raised: cos is scaled by 1.25 and sin by 1.5}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// Near miss: cos and sin of different frequencies.
// CHECK-LABEL: func.func @computed_other_freqs
// CHECK-NOT: rope.apply
func.func @computed_other_freqs(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty(%t) : tensor<?x4xf32>
  %inv_a = arith.constant dense<[1.0, 0.10000000149011612, 0.009999999776482582, 0.0010000000474974513]> : tensor<4xf32>
  %fr_a = linalg.generic {indexing_maps = [#row, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%pf, %inv_a : tensor<?xf32>, tensor<4xf32>) outs(%e4 : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %emb_a = tensor.concat dim(1) %fr_a, %fr_a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %inv_b = arith.constant dense<[1.0, 0.5, 0.25, 0.0625]> : tensor<4xf32>
  %fr_b = linalg.generic {indexing_maps = [#row, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%pf, %inv_b : tensor<?xf32>, tensor<4xf32>) outs(%e4 : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %emb_b = tensor.concat dim(1) %fr_b, %fr_b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.cos %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_b : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.sin %a : f32
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
  // expected-remark @+1 {{rope-raise: not raised: cos and sin are of different angles}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

// -----

// inv_freq as a dense_resource blob (torch-mlir's form for large constants).
// CHECK-LABEL: func.func @computed_resource
// CHECK: rope.inv_freq freqs(#rope.default<base = 10000.0>)
// CHECK: rope.cos_sin
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @computed_resource(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty(%t) : tensor<?x4xf32>
  %inv_a = arith.constant dense_resource<inv_freq> : tensor<4xf32>
  %fr_a = linalg.generic {indexing_maps = [#row, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%pf, %inv_a : tensor<?xf32>, tensor<4xf32>) outs(%e4 : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %emb_a = tensor.concat dim(1) %fr_a, %fr_a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.cos %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_cos = arith.constant 1.25 : f32
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_cos : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.sin %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_sin = arith.constant 1.25 : f32
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%sin0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_sin : f32
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
      // expected-remark @+2 {{rope-raise: cos and sin computed from positions and frequencies: rope.cos_sin}}
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}


{-#
  dialect_resources: {
    builtin: {
      inv_freq: "0x040000000000803FCDCCCC3D0AD7233C6F12833A"
    }
  }
#-}

// -----

// HF in bf16: the f32 tables rounded to bf16 (cos.to(x.dtype)) and the
// rotation in bf16 arithmetic; the raised op computes f32 tables.
// CHECK-LABEL: func.func @computed_bf16
// CHECK: rope.cos_sin
// CHECK: rope.apply half thd ins(%{{.*}} : tensor<?x2x8xbf16>) {{.*}} cos_sin(%{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<?x4xf32>)
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @computed_bf16(%x: tensor<?x2x8xbf16>, %ids: tensor<?xi64>) -> tensor<?x2x8xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xbf16>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty(%t) : tensor<?x4xf32>
  %inv_a = arith.constant dense<[1.0, 0.10000000149011612, 0.009999999776482582, 0.0010000000474974513]> : tensor<4xf32>
  %fr_a = linalg.generic {indexing_maps = [#row, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%pf, %inv_a : tensor<?xf32>, tensor<4xf32>) outs(%e4 : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %emb_a = tensor.concat dim(1) %fr_a, %fr_a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.cos %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_cos = arith.constant 1.25 : f32
  %cos32 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_cos : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.sin %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_sin = arith.constant 1.25 : f32
  %sin32 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%sin0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_sin : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %e2b = tensor.empty(%t) : tensor<?x8xbf16>
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos32 : tensor<?x8xf32>) outs(%e2b : tensor<?x8xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %v = arith.truncf %a : f32 to bf16
    linalg.yield %v : bf16
  } -> tensor<?x8xbf16>
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%sin32 : tensor<?x8xf32>) outs(%e2b : tensor<?x8xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %v = arith.truncf %a : f32 to bf16
    linalg.yield %v : bf16
  } -> tensor<?x8xbf16>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xbf16> to tensor<?x2x4xbf16>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xbf16> to tensor<?x2x4xbf16>
  %eh = tensor.empty(%t) : tensor<?x2x4xbf16>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xbf16>) outs(%eh : tensor<?x2x4xbf16>) -> tensor<?x2x4xbf16>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xbf16>, tensor<?x2x4xbf16>) -> tensor<?x2x8xbf16>
  %e = tensor.empty(%t) : tensor<?x2x8xbf16>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<?x2x8xbf16>, tensor<?x8xbf16>) outs(%e : tensor<?x2x8xbf16>) {
  ^bb0(%u: bf16, %v: bf16, %o: bf16):
    %m = arith.mulf %u, %v : bf16
    linalg.yield %m : bf16
  } -> tensor<?x2x8xbf16>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<?x2x8xbf16>, tensor<?x8xbf16>) outs(%e : tensor<?x2x8xbf16>) {
  ^bb0(%u: bf16, %v: bf16, %o: bf16):
    %m = arith.mulf %u, %v : bf16
    linalg.yield %m : bf16
  } -> tensor<?x2x8xbf16>
      // expected-remark @+2 {{rope-raise: cos and sin computed from positions and frequencies: rope.cos_sin}}
  // expected-remark @+1 {{rope-raise: raised to rope.apply half thd}}
  %y = linalg.add ins(%a, %b : tensor<?x2x8xbf16>, tensor<?x2x8xbf16>) outs(%e : tensor<?x2x8xbf16>) -> tensor<?x2x8xbf16>
  return %y : tensor<?x2x8xbf16>
}

