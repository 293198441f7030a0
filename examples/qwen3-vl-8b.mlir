// Qwen3-VL-8B multimodal rope: three position components per token
// (temporal, height, width), their frequencies interleaved (THWTHW...TT,
// HF apply_interleaved_mrope) rather than in consecutive sections.
// Source: Qwen/Qwen3-VL-8B-Instruct config.json, text_config: head_dim 128,
// num_attention_heads 32, num_key_value_heads 8, rope_theta 5000000,
// rope_scaling {rope_type "default", mrope_section [24, 20, 20],
// mrope_interleaved true}. Positions are [3, tokens] as in HF and vLLM.
func.func @qwen3_vl_8b_qk(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>,
                          %pos: tensor<3x?xi64>)
    -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  %q1, %k1 = rope.rotate half thd
      ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      positions(%pos : tensor<3x?xi64>)
      freqs(#rope.default<base = 5000000.0>)
      mrope_section = [24, 20, 20] mrope_interleaved
  return %q1, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}
