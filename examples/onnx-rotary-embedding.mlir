// ONNX RotaryEmbedding-23 with explicit cos/sin caches gathered by
// position_ids (no trigonometry at run time).
// Source: onnx/onnx backend test test_rotary_embedding: X (batch 2,
// num_heads 4, seq 3, head_size 8), cos_cache/sin_cache (50, 4),
// position_ids (2, 3) int64, interleaved 0. 4D X is (batch, heads, seq, D):
// layout bhsd.
func.func @onnx_rotary_embedding(%x: tensor<2x4x3x8xf32>, %cos: tensor<50x4xf32>,
                                 %sin: tensor<50x4xf32>, %ids: tensor<2x3xi64>)
    -> tensor<2x4x3x8xf32> {
  %init = tensor.empty() : tensor<2x4x3x8xf32>
  %y = rope.rotate half bhsd
      ins(%x : tensor<2x4x3x8xf32>) outs(%init : tensor<2x4x3x8xf32>)
      positions(%ids : tensor<2x3xi64>)
      cache(%cos, %sin : tensor<50x4xf32>, tensor<50x4xf32>)
  return %y : tensor<2x4x3x8xf32>
}
