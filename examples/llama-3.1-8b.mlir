// Llama-3.1-8B queries and keys (grouped-query attention 32/8, D = 128).
// Source: meta-llama/Llama-3.1-8B config.json: hidden_size 4096,
// num_attention_heads 32, num_key_value_heads 8, rope_theta 500000.0,
// rope_scaling {rope_type "llama3", factor 8.0, low_freq_factor 1.0,
// high_freq_factor 4.0, original_max_position_embeddings 8192}.
// HF LlamaRotaryEmbedding uses rotate_half: half pairing.
func.func @llama31_8b_qk(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>,
                         %pos: tensor<?xi64>)
    -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  %q1, %k1 = rope.rotate half thd
      ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      positions(%pos : tensor<?xi64>)
      freqs(#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0,
                         high_freq_factor = 4.0, original_max_position = 8192>)
  return %q1, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}
