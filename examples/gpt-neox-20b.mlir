// GPT-NeoX-20B: partial rotary, 25% of each head rotates.
// Source: EleutherAI/gpt-neox-20b config.json: hidden_size 6144,
// num_attention_heads 64 (head_dim 96), rotary_pct 0.25 (rotary_dim 24),
// rotary_emb_base 10000. GPT-NeoX defines the half ("neox") pairing.
func.func @gpt_neox_20b_qk(%q: tensor<?x64x?x96xf16>, %k: tensor<?x64x?x96xf16>,
                           %pos: tensor<?x?xi64>)
    -> (tensor<?x64x?x96xf16>, tensor<?x64x?x96xf16>) {
  %q1, %k1 = rope.rotate half bhsd
      ins(%q, %k : tensor<?x64x?x96xf16>, tensor<?x64x?x96xf16>)
      outs(%q, %k : tensor<?x64x?x96xf16>, tensor<?x64x?x96xf16>)
      positions(%pos : tensor<?x?xi64>)
      freqs(#rope.default<base = 10000.0>)
      rotary_dim = 24
  return %q1, %k1 : tensor<?x64x?x96xf16>, tensor<?x64x?x96xf16>
}
