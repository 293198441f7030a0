// Input of aot.test: Llama-style q (4 heads) and k (2 heads), bf16, dynamic token count.
func.func @qk(%q: tensor<?x4x64xbf16>, %k: tensor<?x2x64xbf16>, %pos: tensor<?xi64>) -> (tensor<?x4x64xbf16>, tensor<?x2x64xbf16>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x4x64xbf16>
  %eq = tensor.empty(%t) : tensor<?x4x64xbf16>
  %ek = tensor.empty(%t) : tensor<?x2x64xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x4x64xbf16>, tensor<?x2x64xbf16>) outs(%eq, %ek : tensor<?x4x64xbf16>, tensor<?x2x64xbf16>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %q1, %k1 : tensor<?x4x64xbf16>, tensor<?x2x64xbf16>
}
