// Input of strided-cache.test: cos and sin as strided slices of one
// [P, 32, 2] complex-pair cache, gathered by position.
func.func @main(%x: tensor<?x4x64xf32>, %p: tensor<?xi64>, %cache: tensor<100x32x2xf32>) -> tensor<?x4x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4x64xf32>
  %cos = tensor.extract_slice %cache[0, 0, 0] [100, 32, 1] [1, 1, 1] : tensor<100x32x2xf32> to tensor<100x32xf32>
  %sin = tensor.extract_slice %cache[0, 0, 1] [100, 32, 1] [1, 1, 1] : tensor<100x32x2xf32> to tensor<100x32xf32>
  %e = tensor.empty(%t) : tensor<?x32xf32>
  %gc, %gs = rope.gather positions(%p : tensor<?xi64>) tables(%cos, %sin : tensor<100x32xf32>, tensor<100x32xf32>) outs(%e, %e : tensor<?x32xf32>, tensor<?x32xf32>)
  %o = tensor.empty(%t) : tensor<?x4x64xf32>
  %y = rope.apply half thd ins(%x : tensor<?x4x64xf32>) outs(%o : tensor<?x4x64xf32>) cos_sin(%gc, %gs : tensor<?x32xf32>, tensor<?x32xf32>)
  return %y : tensor<?x4x64xf32>
}
