// RUN: rope-opt %s -split-input-file -verify-diagnostics

func.func @rotary_dim_odd(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{rotary_dim must be even, got 33}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) rotary_dim = 33
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @rotary_dim_too_large(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{rotary_dim (128) must not exceed head_dim (64)}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) rotary_dim = 128
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @rotary_dim_zero(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{rotary_dim must be positive, got 0}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) rotary_dim = 0
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @odd_head_dim(%x: tensor<?x8x63xf32>, %p: tensor<?xi64>) -> tensor<?x8x63xf32> {
  // expected-error @+1 {{rotary_dim must be even, got 63}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x63xf32>) outs(%x : tensor<?x8x63xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x63xf32>
}

// -----

func.func @dynamic_head_dim(%x: tensor<?x8x?xf32>, %p: tensor<?xi64>) -> tensor<?x8x?xf32> {
  // expected-error @+1 {{'ins' #0 needs a static head_dim}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x?xf32>) outs(%x : tensor<?x8x?xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x?xf32>
}

// -----

func.func @positions_shape(%x: tensor<?x?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x?x8x64xf32> {
  // expected-error @+1 {{'positions' has shape [?], expected [?, ?] (the token shape of the inputs)}}
  %y = rope.rotate half bshd ins(%x : tensor<?x?x8x64xf32>) outs(%x : tensor<?x?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x?x8x64xf32>
}

// -----

func.func @positions_static_mismatch(%x: tensor<7x8x64xf32>, %p: tensor<6xi64>) -> tensor<7x8x64xf32> {
  // expected-error @+1 {{'positions' has shape [6], expected [7]}}
  %y = rope.rotate half thd ins(%x : tensor<7x8x64xf32>) outs(%x : tensor<7x8x64xf32>) positions(%p : tensor<6xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<7x8x64xf32>
}

// -----

func.func @positions_not_integer(%x: tensor<?x8x64xf32>, %p: tensor<?xf32>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{operand #2 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xf32>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @input_not_float(%x: tensor<?x8x64xi32>, %p: tensor<?xi64>) -> tensor<?x8x64xi32> {
  // expected-error @+1 {{operand #0 must be variadic of ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xi32>) outs(%x : tensor<?x8x64xi32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xi32>
}

// -----

func.func @rank_mismatch_layout(%x: tensor<?x8x64xf32>, %p: tensor<?x?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{'ins' #0 has rank 3, expected 4 for layout 'bshd'}}
  %y = rope.rotate half bshd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?x?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @unknown_layout(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'layout' [thd, bshd, bhsd]}}
  %y = rope.rotate half sbhd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @unknown_pairing(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'pairing' [half, interleaved]}}
  %y = rope.rotate neox thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @qk_head_dim_differs(%q: tensor<?x32x128xf32>, %k: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> (tensor<?x32x128xf32>, tensor<?x8x64xf32>) {
  // expected-error @+1 {{all inputs must share head_dim, but 'ins' #1 has 64 and 'ins' #0 has 128}}
  %a, %b = rope.rotate half thd ins(%q, %k : tensor<?x32x128xf32>, tensor<?x8x64xf32>) outs(%q, %k : tensor<?x32x128xf32>, tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %a, %b : tensor<?x32x128xf32>, tensor<?x8x64xf32>
}

// -----

func.func @qk_tokens_differ(%q: tensor<4x32x128xf32>, %k: tensor<5x8x128xf32>, %p: tensor<4xi64>) -> (tensor<4x32x128xf32>, tensor<5x8x128xf32>) {
  // expected-error @+1 {{all inputs must share the token shape, but 'ins' #1 has [5] and 'ins' #0 has [4]}}
  %a, %b = rope.rotate half thd ins(%q, %k : tensor<4x32x128xf32>, tensor<5x8x128xf32>) outs(%q, %k : tensor<4x32x128xf32>, tensor<5x8x128xf32>) positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  return %a, %b : tensor<4x32x128xf32>, tensor<5x8x128xf32>
}

// -----

func.func @outs_type_mismatch(%x: tensor<?x8x64xf32>, %o: tensor<?x8x64xf16>, %p: tensor<?xi64>) -> tensor<?x8x64xf16> {
  // expected-error @+1 {{'outs' #0 has type 'tensor<?x8x64xf16>', expected the type of 'ins' #0: 'tensor<?x8x64xf32>'}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%o : tensor<?x8x64xf16>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf16>
}

// -----

func.func @outs_count_mismatch(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{expects as many 'outs' as 'ins', got 2 and 1}}
  %y:2 = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x, %x : tensor<?x8x64xf32>, tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y#0 : tensor<?x8x64xf32>
}

// -----

func.func @no_frequency_source(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{expects a frequency source: 'freqs' or 'cache'}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @freqs_and_cache(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>, %c: tensor<?x32xf32>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{expects 'freqs' or 'cache', not both}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) cache(%c, %c : tensor<?x32xf32>, tensor<?x32xf32>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @positions_and_offset(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>, %o: index) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{expects 'positions' or 'offset', not both}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) offset(%o) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @freqs_without_positions(%x: tensor<?x8x64xf32>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{'freqs' needs 'positions' or 'offset'}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @cache_width(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>, %c: tensor<?x64xf32>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{cache width (last dimension) must be rotary_dim / 2 = 32, got cache shape [?, 64]}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) cache(%c, %c : tensor<?x64xf32>, tensor<?x64xf32>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @cache_shapes_differ(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>, %c: tensor<100x32xf32>, %s: tensor<90x32xf32>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{cos and sin caches must have the same shape, got [100, 32] and [90, 32]}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) cache(%c, %s : tensor<100x32xf32>, tensor<90x32xf32>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @cache_rank_with_positions(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>, %c: tensor<2x?x32xf32>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{a cache indexed by position must have shape [max_position, rotary_dim / 2], got [2, ?, 32]}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>) cache(%c, %c : tensor<2x?x32xf32>, tensor<2x?x32xf32>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @per_token_cache_shape(%x: tensor<2x3x4x8xf32>, %c: tensor<2x5x4xf32>) -> tensor<2x3x4x8xf32> {
  // expected-error @+1 {{a cache without positions must have shape [2, 3, 4] (token shape, rotary_dim / 2), got [2, 5, 4]}}
  %y = rope.rotate half bshd ins(%x : tensor<2x3x4x8xf32>) outs(%x : tensor<2x3x4x8xf32>) cache(%c, %c : tensor<2x5x4xf32>, tensor<2x5x4xf32>)
  return %y : tensor<2x3x4x8xf32>
}

// -----

func.func @mrope_sum(%x: tensor<?x8x128xf32>, %p: tensor<3x?xi64>) -> tensor<?x8x128xf32> {
  // expected-error @+1 {{'mrope_section' must sum to rotary_dim / 2 = 64, got 60}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xf32>) outs(%x : tensor<?x8x128xf32>) positions(%p : tensor<3x?xi64>) freqs(#rope.default<base = 10000.0>) mrope_section = [16, 20, 24]
  return %y : tensor<?x8x128xf32>
}

// -----

func.func @mrope_sections_count(%x: tensor<?x8x128xf32>, %p: tensor<3x?xi64>) -> tensor<?x8x128xf32> {
  // expected-error @+1 {{'positions' has shape [3, ?], expected [2, ?] (one component per mrope_section entry, then the token shape)}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xf32>) outs(%x : tensor<?x8x128xf32>) positions(%p : tensor<3x?xi64>) freqs(#rope.default<base = 10000.0>) mrope_section = [32, 32]
  return %y : tensor<?x8x128xf32>
}

// -----

func.func @mrope_no_sections(%x: tensor<?x8x128xf32>, %p: tensor<0x?xi64>) -> tensor<?x8x128xf32> {
  // expected-error @+1 {{'mrope_section' must have one entry per position axis, got none}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xf32>) outs(%x : tensor<?x8x128xf32>) positions(%p : tensor<0x?xi64>) freqs(#rope.default<base = 10000.0>) mrope_section = []
  return %y : tensor<?x8x128xf32>
}

// -----

func.func @mrope_interleaved_fit(%x: tensor<?x8x128xf32>, %p: tensor<3x?xi64>) -> tensor<?x8x128xf32> {
  // expected-error @+1 {{interleaved 'mrope_section' entry 2 (40) takes frequencies 2, 5, ..., 119, but there are 64}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xf32>) outs(%x : tensor<?x8x128xf32>) positions(%p : tensor<3x?xi64>) freqs(#rope.default<base = 10000.0>) mrope_section = [4, 20, 40] mrope_interleaved
  return %y : tensor<?x8x128xf32>
}

// -----

func.func @mrope_interleaved_alone(%x: tensor<?x8x128xf32>, %p: tensor<?xi64>) -> tensor<?x8x128xf32> {
  // expected-error @+1 {{'mrope_interleaved' needs 'mrope_section'}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xf32>) outs(%x : tensor<?x8x128xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) mrope_interleaved
  return %y : tensor<?x8x128xf32>
}

// -----

func.func @cos_sin_interleaved_alone(%p: tensor<?xi64>, %f: tensor<32xf64>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  // expected-error @+1 {{'mrope_interleaved' needs 'mrope_section'}}
  %a, %b = rope.cos_sin positions(%p : tensor<?xi64>) inv_freq(%f : tensor<32xf64>) outs(%c, %c : tensor<?x32xf32>, tensor<?x32xf32>) mrope_interleaved
  return %a : tensor<?x32xf32>
}

// -----

func.func @mrope_positions_shape(%x: tensor<?x8x128xf32>, %p: tensor<?xi64>) -> tensor<?x8x128xf32> {
  // expected-error @+1 {{'positions' has shape [?], expected [3, ?] (one component per mrope_section entry, then the token shape)}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xf32>) outs(%x : tensor<?x8x128xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) mrope_section = [16, 24, 24]
  return %y : tensor<?x8x128xf32>
}

// -----

func.func @mrope_needs_positions(%x: tensor<?x8x128xf32>, %o: index) -> tensor<?x8x128xf32> {
  // expected-error @+1 {{'mrope_section' needs explicit 'positions'}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xf32>) outs(%x : tensor<?x8x128xf32>) offset(%o) freqs(#rope.default<base = 10000.0>) mrope_section = [16, 24, 24]
  return %y : tensor<?x8x128xf32>
}

// -----

func.func @longrope_factor_length(%x: tensor<?x8x8xf32>, %p: tensor<?xi64>) -> tensor<?x8x8xf32> {
  // expected-error @+1 {{'short_factor' has 3 entries, expected rotary_dim / 2 = 4}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x8xf32>) outs(%x : tensor<?x8x8xf32>) positions(%p : tensor<?xi64>) freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072, short_factor = [1.0, 1.0, 1.0], long_factor = [2.0, 2.0, 2.0]>)
  return %y : tensor<?x8x8xf32>
}

// -----

func.func @longrope_lists_differ(%x: tensor<?x8x8xf32>, %p: tensor<?xi64>) -> tensor<?x8x8xf32> {
  // expected-error @+1 {{'short_factor' and 'long_factor' must have the same length, got 4 and 3}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x8xf32>) outs(%x : tensor<?x8x8xf32>) positions(%p : tensor<?xi64>) freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [2.0, 2.0, 2.0]>)
  return %y : tensor<?x8x8xf32>
}

// -----

func.func @inv_freqs_length(%x: tensor<?x8x8xf32>, %p: tensor<?xi64>) -> tensor<?x8x8xf32> {
  // expected-error @+1 {{'values' has 2 entries, expected rotary_dim / 2 = 4}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x8xf32>) outs(%x : tensor<?x8x8xf32>) positions(%p : tensor<?xi64>) freqs(#rope.inv_freqs<values = [1.0, 0.1]>)
  return %y : tensor<?x8x8xf32>
}

// -----

func.func @freq_factors_length(%x: tensor<?x8x8xf32>, %p: tensor<?xi64>) -> tensor<?x8x8xf32> {
  // expected-error @+1 {{'divisors' has 5 entries, expected rotary_dim / 2 = 4}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x8xf32>) outs(%x : tensor<?x8x8xf32>) positions(%p : tensor<?xi64>) freqs(#rope.freq_factors<base = 10000.0, divisors = [1.0, 1.0, 1.0, 1.0, 1.0]>)
  return %y : tensor<?x8x8xf32>
}

// -----

func.func @dynamic_ntk_rotary_dim_two(%x: tensor<?x8x2xf32>, %p: tensor<?xi64>) -> tensor<?x8x2xf32> {
  // expected-error @+1 {{'#rope.dynamic_ntk' needs rotary_dim > 2, got 2}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x2xf32>) outs(%x : tensor<?x8x2xf32>) positions(%p : tensor<?xi64>) freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
  return %y : tensor<?x8x2xf32>
}

// -----

// expected-error @+1 {{'base' must be positive and finite, got -1.000000e+00}}
func.func private @negative_base() attributes {f = #rope.default<base = -1.0>}

// -----

// expected-error @+1 {{'base' must be positive and finite, got 0.000000e+00}}
func.func private @zero_base() attributes {f = #rope.default<base = 0.0>}

// -----

// expected-error @+1 {{'factor' must be positive and finite, got 0.000000e+00}}
func.func private @zero_factor() attributes {f = #rope.linear<base = 10000.0, factor = 0.0>}

// -----

// expected-error @+1 {{'factor' must be positive and finite, got -4.000000e+00}}
func.func private @negative_yarn_factor() attributes {f = #rope.yarn<base = 10000.0, factor = -4.0, original_max_position = 4096>}

// -----

// expected-error @+1 {{'beta_fast' (1.000000e+00) must be greater than 'beta_slow' (3.200000e+01)}}
func.func private @yarn_betas_swapped() attributes {f = #rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096, beta_fast = 1.0, beta_slow = 32.0>}

// -----

// expected-error @+1 {{'original_max_position' must be positive, got 0}}
func.func private @zero_original_max() attributes {f = #rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 0>}

// -----

// expected-error @+1 {{'high_freq_factor' (1.000000e+00) must be greater than 'low_freq_factor' (4.000000e+00)}}
func.func private @llama3_freq_factors_swapped() attributes {f = #rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 4.0, high_freq_factor = 1.0, original_max_position = 8192>}

// -----

// expected-error @+1 {{'long_factor' entries must be positive and finite, got 0.000000e+00 at index 1}}
func.func private @longrope_zero_factor() attributes {f = #rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072, short_factor = [1.0, 1.0], long_factor = [1.0, 0.0]>}

// -----

// expected-error @+1 {{'attention_factor' must be positive and finite, got -5.000000e-01}}
func.func private @negative_attention_factor() attributes {f = #rope.default<base = 10000.0, attention_factor = -0.5>}

// -----

// expected-error @+1 {{'divisors' entries must be positive and finite, got 0.000000e+00 at index 0}}
func.func private @zero_divisor() attributes {f = #rope.freq_factors<base = 10000.0, divisors = [0.0, 1.0]>}

// -----

// A head_dim beyond any model's: rejected before the frequencies are built.
func.func @head_dim_too_large(%x: tensor<?x1x2147483648xf32>, %p: tensor<?xi64>) -> tensor<?x1x2147483648xf32> {
  // expected-error @+1 {{'ins' #0 has head_dim 2147483648, expected at most 65536}}
  %y = rope.rotate half thd ins(%x : tensor<?x1x2147483648xf32>) outs(%x : tensor<?x1x2147483648xf32>) positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x1x2147483648xf32>
}

// -----

func.func @inverse_frequency_too_large(%x: tensor<?x1x4xf32>, %p: tensor<?xi64>) -> tensor<?x1x4xf32> {
  // expected-error @+1 {{inverse frequency 1 is 1.000000e+05, expected a finite value of magnitude at most 6.553600e+04}}
  %y = rope.rotate half thd ins(%x : tensor<?x1x4xf32>) outs(%x : tensor<?x1x4xf32>) positions(%p : tensor<?xi64>) freqs(#rope.inv_freqs<values = [1.0, 100000.0]>)
  return %y : tensor<?x1x4xf32>
}

// -----

func.func @ntk_base_too_small(%x: tensor<?x1x4xf32>, %p: tensor<?xi64>) -> tensor<?x1x4xf32> {
  // expected-error @+1 {{'base' must be at least 1.525879e-05, got 1.000000e-06}}
  %y = rope.rotate half thd ins(%x : tensor<?x1x4xf32>) outs(%x : tensor<?x1x4xf32>) positions(%p : tensor<?xi64>) freqs(#rope.dynamic_ntk<base = 0.000001, factor = 2.0, original_max_position = 16>)
  return %y : tensor<?x1x4xf32>
}

// -----

// expected-error @+2 {{expected a number, got '1x6'}}
// expected-error @+1 {{failed to parse Rope_DefaultFreqsAttr parameter 'base'}}
func.func private @number_typo() attributes {f = #rope.default<base = 1x6>}

// -----

// expected-error @+2 {{expected true or false, got 'yes'}}
// expected-error @+1 {{failed to parse Rope_YarnFreqsAttr parameter 'truncate'}}
func.func private @bool_word() attributes {f = #rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096, truncate = yes>}

// -----

// expected-error @+2 {{expected true or false, got 2}}
// expected-error @+1 {{failed to parse Rope_YarnFreqsAttr parameter 'truncate'}}
func.func private @bool_integer() attributes {f = #rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096, truncate = 2>}

// -----

func.func @inv_freq_needs_positions() -> tensor<4xf64> {
  // expected-error @+1 {{'rope.inv_freq' op needs 'positions'}}
  %f = rope.inv_freq freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>) : tensor<4xf64>
  return %f : tensor<4xf64>
}

// -----

func.func @inv_freq_no_positions(%p: tensor<?xi64>) -> tensor<4xf64> {
  // expected-error @+1 {{'rope.inv_freq' op takes no 'positions'}}
  %f = rope.inv_freq freqs(#rope.default<base = 10000.0>) positions(%p : tensor<?xi64>) : tensor<4xf64>
  return %f : tensor<4xf64>
}

// -----

func.func @inv_freq_dynamic_count() -> tensor<?xf64> {
  // expected-error @+1 {{'rope.inv_freq' op needs a static number of frequencies}}
  %f = rope.inv_freq freqs(#rope.default<base = 10000.0>) : tensor<?xf64>
  return %f : tensor<?xf64>
}

// -----

func.func @inv_freq_list_length() -> tensor<4xf64> {
  // expected-error @+1 {{'rope.inv_freq' op}}
  %f = rope.inv_freq freqs(#rope.inv_freqs<values = [1.0, 0.5]>) : tensor<4xf64>
  return %f : tensor<4xf64>
}

// -----

func.func @positions_rank(%o: index, %e: tensor<2x3x4xi64>) -> tensor<2x3x4xi64> {
  // expected-error @+1 {{'rope.positions' op 'outs' must have the token shape [tokens] or [batch, seq], got rank 3}}
  %p = rope.positions offset(%o) outs(%e : tensor<2x3x4xi64>)
  return %p : tensor<2x3x4xi64>
}

// -----

func.func @cos_sin_width(%p: tensor<?xi64>, %f: tensor<8xf64>, %e: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'rope.cos_sin' op 'outs' width is 4, expected the number of frequencies, 8}}
  %c, %s = rope.cos_sin positions(%p : tensor<?xi64>) inv_freq(%f : tensor<8xf64>) outs(%e, %e : tensor<?x4xf32>, tensor<?x4xf32>)
  return %c : tensor<?x4xf32>
}

// -----

func.func @cos_sin_positions(%p: tensor<5xi64>, %f: tensor<4xf64>, %e: tensor<6x4xf32>) -> tensor<6x4xf32> {
  // expected-error @+1 {{'rope.cos_sin' op 'positions' has shape [5], expected [6] (the token shape of 'outs')}}
  %c, %s = rope.cos_sin positions(%p : tensor<5xi64>) inv_freq(%f : tensor<4xf64>) outs(%e, %e : tensor<6x4xf32>, tensor<6x4xf32>)
  return %c : tensor<6x4xf32>
}

// -----

func.func @cos_sin_mrope(%p: tensor<3x?xi64>, %f: tensor<4xf64>, %e: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'rope.cos_sin' op 'mrope_section' must sum to rotary_dim / 2 = 4, got 5}}
  %c, %s = rope.cos_sin positions(%p : tensor<3x?xi64>) inv_freq(%f : tensor<4xf64>) outs(%e, %e : tensor<?x4xf32>, tensor<?x4xf32>) mrope_section = [1, 2, 2]
  return %c : tensor<?x4xf32>
}

// -----

func.func @cos_sin_f16(%p: tensor<?xi64>, %f: tensor<4xf64>, %e: tensor<?x4xf16>) -> tensor<?x4xf16> {
  // expected-error @+1 {{'rope.cos_sin' op operand #2 must be ranked tensor of 32-bit float values}}
  %c, %s = rope.cos_sin positions(%p : tensor<?xi64>) inv_freq(%f : tensor<4xf64>) outs(%e, %e : tensor<?x4xf16>, tensor<?x4xf16>)
  return %c : tensor<?x4xf16>
}

// -----

func.func @gather_table_rank(%p: tensor<?xi64>, %t: tensor<2x50x4xf32>, %e: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'rope.gather' op 'tables' must have shape [max_position, width], got [2, 50, 4]}}
  %c, %s = rope.gather positions(%p : tensor<?xi64>) tables(%t, %t : tensor<2x50x4xf32>, tensor<2x50x4xf32>) outs(%e, %e : tensor<?x4xf32>, tensor<?x4xf32>)
  return %c : tensor<?x4xf32>
}

// -----

func.func @gather_element_type(%p: tensor<?xi64>, %t: tensor<50x4xf16>, %e: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'rope.gather' op 'outs' element type 'f32' differs from the tables' 'f16'}}
  %c, %s = rope.gather positions(%p : tensor<?xi64>) tables(%t, %t : tensor<50x4xf16>, tensor<50x4xf16>) outs(%e, %e : tensor<?x4xf32>, tensor<?x4xf32>)
  return %c : tensor<?x4xf32>
}

// -----

func.func @gather_width(%p: tensor<?xi64>, %t: tensor<50x4xf32>, %e: tensor<?x2xf32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{'rope.gather' op 'outs' width 2 differs from the tables' 4}}
  %c, %s = rope.gather positions(%p : tensor<?xi64>) tables(%t, %t : tensor<50x4xf32>, tensor<50x4xf32>) outs(%e, %e : tensor<?x2xf32>, tensor<?x2xf32>)
  return %c : tensor<?x2xf32>
}

// -----

func.func @apply_table_width(%x: tensor<?x8x64xf32>, %c: tensor<?x48xf32>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{'rope.apply' op 'cos_sin' tables have shape [?, 48], expected the token shape plus R/2 = 32 or R = 64: [?, 32]}}
  %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) cos_sin(%c, %c : tensor<?x48xf32>, tensor<?x48xf32>)
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @apply_table_tokens(%x: tensor<5x8x64xf32>, %c: tensor<6x32xf32>) -> tensor<5x8x64xf32> {
  // expected-error @+1 {{'rope.apply' op 'cos_sin' tables have shape [6, 32]}}
  %y = rope.apply half thd ins(%x : tensor<5x8x64xf32>) outs(%x : tensor<5x8x64xf32>) cos_sin(%c, %c : tensor<6x32xf32>, tensor<6x32xf32>)
  return %y : tensor<5x8x64xf32>
}

// -----

func.func @apply_outs(%x: tensor<5x8x64xf32>, %o: tensor<5x4x64xf32>, %c: tensor<5x32xf32>) -> tensor<5x4x64xf32> {
  // expected-error @+1 {{'rope.apply' op 'outs' #0 has type 'tensor<5x4x64xf32>', expected the type of 'ins' #0: 'tensor<5x8x64xf32>'}}
  %y = rope.apply half thd ins(%x : tensor<5x8x64xf32>) outs(%o : tensor<5x4x64xf32>) cos_sin(%c, %c : tensor<5x32xf32>, tensor<5x32xf32>)
  return %y : tensor<5x4x64xf32>
}

// -----

func.func @apply_rotary_dim(%x: tensor<5x8x64xf32>, %c: tensor<5x20xf32>) -> tensor<5x8x64xf32> {
  // expected-error @+1 {{'rope.apply' op rotary_dim must be even, got 41}}
  %y = rope.apply half thd ins(%x : tensor<5x8x64xf32>) outs(%x : tensor<5x8x64xf32>) cos_sin(%c, %c : tensor<5x20xf32>, tensor<5x20xf32>) rotary_dim = 41
  return %y : tensor<5x8x64xf32>
}

// -----

// The discardable rope.* attributes are checked.
func.func @role_value(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{expected one of [table, rotate, copy, fused] for what a linalg op of the rope lowering computes, got: tabel}}
  // expected-error @+1 {{failed to parse Rope_LoweringAttr parameter 'role'}}
  %0 = linalg.copy {rope.lowering = #rope.lowering<role = tabel>} ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @unknown_attr(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown rope attribute 'rope.stage'}}
  %0 = linalg.copy {rope.stage = "table"} ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @lowering_kind(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'rope.lowering' must be a #rope.lowering}}
  %0 = linalg.copy {rope.lowering = "table"} ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @role_place(%x: f32) -> f32 {
  // expected-error @+1 {{'rope.lowering' gives a role to an op that is not in destination style}}
  %0 = arith.negf %x {rope.lowering = #rope.lowering<role = rotate>} : f32
  return %0 : f32
}

// -----

func.func @bf16_operands_place(%x: f32) -> f32 {
  // expected-error @+1 {{'rope.lowering' sets bf16_operands on an op other than arith.truncf}}
  %0 = arith.negf %x {rope.lowering = #rope.lowering<bf16_operands = true>} : f32
  return %0 : f32
}

// -----

func.func @loop_field_place(%x: f32) -> f32 {
  // expected-error @+1 {{'rope.lowering' sets a loop's field on an op that is not a loop}}
  %0 = arith.negf %x {rope.lowering = #rope.lowering<independent_iterations = true>} : f32
  return %0 : f32
}

// -----

func.func @alignment_value(%n: index) {
  scf.forall (%i) in (%n) {
  // expected-error @+1 {{store_alignment must be a positive power of two, got 48}}
  } {rope.lowering = #rope.lowering<store_alignment = 48>}
  return
}

// -----

func.func @page_walk_value(%n: index) {
  scf.forall (%i) in (%n) {
  // expected-error @+1 {{page_walk must be a positive number of bytes, got 0}}
  } {rope.lowering = #rope.lowering<page_walk = 0>}
  return
}

// -----

func.func @mrope_dynamic_axes(%x: tensor<?x8x128xf32>, %p: tensor<?x?xi64>) -> tensor<?x8x128xf32> {
  // expected-error @+1 {{'positions' needs a static leading dimension with mrope_section (3, one row per axis), got ?}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xf32>) outs(%x : tensor<?x8x128xf32>) positions(%p : tensor<?x?xi64>) freqs(#rope.default<base = 10000.0>) mrope_section = [24, 20, 20] mrope_interleaved
  return %y : tensor<?x8x128xf32>
}

// -----

func.func @mrope_overflow(%x: tensor<?x8x64xf32>, %p: tensor<3x?xi64>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{'mrope_section' entries must be in [0, rotary_dim / 2 = 32], got 9223372036854775807}}
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>) positions(%p : tensor<3x?xi64>) freqs(#rope.default<base = 10000.0>) mrope_section = [9223372036854775807, 9223372036854775807, 34]
  return %y : tensor<?x8x64xf32>
}

// -----

func.func @cos_sin_dynamic_axes(%p: tensor<?x?xi64>, %f: tensor<32xf64>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  // expected-error @+1 {{'positions' needs a static leading dimension with mrope_section (3, one row per axis), got ?}}
  %a, %b = rope.cos_sin positions(%p : tensor<?x?xi64>) inv_freq(%f : tensor<32xf64>) outs(%c, %c : tensor<?x32xf32>, tensor<?x32xf32>) mrope_section = [12, 10, 10]
  return %a : tensor<?x32xf32>
}
