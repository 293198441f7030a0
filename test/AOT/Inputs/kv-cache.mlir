// k rotated and v copied into KV caches at a run-time row offset (in
// place), q rotated into an output of its own.
func.func @kv(%q: tensor<4x2x8xf32>, %k: tensor<4x1x8xf32>, %v: tensor<4x1x8xf32>, %kc: tensor<16x1x8xf32>, %vc: tensor<16x1x8xf32>, %pos: tensor<4xi64>, %off: index) -> (tensor<4x2x8xf32>, tensor<16x1x8xf32>, tensor<16x1x8xf32>) {
  %eq = tensor.empty() : tensor<4x2x8xf32>
  %ek = tensor.empty() : tensor<4x1x8xf32>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<4x2x8xf32>, tensor<4x1x8xf32>) outs(%eq, %ek : tensor<4x2x8xf32>, tensor<4x1x8xf32>)
      positions(%pos : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  %kc1 = tensor.insert_slice %k1 into %kc[%off, 0, 0] [4, 1, 8] [1, 1, 1] : tensor<4x1x8xf32> into tensor<16x1x8xf32>
  %vc1 = tensor.insert_slice %v into %vc[%off, 0, 0] [4, 1, 8] [1, 1, 1] : tensor<4x1x8xf32> into tensor<16x1x8xf32>
  return %q1, %kc1, %vc1 : tensor<4x2x8xf32>, tensor<16x1x8xf32>, tensor<16x1x8xf32>
}
