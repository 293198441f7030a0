// The rotary part of DeepSeek-V3 multi-head latent attention as torch-mlir's
// linalg-on-tensors backend (TorchToLinalg + canonicalize) prints it: HF
// transformers DeepseekV3Attention with rope_interleave (the weights store
// the rope dims as interleaved pairs; apply_rotary_pos_emb_interleave
// de-interleaves them, then rotates with rotate_half), cos and sin rows
// gathered from cached tables by position_ids. f32; 4 heads,
// qk_nope_head_dim 64, qk_rope_head_dim 32, batch 1, S tokens; k_pe is one
// head shared by all heads.
//
//   q_nope, q_pe = torch.split(q, [64, 32], dim=-1)   # q [1, 4, S, 96]
//   cos = cos_cached[position_ids].unsqueeze(1)        # [1, 1, S, 32]
//   sin = sin_cached[position_ids].unsqueeze(1)
//   q_pe = q_pe.view(1, 4, S, 16, 2).transpose(4, 3).reshape(1, 4, S, 32)
//   k_pe = k_pe.view(1, 1, S, 16, 2).transpose(4, 3).reshape(1, 1, S, 32)
//   q_pe = q_pe * cos + rotate_half(q_pe) * sin         # rotate_half: cat(-x[..., 16:], x[..., :16])
//   k_pe = k_pe * cos + rotate_half(k_pe) * sin
//   k_pe = k_pe.expand(1, 4, S, 32)
//   query_states = torch.cat((q_nope, q_pe), dim=-1)   # [1, 4, S, 96]
//   key_states = torch.cat((k_nope, k_pe), dim=-1)
//
// Checked against float64 numpy by reference.py (frontend-deepseek-mla.test).
#map = affine_map<(d0, d1, d2) -> (d0, d1)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map3 = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
func.func @deepseek_mla_rope(%q: tensor<1x4x?x96xf32>, %k_pe: tensor<1x1x?x32xf32>,
                             %k_nope: tensor<1x4x?x64xf32>, %position_ids: tensor<1x?xi64>,
                             %cos_cached: tensor<2048x32xf32>, %sin_cached: tensor<2048x32xf32>)
    -> (tensor<1x4x?x96xf32>, tensor<1x4x?x96xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c2048 = arith.constant 2048 : index
  %S = tensor.dim %q, %c2 : tensor<1x4x?x96xf32>

  // ---- q_nope, q_pe = torch.split(q, [64, 32], dim=-1)
  %q_nope = tensor.extract_slice %q[0, 0, 0, 0] [1, 4, %S, 64] [1, 1, 1, 1] : tensor<1x4x?x96xf32> to tensor<1x4x?x64xf32>
  %q_pe = tensor.extract_slice %q[0, 0, 0, 64] [1, 4, %S, 32] [1, 1, 1, 1] : tensor<1x4x?x96xf32> to tensor<1x4x?x32xf32>

  // ---- cos = cos_cached[position_ids].unsqueeze(1), the same for sin.
  %empty_tab = tensor.empty(%S) : tensor<1x?x32xf32>
  %cos3 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%position_ids : tensor<1x?xi64>) outs(%empty_tab : tensor<1x?x32xf32>) {
  ^bb0(%in: i64, %out: f32):
    %idx = arith.index_cast %in : i64 to index
    %neg = arith.cmpi slt, %idx, %c0 : index
    %wrapped = arith.addi %idx, %c2048 : index
    %row = arith.select %neg, %wrapped, %idx : index
    %col = linalg.index 2 : index
    %extracted = tensor.extract %cos_cached[%row, %col] : tensor<2048x32xf32>
    linalg.yield %extracted : f32
  } -> tensor<1x?x32xf32>
  %sin3 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%position_ids : tensor<1x?xi64>) outs(%empty_tab : tensor<1x?x32xf32>) {
  ^bb0(%in: i64, %out: f32):
    %idx = arith.index_cast %in : i64 to index
    %neg = arith.cmpi slt, %idx, %c0 : index
    %wrapped = arith.addi %idx, %c2048 : index
    %row = arith.select %neg, %wrapped, %idx : index
    %col = linalg.index 2 : index
    %extracted = tensor.extract %sin_cached[%row, %col] : tensor<2048x32xf32>
    linalg.yield %extracted : f32
  } -> tensor<1x?x32xf32>
  %cos = tensor.expand_shape %cos3 [[0, 1], [2], [3]] output_shape [1, 1, %S, 32] : tensor<1x?x32xf32> into tensor<1x1x?x32xf32>
  %sin = tensor.expand_shape %sin3 [[0, 1], [2], [3]] output_shape [1, 1, %S, 32] : tensor<1x?x32xf32> into tensor<1x1x?x32xf32>

  // ---- de-interleave: x.view(b, h, s, 16, 2).transpose(4, 3).reshape(b, h, s, 32)
  %q_pe5 = tensor.expand_shape %q_pe [[0], [1], [2], [3, 4]] output_shape [1, 4, %S, 16, 2] : tensor<1x4x?x32xf32> into tensor<1x4x?x16x2xf32>
  %empty_qt = tensor.empty(%S) : tensor<1x4x?x2x16xf32>
  %q_pe5t = linalg.transpose ins(%q_pe5 : tensor<1x4x?x16x2xf32>) outs(%empty_qt : tensor<1x4x?x2x16xf32>) permutation = [0, 1, 2, 4, 3]
  %q_di = tensor.collapse_shape %q_pe5t [[0], [1], [2], [3, 4]] : tensor<1x4x?x2x16xf32> into tensor<1x4x?x32xf32>
  %k_pe5 = tensor.expand_shape %k_pe [[0], [1], [2], [3, 4]] output_shape [1, 1, %S, 16, 2] : tensor<1x1x?x32xf32> into tensor<1x1x?x16x2xf32>
  %empty_kt = tensor.empty(%S) : tensor<1x1x?x2x16xf32>
  %k_pe5t = linalg.transpose ins(%k_pe5 : tensor<1x1x?x16x2xf32>) outs(%empty_kt : tensor<1x1x?x2x16xf32>) permutation = [0, 1, 2, 4, 3]
  %k_di = tensor.collapse_shape %k_pe5t [[0], [1], [2], [3, 4]] : tensor<1x1x?x2x16xf32> into tensor<1x1x?x32xf32>

  // ---- q_pe * cos + rotate_half(q_pe) * sin (cos, sin broadcast over heads).
  %q_x1 = tensor.extract_slice %q_di[0, 0, 0, 0] [1, 4, %S, 16] [1, 1, 1, 1] : tensor<1x4x?x32xf32> to tensor<1x4x?x16xf32>
  %q_x2 = tensor.extract_slice %q_di[0, 0, 0, 16] [1, 4, %S, 16] [1, 1, 1, 1] : tensor<1x4x?x32xf32> to tensor<1x4x?x16xf32>
  %empty_q16 = tensor.empty(%S) : tensor<1x4x?x16xf32>
  %q_neg = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_x2 : tensor<1x4x?x16xf32>) outs(%empty_q16 : tensor<1x4x?x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x16xf32>
  %q_rh = tensor.concat dim(3) %q_neg, %q_x1 : (tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>) -> tensor<1x4x?x32xf32>
  %empty_q32 = tensor.empty(%S) : tensor<1x4x?x32xf32>
  %q_cos = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_di, %cos : tensor<1x4x?x32xf32>, tensor<1x1x?x32xf32>) outs(%empty_q32 : tensor<1x4x?x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x32xf32>
  %q_sin = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_rh, %sin : tensor<1x4x?x32xf32>, tensor<1x1x?x32xf32>) outs(%empty_q32 : tensor<1x4x?x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x32xf32>
  %q_emb = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_cos, %q_sin : tensor<1x4x?x32xf32>, tensor<1x4x?x32xf32>) outs(%empty_q32 : tensor<1x4x?x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.addf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x32xf32>

  // ---- k_pe * cos + rotate_half(k_pe) * sin (one head: identity maps).
  %k_x1 = tensor.extract_slice %k_di[0, 0, 0, 0] [1, 1, %S, 16] [1, 1, 1, 1] : tensor<1x1x?x32xf32> to tensor<1x1x?x16xf32>
  %k_x2 = tensor.extract_slice %k_di[0, 0, 0, 16] [1, 1, %S, 16] [1, 1, 1, 1] : tensor<1x1x?x32xf32> to tensor<1x1x?x16xf32>
  %empty_k16 = tensor.empty(%S) : tensor<1x1x?x16xf32>
  %k_neg = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_x2 : tensor<1x1x?x16xf32>) outs(%empty_k16 : tensor<1x1x?x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<1x1x?x16xf32>
  %k_rh = tensor.concat dim(3) %k_neg, %k_x1 : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x32xf32>
  %empty_k32 = tensor.empty(%S) : tensor<1x1x?x32xf32>
  %k_cos = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_di, %cos : tensor<1x1x?x32xf32>, tensor<1x1x?x32xf32>) outs(%empty_k32 : tensor<1x1x?x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x1x?x32xf32>
  %k_sin = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_rh, %sin : tensor<1x1x?x32xf32>, tensor<1x1x?x32xf32>) outs(%empty_k32 : tensor<1x1x?x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x1x?x32xf32>
  %k_emb = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_cos, %k_sin : tensor<1x1x?x32xf32>, tensor<1x1x?x32xf32>) outs(%empty_k32 : tensor<1x1x?x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.addf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x1x?x32xf32>

  // ---- k_pe.expand(1, 4, S, 32); cat the nope and rope parts.
  %k_pe4 = linalg.generic {indexing_maps = [#map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_emb : tensor<1x1x?x32xf32>) outs(%empty_q32 : tensor<1x4x?x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x?x32xf32>
  %query_states = tensor.concat dim(3) %q_nope, %q_emb : (tensor<1x4x?x64xf32>, tensor<1x4x?x32xf32>) -> tensor<1x4x?x96xf32>
  %key_states = tensor.concat dim(3) %k_nope, %k_pe4 : (tensor<1x4x?x64xf32>, tensor<1x4x?x32xf32>) -> tensor<1x4x?x96xf32>
  return %query_states, %key_states : tensor<1x4x?x96xf32>, tensor<1x4x?x96xf32>
}
