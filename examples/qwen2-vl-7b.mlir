// Qwen2-VL-7B multimodal rope: three position components per token
// (temporal, height, width) drive three sections of the frequencies.
// Source: Qwen/Qwen2-VL-7B-Instruct config.json: hidden_size 3584,
// num_attention_heads 28, num_key_value_heads 4 (head_dim 128),
// rope_theta 1000000.0, rope_scaling {type "mrope",
// mrope_section [16, 24, 24]}. Positions are [3, tokens] as in HF and vLLM.
func.func @qwen2_vl_7b_qk(%q: tensor<?x28x128xbf16>, %k: tensor<?x4x128xbf16>,
                          %pos: tensor<3x?xi64>)
    -> (tensor<?x28x128xbf16>, tensor<?x4x128xbf16>) {
  %q1, %k1 = rope.rotate half thd
      ins(%q, %k : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>)
      outs(%q, %k : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>)
      positions(%pos : tensor<3x?xi64>)
      freqs(#rope.default<base = 1000000.0>)
      mrope_section = [16, 24, 24]
  return %q1, %k1 : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>
}
