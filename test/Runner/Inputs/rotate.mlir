func.func @main(%x: tensor<?x2x8xf32>, %pos: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x2x8xf32>
}
