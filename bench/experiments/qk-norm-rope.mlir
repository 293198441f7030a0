// QK RMSNorm (over head_dim) then rope on q [512, 32, 128] f32, and rope
// alone: the fusion measurement of bench/results/fusion.txt (rope-run
// --repeat; inputs: q standard normal, w uniform(0.5, 1.5), positions 0..511).
#id3 = affine_map<(t, h, d) -> (t, h, d)>
#red = affine_map<(t, h, d) -> (t, h)>
#w = affine_map<(t, h, d) -> (d)>
func.func @norm_rope(%q: tensor<512x32x128xf32>, %wq: tensor<128xf32>, %pos: tensor<512xi64>) -> tensor<512x32x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<512x32xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<512x32xf32>) -> tensor<512x32xf32>
  %ss = linalg.generic {indexing_maps = [#id3, #red], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q : tensor<512x32x128xf32>) outs(%z2 : tensor<512x32xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %sq = arith.mulf %x, %x : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<512x32xf32>
  %e3 = tensor.empty() : tensor<512x32x128xf32>
  %n = linalg.generic {indexing_maps = [#id3, #red, #w, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q, %ss, %wq : tensor<512x32x128xf32>, tensor<512x32xf32>, tensor<128xf32>) outs(%e3 : tensor<512x32x128xf32>) {
  ^bb0(%x: f32, %s: f32, %g: f32, %o: f32):
    %dim = arith.constant 128.0 : f32
    %eps = arith.constant 1.0e-6 : f32
    %m = arith.divf %s, %dim : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %xn = arith.mulf %x, %r : f32
    %y = arith.mulf %xn, %g : f32
    linalg.yield %y : f32
  } -> tensor<512x32x128xf32>
  %e4 = tensor.empty() : tensor<512x32x128xf32>
  %r = rope.rotate half thd ins(%n : tensor<512x32x128xf32>) outs(%e4 : tensor<512x32x128xf32>)
      positions(%pos : tensor<512xi64>) freqs(#rope.default<base = 10000.0>)
  return %r : tensor<512x32x128xf32>
}
func.func @rope_only(%q: tensor<512x32x128xf32>, %wq: tensor<128xf32>, %pos: tensor<512xi64>) -> tensor<512x32x128xf32> {
  %e4 = tensor.empty() : tensor<512x32x128xf32>
  %r = rope.rotate half thd ins(%q : tensor<512x32x128xf32>) outs(%e4 : tensor<512x32x128xf32>)
      positions(%pos : tensor<512xi64>) freqs(#rope.default<base = 10000.0>)
  return %r : tensor<512x32x128xf32>
}
