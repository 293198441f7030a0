// Input of aarch64.test: one rotation per element type (Llama-style, 4 heads
// of 64, dynamic token count).
func.func @rot_f32(%x: tensor<?x4x64xf32>, %pos: tensor<?xi64>) -> tensor<?x4x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4x64xf32>
  %e = tensor.empty(%t) : tensor<?x4x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x4x64xf32>) outs(%e : tensor<?x4x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x4x64xf32>
}
func.func @rot_f16(%x: tensor<?x4x64xf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4x64xf16>
  %e = tensor.empty(%t) : tensor<?x4x64xf16>
  %y = rope.rotate half thd ins(%x : tensor<?x4x64xf16>) outs(%e : tensor<?x4x64xf16>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x4x64xf16>
}
func.func @rot_bf16(%x: tensor<?x4x64xbf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4x64xbf16>
  %e = tensor.empty(%t) : tensor<?x4x64xbf16>
  %y = rope.rotate half thd ins(%x : tensor<?x4x64xbf16>) outs(%e : tensor<?x4x64xbf16>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x4x64xbf16>
}
