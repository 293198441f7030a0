// Input of strided-cache.test: cos and sin as offset windows of one
// [60, 80] cache (rows 80 elements apart, 32 wide).
func.func @main(%x: tensor<?x4x64xf32>, %p: tensor<?xi64>, %cache: tensor<60x80xf32>) -> tensor<?x4x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4x64xf32>
  %cos = tensor.extract_slice %cache[5, 4] [50, 32] [1, 1] : tensor<60x80xf32> to tensor<50x32xf32>
  %sin = tensor.extract_slice %cache[5, 40] [50, 32] [1, 1] : tensor<60x80xf32> to tensor<50x32xf32>
  %e = tensor.empty(%t) : tensor<?x32xf32>
  %gc, %gs = rope.gather positions(%p : tensor<?xi64>) tables(%cos, %sin : tensor<50x32xf32>, tensor<50x32xf32>) outs(%e, %e : tensor<?x32xf32>, tensor<?x32xf32>)
  %o = tensor.empty(%t) : tensor<?x4x64xf32>
  %y = rope.apply half thd ins(%x : tensor<?x4x64xf32>) outs(%o : tensor<?x4x64xf32>) cos_sin(%gc, %gs : tensor<?x32xf32>, tensor<?x32xf32>)
  return %y : tensor<?x4x64xf32>
}
