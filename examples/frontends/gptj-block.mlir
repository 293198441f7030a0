// GPT-J rotary embedding of queries and keys as torch-mlir's linalg-on-tensors
// backend (TorchToLinalg + canonicalize) prints it: HF transformers
// GPTJAttention with rotary_dim 32 of head_dim 64 (partial rotary),
// interleaved pairs (rotate_every_two), sin and cos gathered from the
// embed_positions sincos table by position_ids. f32; q and k [1, S, 4, 64]
// (bshd), batch 1, S tokens.
//
//   sincos = embed_positions[position_ids]          # [1, S, 32] = cat(sin, cos)
//   sin, cos = torch.split(sincos, 16, dim=-1)       # [1, S, 16] each
//   sin = torch.repeat_interleave(sin[:, :, None, :], 2, 3)   # [1, S, 1, 32]
//   cos = torch.repeat_interleave(cos[:, :, None, :], 2, 3)
//   def rotate_every_two(x):
//       x1, x2 = x[:, :, :, ::2], x[:, :, :, 1::2]
//       return torch.stack((-x2, x1), dim=-1).flatten(-2)
//   q_rot, q_pass = q[:, :, :, :32], q[:, :, :, 32:]
//   q = torch.cat([q_rot * cos + rotate_every_two(q_rot) * sin, q_pass], dim=-1)
//   (the same for k)
//
// repeat_interleave(x, 2, 3) is torch-mlir's decomposition: unsqueeze(4),
// expand(..., 2), flatten(3, 4); stack is unsqueeze(-1) of each operand and a
// cat. Checked against float64 numpy by reference.py (frontend-gptj.test).
#map = affine_map<(d0, d1, d2) -> (d0, d1)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, 0)>
#map3 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
#map4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map5 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, d3)>
func.func @gptj_rotary(%q: tensor<1x?x4x64xf32>, %k: tensor<1x?x4x64xf32>,
                       %position_ids: tensor<1x?xi64>, %embed_positions: tensor<2048x32xf32>)
    -> (tensor<1x?x4x64xf32>, tensor<1x?x4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2048 = arith.constant 2048 : index
  %S = tensor.dim %q, %c1 : tensor<1x?x4x64xf32>

  // ---- sincos = embed_positions[position_ids] (aten.index.Tensor).
  %empty_sc = tensor.empty(%S) : tensor<1x?x32xf32>
  %sincos = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%position_ids : tensor<1x?xi64>) outs(%empty_sc : tensor<1x?x32xf32>) {
  ^bb0(%in: i64, %out: f32):
    %idx = arith.index_cast %in : i64 to index
    %neg = arith.cmpi slt, %idx, %c0 : index
    %wrapped = arith.addi %idx, %c2048 : index
    %row = arith.select %neg, %wrapped, %idx : index
    %col = linalg.index 2 : index
    %extracted = tensor.extract %embed_positions[%row, %col] : tensor<2048x32xf32>
    linalg.yield %extracted : f32
  } -> tensor<1x?x32xf32>
  // sin, cos = torch.split(sincos, 16, dim=-1)
  %sin16 = tensor.extract_slice %sincos[0, 0, 0] [1, %S, 16] [1, 1, 1] : tensor<1x?x32xf32> to tensor<1x?x16xf32>
  %cos16 = tensor.extract_slice %sincos[0, 0, 16] [1, %S, 16] [1, 1, 1] : tensor<1x?x32xf32> to tensor<1x?x16xf32>

  // ---- repeat_interleave(x[:, :, None, :], 2, 3): the two unsqueezes fold
  // into one expand_shape, expand(1, S, 1, 16, 2), flatten(3, 4).
  %empty_ri = tensor.empty(%S) : tensor<1x?x1x16x2xf32>
  %sin_u = tensor.expand_shape %sin16 [[0], [1], [2, 3, 4]] output_shape [1, %S, 1, 16, 1] : tensor<1x?x16xf32> into tensor<1x?x1x16x1xf32>
  %sin_e = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%sin_u : tensor<1x?x1x16x1xf32>) outs(%empty_ri : tensor<1x?x1x16x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x?x1x16x2xf32>
  %sin = tensor.collapse_shape %sin_e [[0], [1], [2], [3, 4]] : tensor<1x?x1x16x2xf32> into tensor<1x?x1x32xf32>
  %cos_u = tensor.expand_shape %cos16 [[0], [1], [2, 3, 4]] output_shape [1, %S, 1, 16, 1] : tensor<1x?x16xf32> into tensor<1x?x1x16x1xf32>
  %cos_e = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%cos_u : tensor<1x?x1x16x1xf32>) outs(%empty_ri : tensor<1x?x1x16x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x?x1x16x2xf32>
  %cos = tensor.collapse_shape %cos_e [[0], [1], [2], [3, 4]] : tensor<1x?x1x16x2xf32> into tensor<1x?x1x32xf32>

  %empty16 = tensor.empty(%S) : tensor<1x?x4x16xf32>
  %empty32 = tensor.empty(%S) : tensor<1x?x4x32xf32>

  // ---- q: q_rot * cos + rotate_every_two(q_rot) * sin, cat with q_pass.
  %q_rot = tensor.extract_slice %q[0, 0, 0, 0] [1, %S, 4, 32] [1, 1, 1, 1] : tensor<1x?x4x64xf32> to tensor<1x?x4x32xf32>
  %q_pass = tensor.extract_slice %q[0, 0, 0, 32] [1, %S, 4, 32] [1, 1, 1, 1] : tensor<1x?x4x64xf32> to tensor<1x?x4x32xf32>
  %q_x1 = tensor.extract_slice %q_rot[0, 0, 0, 0] [1, %S, 4, 16] [1, 1, 1, 2] : tensor<1x?x4x32xf32> to tensor<1x?x4x16xf32>
  %q_x2 = tensor.extract_slice %q_rot[0, 0, 0, 1] [1, %S, 4, 16] [1, 1, 1, 2] : tensor<1x?x4x32xf32> to tensor<1x?x4x16xf32>
  %q_neg = linalg.generic {indexing_maps = [#map4, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_x2 : tensor<1x?x4x16xf32>) outs(%empty16 : tensor<1x?x4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<1x?x4x16xf32>
  %q_neg_u = tensor.expand_shape %q_neg [[0], [1], [2], [3, 4]] output_shape [1, %S, 4, 16, 1] : tensor<1x?x4x16xf32> into tensor<1x?x4x16x1xf32>
  %q_x1_u = tensor.expand_shape %q_x1 [[0], [1], [2], [3, 4]] output_shape [1, %S, 4, 16, 1] : tensor<1x?x4x16xf32> into tensor<1x?x4x16x1xf32>
  %q_stack = tensor.concat dim(4) %q_neg_u, %q_x1_u : (tensor<1x?x4x16x1xf32>, tensor<1x?x4x16x1xf32>) -> tensor<1x?x4x16x2xf32>
  %q_r2 = tensor.collapse_shape %q_stack [[0], [1], [2], [3, 4]] : tensor<1x?x4x16x2xf32> into tensor<1x?x4x32xf32>
  %q_cos = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_rot, %cos : tensor<1x?x4x32xf32>, tensor<1x?x1x32xf32>) outs(%empty32 : tensor<1x?x4x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x?x4x32xf32>
  %q_sin = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_r2, %sin : tensor<1x?x4x32xf32>, tensor<1x?x1x32xf32>) outs(%empty32 : tensor<1x?x4x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x?x4x32xf32>
  %q_emb = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_cos, %q_sin : tensor<1x?x4x32xf32>, tensor<1x?x4x32xf32>) outs(%empty32 : tensor<1x?x4x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.addf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x?x4x32xf32>
  %q_out = tensor.concat dim(3) %q_emb, %q_pass : (tensor<1x?x4x32xf32>, tensor<1x?x4x32xf32>) -> tensor<1x?x4x64xf32>

  // ---- k: the same.
  %Sk = tensor.dim %k, %c1 : tensor<1x?x4x64xf32>
  %k_rot = tensor.extract_slice %k[0, 0, 0, 0] [1, %Sk, 4, 32] [1, 1, 1, 1] : tensor<1x?x4x64xf32> to tensor<1x?x4x32xf32>
  %k_pass = tensor.extract_slice %k[0, 0, 0, 32] [1, %Sk, 4, 32] [1, 1, 1, 1] : tensor<1x?x4x64xf32> to tensor<1x?x4x32xf32>
  %k_x1 = tensor.extract_slice %k_rot[0, 0, 0, 0] [1, %Sk, 4, 16] [1, 1, 1, 2] : tensor<1x?x4x32xf32> to tensor<1x?x4x16xf32>
  %k_x2 = tensor.extract_slice %k_rot[0, 0, 0, 1] [1, %Sk, 4, 16] [1, 1, 1, 2] : tensor<1x?x4x32xf32> to tensor<1x?x4x16xf32>
  %k_neg = linalg.generic {indexing_maps = [#map4, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_x2 : tensor<1x?x4x16xf32>) outs(%empty16 : tensor<1x?x4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<1x?x4x16xf32>
  %k_neg_u = tensor.expand_shape %k_neg [[0], [1], [2], [3, 4]] output_shape [1, %Sk, 4, 16, 1] : tensor<1x?x4x16xf32> into tensor<1x?x4x16x1xf32>
  %k_x1_u = tensor.expand_shape %k_x1 [[0], [1], [2], [3, 4]] output_shape [1, %Sk, 4, 16, 1] : tensor<1x?x4x16xf32> into tensor<1x?x4x16x1xf32>
  %k_stack = tensor.concat dim(4) %k_neg_u, %k_x1_u : (tensor<1x?x4x16x1xf32>, tensor<1x?x4x16x1xf32>) -> tensor<1x?x4x16x2xf32>
  %k_r2 = tensor.collapse_shape %k_stack [[0], [1], [2], [3, 4]] : tensor<1x?x4x16x2xf32> into tensor<1x?x4x32xf32>
  %k_cos = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_rot, %cos : tensor<1x?x4x32xf32>, tensor<1x?x1x32xf32>) outs(%empty32 : tensor<1x?x4x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x?x4x32xf32>
  %k_sin = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_r2, %sin : tensor<1x?x4x32xf32>, tensor<1x?x1x32xf32>) outs(%empty32 : tensor<1x?x4x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x?x4x32xf32>
  %k_emb = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_cos, %k_sin : tensor<1x?x4x32xf32>, tensor<1x?x4x32xf32>) outs(%empty32 : tensor<1x?x4x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.addf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x?x4x32xf32>
  %k_out = tensor.concat dim(3) %k_emb, %k_pass : (tensor<1x?x4x32xf32>, tensor<1x?x4x32xf32>) -> tensor<1x?x4x64xf32>
  return %q_out, %k_out : tensor<1x?x4x64xf32>, tensor<1x?x4x64xf32>
}
