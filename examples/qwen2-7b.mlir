// Qwen2-7B queries and keys during decode: implicit positions offset + s.
// Source: Qwen/Qwen2-7B config.json: hidden_size 3584,
// num_attention_heads 28, num_key_value_heads 4 (head_dim 128),
// rope_theta 1000000.0, no rope_scaling. Half pairing (rotate_half).
func.func @qwen2_7b_decode(%q: tensor<?x?x28x128xbf16>, %k: tensor<?x?x4x128xbf16>,
                           %kv_len: index)
    -> (tensor<?x?x28x128xbf16>, tensor<?x?x4x128xbf16>) {
  %q1, %k1 = rope.rotate half bshd
      ins(%q, %k : tensor<?x?x28x128xbf16>, tensor<?x?x4x128xbf16>)
      outs(%q, %k : tensor<?x?x28x128xbf16>, tensor<?x?x4x128xbf16>)
      offset(%kv_len)
      freqs(#rope.default<base = 1000000.0>)
  return %q1, %k1 : tensor<?x?x28x128xbf16>, tensor<?x?x4x128xbf16>
}
