// DeepSeek-V3 decoupled rope (MLA): only the 64-dim rope part of each query
// head and the single shared rope key head rotate.
// Source: deepseek-ai/DeepSeek-V3 config.json: num_attention_heads 128,
// qk_rope_head_dim 64, rope_theta 10000, rope_scaling {type "yarn",
// factor 40, original_max_position_embeddings 4096, beta_fast 32,
// beta_slow 1, mscale 1.0, mscale_all_dim 1.0}. The reference model code
// (and vLLM, is_neox_style=False) pairs adjacent elements: interleaved.
func.func @deepseek_v3_rope(%q_pe: tensor<?x128x64xbf16>, %k_pe: tensor<?x1x64xbf16>,
                            %pos: tensor<?xi64>)
    -> (tensor<?x128x64xbf16>, tensor<?x1x64xbf16>) {
  %q1, %k1 = rope.rotate interleaved thd
      ins(%q_pe, %k_pe : tensor<?x128x64xbf16>, tensor<?x1x64xbf16>)
      outs(%q_pe, %k_pe : tensor<?x128x64xbf16>, tensor<?x1x64xbf16>)
      positions(%pos : tensor<?xi64>)
      freqs(#rope.yarn<base = 10000.0, factor = 40.0, original_max_position = 4096,
                       beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0,
                       mscale_all_dim = 1.0>)
  return %q1, %k1 : tensor<?x128x64xbf16>, tensor<?x1x64xbf16>
}
