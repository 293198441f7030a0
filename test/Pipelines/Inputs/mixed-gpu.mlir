// Input of mixed-ops.mlir: a matmul, its fill and a reshape around a rope
// op (kernels and views), and a TOSA op (named).
func.func @matmul_rope(%a: tensor<16x64xf32>, %w: tensor<64x512xf32>, %p: tensor<16xi64>) -> tensor<16x8x64xf32> {
  %z = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<16x512xf32>
  %f = linalg.fill ins(%z : f32) outs(%e0 : tensor<16x512xf32>) -> tensor<16x512xf32>
  %x = linalg.matmul ins(%a, %w : tensor<16x64xf32>, tensor<64x512xf32>) outs(%f : tensor<16x512xf32>) -> tensor<16x512xf32>
  %x3 = tensor.expand_shape %x [[0], [1, 2]] output_shape [16, 8, 64] : tensor<16x512xf32> into tensor<16x8x64xf32>
  %e = tensor.empty() : tensor<16x8x64xf32>
  %y = rope.rotate half thd ins(%x3 : tensor<16x8x64xf32>) outs(%e : tensor<16x8x64xf32>)
      positions(%p : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<16x8x64xf32>
}

// -----

func.func @tosa(%x: tensor<16x8x64xf32>, %p: tensor<16xi64>) -> tensor<16x8x64xf32> {
  %e = tensor.empty() : tensor<16x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<16x8x64xf32>) outs(%e : tensor<16x8x64xf32>)
      positions(%p : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  %z = tosa.add %y, %x : (tensor<16x8x64xf32>, tensor<16x8x64xf32>) -> tensor<16x8x64xf32>
  return %z : tensor<16x8x64xf32>
}
