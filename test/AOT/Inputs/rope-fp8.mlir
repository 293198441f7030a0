// rope then fp8 quantization with a per-tensor scale: the fp8 result crosses
// the C ABI as bytes.
func.func @rope_fp8(%x: tensor<?x8x64xf32>, %pos: tensor<?xi64>, %scale: f32) -> tensor<?x8x64xf8E4M3FN> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %r = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  %lo = arith.constant -448.0 : f32
  %hi = arith.constant 448.0 : f32
  %eq = tensor.empty(%t) : tensor<?x8x64xf8E4M3FN>
  %q = linalg.generic {indexing_maps = [affine_map<(a, b, c) -> (a, b, c)>, affine_map<(a, b, c) -> (a, b, c)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r : tensor<?x8x64xf32>) outs(%eq : tensor<?x8x64xf8E4M3FN>) {
  ^bb0(%a: f32, %o: f8E4M3FN):
    %y = arith.divf %a, %scale : f32
    %c = arith.maximumf %y, %lo : f32
    %c2 = arith.minimumf %c, %hi : f32
    %b = arith.truncf %c2 : f32 to f8E4M3FN
    linalg.yield %b : f8E4M3FN
  } -> tensor<?x8x64xf8E4M3FN>
  return %q : tensor<?x8x64xf8E4M3FN>
}
