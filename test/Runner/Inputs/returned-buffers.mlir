// Input of returned-buffers.test: results that are a folded constant and
// an argument returned twice; the caller frees each result buffer.
func.func @main(%x: tensor<4xf32>) -> (tensor<32xf64>, tensor<4xf32>, tensor<4xf32>) {
  %f = rope.inv_freq freqs(#rope.default<base = 10000.0>) : tensor<32xf64>
  return %f, %x, %x : tensor<32xf64>, tensor<4xf32>, tensor<4xf32>
}
