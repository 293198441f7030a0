// Input of raise-qk.test: HF rotate_half written out for q (4 heads) and k
// (2 heads) with the same tables, dynamic token count.
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tab3 = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @qk(%q: tensor<?x4x64xf32>, %k: tensor<?x2x64xf32>, %cos: tensor<?x64xf32>, %sin: tensor<?x64xf32>) -> (tensor<?x4x64xf32>, tensor<?x2x64xf32>) {
  %q_c0 = arith.constant 0 : index
  %q_t = tensor.dim %q, %q_c0 : tensor<?x4x64xf32>
  %q_x1 = tensor.extract_slice %q[0, 0, 0] [%q_t, 4, 32] [1, 1, 1] : tensor<?x4x64xf32> to tensor<?x4x32xf32>
  %q_x2 = tensor.extract_slice %q[0, 0, 32] [%q_t, 4, 32] [1, 1, 1] : tensor<?x4x64xf32> to tensor<?x4x32xf32>
  %q_e32 = tensor.empty(%q_t) : tensor<?x4x32xf32>
  %q_n = linalg.negf ins(%q_x2 : tensor<?x4x32xf32>) outs(%q_e32 : tensor<?x4x32xf32>) -> tensor<?x4x32xf32>
  %q_r = tensor.concat dim(2) %q_n, %q_x1 : (tensor<?x4x32xf32>, tensor<?x4x32xf32>) -> tensor<?x4x64xf32>
  %q_e = tensor.empty(%q_t) : tensor<?x4x64xf32>
  %q_a = linalg.generic {indexing_maps = [#id3, #tab3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q, %cos : tensor<?x4x64xf32>, tensor<?x64xf32>) outs(%q_e : tensor<?x4x64xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x4x64xf32>
  %q_b = linalg.generic {indexing_maps = [#tab3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sin, %q_r : tensor<?x64xf32>, tensor<?x4x64xf32>) outs(%q_e : tensor<?x4x64xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x4x64xf32>
  %q_y = linalg.add ins(%q_b, %q_a : tensor<?x4x64xf32>, tensor<?x4x64xf32>) outs(%q_e : tensor<?x4x64xf32>) -> tensor<?x4x64xf32>
  %k_c0 = arith.constant 0 : index
  %k_t = tensor.dim %k, %k_c0 : tensor<?x2x64xf32>
  %k_x1 = tensor.extract_slice %k[0, 0, 0] [%k_t, 2, 32] [1, 1, 1] : tensor<?x2x64xf32> to tensor<?x2x32xf32>
  %k_x2 = tensor.extract_slice %k[0, 0, 32] [%k_t, 2, 32] [1, 1, 1] : tensor<?x2x64xf32> to tensor<?x2x32xf32>
  %k_e32 = tensor.empty(%k_t) : tensor<?x2x32xf32>
  %k_n = linalg.negf ins(%k_x2 : tensor<?x2x32xf32>) outs(%k_e32 : tensor<?x2x32xf32>) -> tensor<?x2x32xf32>
  %k_r = tensor.concat dim(2) %k_n, %k_x1 : (tensor<?x2x32xf32>, tensor<?x2x32xf32>) -> tensor<?x2x64xf32>
  %k_e = tensor.empty(%k_t) : tensor<?x2x64xf32>
  %k_a = linalg.generic {indexing_maps = [#id3, #tab3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%k, %cos : tensor<?x2x64xf32>, tensor<?x64xf32>) outs(%k_e : tensor<?x2x64xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x64xf32>
  %k_b = linalg.generic {indexing_maps = [#tab3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sin, %k_r : tensor<?x64xf32>, tensor<?x2x64xf32>) outs(%k_e : tensor<?x2x64xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x64xf32>
  %k_y = linalg.add ins(%k_b, %k_a : tensor<?x2x64xf32>, tensor<?x2x64xf32>) outs(%k_e : tensor<?x2x64xf32>) -> tensor<?x2x64xf32>
  return %q_y, %k_y : tensor<?x4x64xf32>, tensor<?x2x64xf32>
}
