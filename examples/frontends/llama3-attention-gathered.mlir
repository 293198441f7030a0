// One Llama-3 attention block as torch-mlir's linalg-on-tensors backend
// (TorchToLinalg + canonicalize) prints it: HF transformers LlamaAttention,
// eager attention, with the rotary embedding of transformers <= 4.37 (cos and
// sin rows gathered from cached tables by position_ids). RoPE is written out
// (slices, a negation, a concat, multiplies and an add); `rope-raise` is meant
// to find it. f32; hidden 256, 4 query heads, 2 key/value heads (GQA),
// head_dim 64, batch 1, S tokens. The weights are nn.Linear weights
// transposed (y = x @ w); no bias, no mask.
//
//   q = (hidden @ wq).view(1, S, 4, 64).transpose(1, 2)      # [1, 4, S, 64]
//   k = (hidden @ wk).view(1, S, 2, 64).transpose(1, 2)      # [1, 2, S, 64]
//   v = (hidden @ wv).view(1, S, 2, 64).transpose(1, 2)
//   cos = cos_cached[position_ids].unsqueeze(1)               # [1, 1, S, 64]
//   sin = sin_cached[position_ids].unsqueeze(1)
//   def rotate_half(x):
//       x1, x2 = x[..., :32], x[..., 32:]
//       return torch.cat((-x2, x1), dim=-1)
//   q = q * cos + rotate_half(q) * sin
//   k = k * cos + rotate_half(k) * sin
//   present_k, present_v = k, v       # what HF stores in the KV cache
//   k, v = repeat_kv(k, 2), repeat_kv(v, 2)                   # [1, 4, S, 64]
//   p = softmax(q @ k.transpose(2, 3) * 64 ** -0.5, dim=-1)
//   out = (p @ v).transpose(1, 2).reshape(1, S, 256) @ wo
//   return out, present_k, present_v
//
// Returning the cache entries keeps k's rotation observable: attention
// outputs depend on positions only through their differences, so a shifted
// rotation of both q and k would not show in `out`.
//
// Checked against float64 numpy by reference.py (frontend-llama3-gathered.test).
#map = affine_map<(d0, d1, d2) -> (d0, d1)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map3 = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
#map4 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, 0, d3, d4)>
#map5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
#map6 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, 0)>
func.func @llama3_attention(%hidden: tensor<1x?x256xf32>, %position_ids: tensor<1x?xi64>,
                            %wq: tensor<256x256xf32>, %wk: tensor<256x128xf32>,
                            %wv: tensor<256x128xf32>, %wo: tensor<256x256xf32>,
                            %cos_cached: tensor<2048x64xf32>, %sin_cached: tensor<2048x64xf32>)
    -> (tensor<1x?x256xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.000000e+00 : f32
  %cst_ninf = arith.constant 0xFF800000 : f32
  %cst_scale = arith.constant 1.250000e-01 : f32
  %S = tensor.dim %hidden, %c1 : tensor<1x?x256xf32>

  // ---- q_proj, k_proj, v_proj: aten.linear as view(S, 256) @ w, viewed
  // [1, S, H, 64] (the two views fold into one expand_shape).
  %hidden2 = tensor.collapse_shape %hidden [[0, 1], [2]] : tensor<1x?x256xf32> into tensor<?x256xf32>
  %empty_q2 = tensor.empty(%S) : tensor<?x256xf32>
  %fill_q2 = linalg.fill ins(%cst : f32) outs(%empty_q2 : tensor<?x256xf32>) -> tensor<?x256xf32>
  %q2 = linalg.matmul ins(%hidden2, %wq : tensor<?x256xf32>, tensor<256x256xf32>) outs(%fill_q2 : tensor<?x256xf32>) -> tensor<?x256xf32>
  %q_bshd = tensor.expand_shape %q2 [[0, 1], [2, 3]] output_shape [1, %S, 4, 64] : tensor<?x256xf32> into tensor<1x?x4x64xf32>
  %empty_kv2 = tensor.empty(%S) : tensor<?x128xf32>
  %fill_kv2 = linalg.fill ins(%cst : f32) outs(%empty_kv2 : tensor<?x128xf32>) -> tensor<?x128xf32>
  %k2 = linalg.matmul ins(%hidden2, %wk : tensor<?x256xf32>, tensor<256x128xf32>) outs(%fill_kv2 : tensor<?x128xf32>) -> tensor<?x128xf32>
  %k_bshd = tensor.expand_shape %k2 [[0, 1], [2, 3]] output_shape [1, %S, 2, 64] : tensor<?x128xf32> into tensor<1x?x2x64xf32>
  %v2 = linalg.matmul ins(%hidden2, %wv : tensor<?x256xf32>, tensor<256x128xf32>) outs(%fill_kv2 : tensor<?x128xf32>) -> tensor<?x128xf32>
  %v_bshd = tensor.expand_shape %v2 [[0, 1], [2, 3]] output_shape [1, %S, 2, 64] : tensor<?x128xf32> into tensor<1x?x2x64xf32>

  // ---- .transpose(1, 2): bshd -> bhsd.
  %empty_q4 = tensor.empty(%S) : tensor<1x4x?x64xf32>
  %q = linalg.transpose ins(%q_bshd : tensor<1x?x4x64xf32>) outs(%empty_q4 : tensor<1x4x?x64xf32>) permutation = [0, 2, 1, 3]
  %empty_k4 = tensor.empty(%S) : tensor<1x2x?x64xf32>
  %k = linalg.transpose ins(%k_bshd : tensor<1x?x2x64xf32>) outs(%empty_k4 : tensor<1x2x?x64xf32>) permutation = [0, 2, 1, 3]
  %v = linalg.transpose ins(%v_bshd : tensor<1x?x2x64xf32>) outs(%empty_k4 : tensor<1x2x?x64xf32>) permutation = [0, 2, 1, 3]

  // ---- cos = cos_cached[position_ids], sin = sin_cached[position_ids]
  // (aten.index.Tensor; negative positions wrap as in PyTorch).
  %empty_tab = tensor.empty(%S) : tensor<1x?x64xf32>
  %cos3 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%position_ids : tensor<1x?xi64>) outs(%empty_tab : tensor<1x?x64xf32>) {
  ^bb0(%in: i64, %out: f32):
    %idx = arith.index_cast %in : i64 to index
    %neg = arith.cmpi slt, %idx, %c0 : index
    %wrapped = arith.addi %idx, %c2048 : index
    %row = arith.select %neg, %wrapped, %idx : index
    %col = linalg.index 2 : index
    %extracted = tensor.extract %cos_cached[%row, %col] : tensor<2048x64xf32>
    linalg.yield %extracted : f32
  } -> tensor<1x?x64xf32>
  %sin3 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%position_ids : tensor<1x?xi64>) outs(%empty_tab : tensor<1x?x64xf32>) {
  ^bb0(%in: i64, %out: f32):
    %idx = arith.index_cast %in : i64 to index
    %neg = arith.cmpi slt, %idx, %c0 : index
    %wrapped = arith.addi %idx, %c2048 : index
    %row = arith.select %neg, %wrapped, %idx : index
    %col = linalg.index 2 : index
    %extracted = tensor.extract %sin_cached[%row, %col] : tensor<2048x64xf32>
    linalg.yield %extracted : f32
  } -> tensor<1x?x64xf32>
  // .unsqueeze(1)
  %cos = tensor.expand_shape %cos3 [[0, 1], [2], [3]] output_shape [1, 1, %S, 64] : tensor<1x?x64xf32> into tensor<1x1x?x64xf32>
  %sin = tensor.expand_shape %sin3 [[0, 1], [2], [3]] output_shape [1, 1, %S, 64] : tensor<1x?x64xf32> into tensor<1x1x?x64xf32>

  // ---- q_embed = q * cos + rotate_half(q) * sin
  %q_x1 = tensor.extract_slice %q[0, 0, 0, 0] [1, 4, %S, 32] [1, 1, 1, 1] : tensor<1x4x?x64xf32> to tensor<1x4x?x32xf32>
  %q_x2 = tensor.extract_slice %q[0, 0, 0, 32] [1, 4, %S, 32] [1, 1, 1, 1] : tensor<1x4x?x64xf32> to tensor<1x4x?x32xf32>
  %empty_q32 = tensor.empty(%S) : tensor<1x4x?x32xf32>
  %q_neg = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_x2 : tensor<1x4x?x32xf32>) outs(%empty_q32 : tensor<1x4x?x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x32xf32>
  %q_rh = tensor.concat dim(3) %q_neg, %q_x1 : (tensor<1x4x?x32xf32>, tensor<1x4x?x32xf32>) -> tensor<1x4x?x64xf32>
  %q_cos = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q, %cos : tensor<1x4x?x64xf32>, tensor<1x1x?x64xf32>) outs(%empty_q4 : tensor<1x4x?x64xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x64xf32>
  %q_sin = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_rh, %sin : tensor<1x4x?x64xf32>, tensor<1x1x?x64xf32>) outs(%empty_q4 : tensor<1x4x?x64xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x64xf32>
  %q_embed = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q_cos, %q_sin : tensor<1x4x?x64xf32>, tensor<1x4x?x64xf32>) outs(%empty_q4 : tensor<1x4x?x64xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.addf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x64xf32>

  // ---- k_embed = k * cos + rotate_half(k) * sin
  %k_x1 = tensor.extract_slice %k[0, 0, 0, 0] [1, 2, %S, 32] [1, 1, 1, 1] : tensor<1x2x?x64xf32> to tensor<1x2x?x32xf32>
  %k_x2 = tensor.extract_slice %k[0, 0, 0, 32] [1, 2, %S, 32] [1, 1, 1, 1] : tensor<1x2x?x64xf32> to tensor<1x2x?x32xf32>
  %empty_k32 = tensor.empty(%S) : tensor<1x2x?x32xf32>
  %k_neg = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_x2 : tensor<1x2x?x32xf32>) outs(%empty_k32 : tensor<1x2x?x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x?x32xf32>
  %k_rh = tensor.concat dim(3) %k_neg, %k_x1 : (tensor<1x2x?x32xf32>, tensor<1x2x?x32xf32>) -> tensor<1x2x?x64xf32>
  %k_cos = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k, %cos : tensor<1x2x?x64xf32>, tensor<1x1x?x64xf32>) outs(%empty_k4 : tensor<1x2x?x64xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x?x64xf32>
  %k_sin = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_rh, %sin : tensor<1x2x?x64xf32>, tensor<1x1x?x64xf32>) outs(%empty_k4 : tensor<1x2x?x64xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x?x64xf32>
  %k_embed = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k_cos, %k_sin : tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>) outs(%empty_k4 : tensor<1x2x?x64xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.addf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x?x64xf32>

  // ---- repeat_kv(x, 2): x[:, :, None].expand(1, 2, 2, S, 64).reshape(1, 4, S, 64)
  %empty_rep = tensor.empty(%S) : tensor<1x2x2x?x64xf32>
  %k_unsq = tensor.expand_shape %k_embed [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, %S, 64] : tensor<1x2x?x64xf32> into tensor<1x2x1x?x64xf32>
  %k_exp = linalg.generic {indexing_maps = [#map4, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%k_unsq : tensor<1x2x1x?x64xf32>) outs(%empty_rep : tensor<1x2x2x?x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x2x?x64xf32>
  %k_rep = tensor.collapse_shape %k_exp [[0], [1, 2], [3], [4]] : tensor<1x2x2x?x64xf32> into tensor<1x4x?x64xf32>
  %v_unsq = tensor.expand_shape %v [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, %S, 64] : tensor<1x2x?x64xf32> into tensor<1x2x1x?x64xf32>
  %v_exp = linalg.generic {indexing_maps = [#map4, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%v_unsq : tensor<1x2x1x?x64xf32>) outs(%empty_rep : tensor<1x2x2x?x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x2x?x64xf32>

  // ---- scores = q @ k.transpose(2, 3) * scaling (aten.matmul as batch_matmul
  // over the flattened batch and heads).
  %empty_kt = tensor.empty(%S) : tensor<1x4x64x?xf32>
  %k_t = linalg.transpose ins(%k_rep : tensor<1x4x?x64xf32>) outs(%empty_kt : tensor<1x4x64x?xf32>) permutation = [0, 1, 3, 2]
  %q3 = tensor.collapse_shape %q_embed [[0, 1], [2], [3]] : tensor<1x4x?x64xf32> into tensor<4x?x64xf32>
  %k_t3 = tensor.collapse_shape %k_t [[0, 1], [2], [3]] : tensor<1x4x64x?xf32> into tensor<4x64x?xf32>
  %empty_s3 = tensor.empty(%S, %S) : tensor<4x?x?xf32>
  %fill_s3 = linalg.fill ins(%cst : f32) outs(%empty_s3 : tensor<4x?x?xf32>) -> tensor<4x?x?xf32>
  %s3 = linalg.batch_matmul ins(%q3, %k_t3 : tensor<4x?x64xf32>, tensor<4x64x?xf32>) outs(%fill_s3 : tensor<4x?x?xf32>) -> tensor<4x?x?xf32>
  %s4 = tensor.expand_shape %s3 [[0, 1], [2], [3]] output_shape [1, 4, %S, %S] : tensor<4x?x?xf32> into tensor<1x4x?x?xf32>
  %empty_s4 = tensor.empty(%S, %S) : tensor<1x4x?x?xf32>
  %scores = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s4 : tensor<1x4x?x?xf32>) outs(%empty_s4 : tensor<1x4x?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %cst_scale : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x?xf32>

  // ---- softmax(dim=-1) decomposed: x - amax(x, -1, keepdim), exp, / sum.
  %empty_red = tensor.empty(%S) : tensor<1x4x?x1xf32>
  %fill_max = linalg.fill ins(%cst_ninf : f32) outs(%empty_red : tensor<1x4x?x1xf32>) -> tensor<1x4x?x1xf32>
  %max = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%scores : tensor<1x4x?x?xf32>) outs(%fill_max : tensor<1x4x?x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %out : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x1xf32>
  %shifted = linalg.generic {indexing_maps = [#map2, #map6, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scores, %max : tensor<1x4x?x?xf32>, tensor<1x4x?x1xf32>) outs(%empty_s4 : tensor<1x4x?x?xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.subf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x?xf32>
  %exp = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%shifted : tensor<1x4x?x?xf32>) outs(%empty_s4 : tensor<1x4x?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.exp %in : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x?xf32>
  %fill_sum = linalg.fill ins(%cst : f32) outs(%empty_red : tensor<1x4x?x1xf32>) -> tensor<1x4x?x1xf32>
  %sum = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%exp : tensor<1x4x?x?xf32>) outs(%fill_sum : tensor<1x4x?x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x1xf32>
  %probs = linalg.generic {indexing_maps = [#map2, #map6, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%exp, %sum : tensor<1x4x?x?xf32>, tensor<1x4x?x1xf32>) outs(%empty_s4 : tensor<1x4x?x?xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.divf %in, %in_0 : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x?x?xf32>

  // ---- attn = probs @ v, .transpose(1, 2).reshape(1, S, 256), o_proj.
  %p3 = tensor.collapse_shape %probs [[0, 1], [2], [3]] : tensor<1x4x?x?xf32> into tensor<4x?x?xf32>
  // (v's reshape(1, 4, S, 64) and the batch flattening fold into one collapse)
  %v3 = tensor.collapse_shape %v_exp [[0, 1, 2], [3], [4]] : tensor<1x2x2x?x64xf32> into tensor<4x?x64xf32>
  %empty_o3 = tensor.empty(%S) : tensor<4x?x64xf32>
  %fill_o3 = linalg.fill ins(%cst : f32) outs(%empty_o3 : tensor<4x?x64xf32>) -> tensor<4x?x64xf32>
  %o3 = linalg.batch_matmul ins(%p3, %v3 : tensor<4x?x?xf32>, tensor<4x?x64xf32>) outs(%fill_o3 : tensor<4x?x64xf32>) -> tensor<4x?x64xf32>
  %o4 = tensor.expand_shape %o3 [[0, 1], [2], [3]] output_shape [1, 4, %S, 64] : tensor<4x?x64xf32> into tensor<1x4x?x64xf32>
  %empty_ot = tensor.empty(%S) : tensor<1x?x4x64xf32>
  %o_t = linalg.transpose ins(%o4 : tensor<1x4x?x64xf32>) outs(%empty_ot : tensor<1x?x4x64xf32>) permutation = [0, 2, 1, 3]
  %o2 = tensor.collapse_shape %o_t [[0, 1], [2, 3]] : tensor<1x?x4x64xf32> into tensor<?x256xf32>
  %out2 = linalg.matmul ins(%o2, %wo : tensor<?x256xf32>, tensor<256x256xf32>) outs(%fill_q2 : tensor<?x256xf32>) -> tensor<?x256xf32>
  %out = tensor.expand_shape %out2 [[0, 1], [2]] output_shape [1, %S, 256] : tensor<?x256xf32> into tensor<1x?x256xf32>
  return %out, %k_embed, %v : tensor<1x?x256xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32>
}
