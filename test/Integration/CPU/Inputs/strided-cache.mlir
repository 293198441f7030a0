// Input of strided-cache.test: cos and sin as 2-strided views (rows and
// columns) of one [100, 128] cache, through rope.rotate's cache form.
func.func @main(%x: tensor<?x4x64xf32>, %p: tensor<?xi64>, %cache: tensor<100x128xf32>) -> tensor<?x4x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4x64xf32>
  %cos = tensor.extract_slice %cache[0, 0] [50, 32] [2, 2] : tensor<100x128xf32> to tensor<50x32xf32>
  %sin = tensor.extract_slice %cache[1, 64] [50, 32] [2, 2] : tensor<100x128xf32> to tensor<50x32xf32>
  %o = tensor.empty(%t) : tensor<?x4x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x4x64xf32>) outs(%o : tensor<?x4x64xf32>)
      positions(%p : tensor<?xi64>) cache(%cos, %sin : tensor<50x32xf32>, tensor<50x32xf32>)
  return %y : tensor<?x4x64xf32>
}
