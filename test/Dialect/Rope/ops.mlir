// RUN: rope-opt %s | rope-opt | FileCheck %s
// RUN: rope-opt %s -mlir-print-op-generic | rope-opt | FileCheck %s

// CHECK-LABEL: func @half_thd_default
func.func @half_thd_default(%x: tensor<?x32x128xf32>, %pos: tensor<?xi64>) -> tensor<?x32x128xf32> {
  // CHECK: rope.rotate half thd ins(%{{.*}} : tensor<?x32x128xf32>) outs(%{{.*}} : tensor<?x32x128xf32>) positions(%{{.*}} : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  %y = rope.rotate half thd ins(%x : tensor<?x32x128xf32>) outs(%x : tensor<?x32x128xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x32x128xf32>
}

// CHECK-LABEL: func @interleaved_bshd_i32_positions
func.func @interleaved_bshd_i32_positions(%x: tensor<?x?x16x64xf16>, %pos: tensor<?x?xi32>) -> tensor<?x?x16x64xf16> {
  // CHECK: rope.rotate interleaved bshd ins({{.*}}) outs({{.*}}) positions(%{{.*}} : tensor<?x?xi32>)
  %y = rope.rotate interleaved bshd ins(%x : tensor<?x?x16x64xf16>) outs(%x : tensor<?x?x16x64xf16>)
      positions(%pos : tensor<?x?xi32>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x?x16x64xf16>
}

// CHECK-LABEL: func @partial_bhsd_offset
func.func @partial_bhsd_offset(%x: tensor<?x64x?x96xbf16>, %off: index) -> tensor<?x64x?x96xbf16> {
  // CHECK: rope.rotate half bhsd ins({{.*}}) outs({{.*}}) offset(%{{.*}}) freqs(#rope.default<base = 10000.0>) rotary_dim = 24
  %y = rope.rotate half bhsd ins(%x : tensor<?x64x?x96xbf16>) outs(%x : tensor<?x64x?x96xbf16>)
      offset(%off) freqs(#rope.default<base = 10000.0>) rotary_dim = 24
  return %y : tensor<?x64x?x96xbf16>
}

// CHECK-LABEL: func @query_key_gqa
func.func @query_key_gqa(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>, %pos: tensor<?xi64>) -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  // CHECK: rope.rotate half thd ins(%{{.*}}, %{{.*}} : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
  %q1, %k1 = rope.rotate half thd
      ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      positions(%pos : tensor<?xi64>)
      freqs(#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>)
  return %q1, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}

// CHECK-LABEL: func @inverse
func.func @inverse(%x: tensor<?x8x64xf32>, %pos: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // CHECK: rope.rotate half thd inverse ins(
  %y = rope.rotate half thd inverse ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// CHECK-LABEL: func @scaling_types
func.func @scaling_types(%x: tensor<?x8x64xf32>, %pos: tensor<?xi64>) -> tensor<?x8x64xf32> {
  // CHECK: freqs(#rope.linear<base = 10000.0, factor = 4.0>)
  %0 = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.linear<base = 10000.0, factor = 4.0>)
  // CHECK: freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
  %1 = rope.rotate half thd ins(%0 : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
  // CHECK: freqs(#rope.yarn<base = 10000.0, factor = 40.0, original_max_position = 4096, beta_fast = 16.0, mscale = 0.707, mscale_all_dim = 0.707, attention_factor = 1.5, truncate = false>)
  %2 = rope.rotate half thd ins(%1 : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.yarn<base = 10000.0, factor = 40.0, original_max_position = 4096, beta_fast = 16.0, beta_slow = 1.0, mscale = 0.707, mscale_all_dim = 0.707, attention_factor = 1.5, truncate = false>)
  // CHECK: freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072, short_factor = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.5], long_factor = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.5]>)
  %3 = rope.rotate half thd ins(%2 : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072,
        short_factor = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.5],
        long_factor = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.5]>)
  // CHECK: freqs(#rope.longrope<{{.*}}, factors = long, attention_factor = 1.2>)
  %4 = rope.rotate half thd ins(%3 : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072,
        short_factor = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.5],
        long_factor = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.5],
        factors = long, attention_factor = 1.2>)
  // CHECK: freqs(#rope.freq_factors<base = 10000.0, divisors = [{{.*}}]>)
  %5 = rope.rotate half thd ins(%4 : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.freq_factors<base = 10000.0,
        divisors = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 8.0, 8.0]>)
  // CHECK: freqs(#rope.inv_freqs<values = [1.0, 0.5, {{.*}}], attention_factor = 1.25>)
  %6 = rope.rotate half thd ins(%5 : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.inv_freqs<values = [1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125,
        1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125,
        1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125], attention_factor = 1.25>)
  // CHECK: freqs(#rope.default<base = 10000.0, attention_factor = 0.5>)
  %7 = rope.rotate half thd ins(%6 : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0, attention_factor = 0.5>)
  return %7 : tensor<?x8x64xf32>
}

// CHECK-LABEL: func @mrope
func.func @mrope(%q: tensor<?x28x128xbf16>, %k: tensor<?x4x128xbf16>, %pos: tensor<3x?xi64>) -> (tensor<?x28x128xbf16>, tensor<?x4x128xbf16>) {
  // CHECK: positions(%{{.*}} : tensor<3x?xi64>) freqs(#rope.default<base = 1000000.0>) mrope_section = [16, 24, 24]
  %q1, %k1 = rope.rotate half thd
      ins(%q, %k : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>)
      outs(%q, %k : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>)
      positions(%pos : tensor<3x?xi64>) freqs(#rope.default<base = 1000000.0>)
      mrope_section = [16, 24, 24]
  // CHECK: mrope_section = [24, 20, 20] mrope_interleaved
  %q2, %k2 = rope.rotate half thd
      ins(%q, %k : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>)
      outs(%q, %k : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>)
      positions(%pos : tensor<3x?xi64>) freqs(#rope.default<base = 1000000.0>)
      mrope_section = [24, 20, 20] mrope_interleaved
  return %q1, %k1 : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>
}

// CHECK-LABEL: func @cache_gathered_by_position
func.func @cache_gathered_by_position(%x: tensor<2x4x3x8xf32>, %ids: tensor<2x3xi64>, %cos: tensor<50x2xf32>, %sin: tensor<50x2xf32>) -> tensor<2x4x3x8xf32> {
  // CHECK: rope.rotate interleaved bhsd ins({{.*}}) outs({{.*}}) positions({{.*}}) cache(%{{.*}}, %{{.*}} : tensor<50x2xf32>, tensor<50x2xf32>) rotary_dim = 4
  %y = rope.rotate interleaved bhsd ins(%x : tensor<2x4x3x8xf32>) outs(%x : tensor<2x4x3x8xf32>)
      positions(%ids : tensor<2x3xi64>) cache(%cos, %sin : tensor<50x2xf32>, tensor<50x2xf32>) rotary_dim = 4
  return %y : tensor<2x4x3x8xf32>
}

// CHECK-LABEL: func @cache_per_token
func.func @cache_per_token(%x: tensor<?x?x4x8xf16>, %cos: tensor<?x?x4xf16>, %sin: tensor<?x?x4xf16>) -> tensor<?x?x4x8xf16> {
  // CHECK: rope.rotate half bshd ins({{.*}}) outs({{.*}}) cache(%{{.*}}, %{{.*}} : tensor<?x?x4xf16>, tensor<?x?x4xf16>)
  %y = rope.rotate half bshd ins(%x : tensor<?x?x4x8xf16>) outs(%x : tensor<?x?x4x8xf16>)
      cache(%cos, %sin : tensor<?x?x4xf16>, tensor<?x?x4xf16>)
  return %y : tensor<?x?x4x8xf16>
}

// CHECK-LABEL: func @cache_with_offset
func.func @cache_with_offset(%x: tensor<1x?x32x128xf32>, %off: index, %cos: tensor<?x64xf32>, %sin: tensor<?x64xf32>) -> tensor<1x?x32x128xf32> {
  // CHECK: offset(%{{.*}}) cache(
  %y = rope.rotate half bshd ins(%x : tensor<1x?x32x128xf32>) outs(%x : tensor<1x?x32x128xf32>)
      offset(%off) cache(%cos, %sin : tensor<?x64xf32>, tensor<?x64xf32>)
  return %y : tensor<1x?x32x128xf32>
}

// -----

// Numbers and flags as a person copies them from an HF config.json: integers
// and exponents (`10000`, `1e6`, `1e-6`), Python/JSON booleans, and
// `mscale = 0` for "not set".
// CHECK-LABEL: func private @hf_spellings
// CHECK-SAME: a = #rope.default<base = 1000000.0>
// CHECK-SAME: b = #rope.default<base = 10000.0>
// CHECK-SAME: c = #rope.default<base = 10000.0, attention_factor = 1.0e-06>
// CHECK-SAME: d = #rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096, truncate = false>
// CHECK-SAME: e = #rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096, mscale = 1.0>
// CHECK-SAME: f = #rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096>
func.func private @hf_spellings() attributes {
  a = #rope.default<base = 1e6>,
  b = #rope.default<base = 10000>,
  c = #rope.default<base = 1E+4, attention_factor = 1e-6>,
  d = #rope.yarn<base = 10000.0, factor = 4, original_max_position = 4096, truncate = False>,
  e = #rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096, mscale = 1, mscale_all_dim = 0, truncate = true>,
  f = #rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096, mscale = 0.0, truncate = 1>}

// The decomposed ops.
// CHECK-LABEL: func @decomposed
func.func @decomposed(%q: tensor<?x4x64xbf16>, %k: tensor<?x2x64xbf16>, %o: index, %t: index,
                      %p3: tensor<3x?xi64>, %ct: tensor<50x32xf16>) -> (tensor<?x4x64xbf16>, tensor<?x2x64xbf16>, tensor<?x4x64xbf16>) {
  // CHECK: rope.inv_freq freqs(#rope.default<base = 10000.0>) : tensor<32xf64>
  %f = rope.inv_freq freqs(#rope.default<base = 10000.0>) : tensor<32xf64>
  // CHECK: rope.inv_freq freqs(#rope.dynamic_ntk<{{.*}}>) positions(%{{.*}} : tensor<3x?xi64>) : tensor<32xf64>
  %g = rope.inv_freq freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>) positions(%p3 : tensor<3x?xi64>) : tensor<32xf64>
  %pe = tensor.empty(%t) : tensor<?xi64>
  // CHECK: rope.positions offset(%{{.*}}) outs(%{{.*}} : tensor<?xi64>)
  %p = rope.positions offset(%o) outs(%pe : tensor<?xi64>)
  %e = tensor.empty(%t) : tensor<?x32xf32>
  // CHECK: rope.cos_sin positions(%{{.*}} : tensor<?xi64>) inv_freq(%{{.*}} : tensor<32xf64>) outs(%{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<?x32xf32>) attention_factor = 5.000000e-01
  %c, %s = rope.cos_sin positions(%p : tensor<?xi64>) inv_freq(%f : tensor<32xf64>) outs(%e, %e : tensor<?x32xf32>, tensor<?x32xf32>) attention_factor = 0.5
  // CHECK: rope.cos_sin {{.*}} mrope_section = [8, 12, 12]
  %mc, %ms = rope.cos_sin positions(%p3 : tensor<3x?xi64>) inv_freq(%g : tensor<32xf64>) outs(%e, %e : tensor<?x32xf32>, tensor<?x32xf32>) mrope_section = [8, 12, 12]
  // CHECK: rope.cos_sin {{.*}} mrope_section = [12, 10, 10] mrope_interleaved attention_factor = 2.000000e+00
  %ic, %is = rope.cos_sin positions(%p3 : tensor<3x?xi64>) inv_freq(%g : tensor<32xf64>) outs(%e, %e : tensor<?x32xf32>, tensor<?x32xf32>) mrope_section = [12, 10, 10] mrope_interleaved attention_factor = 2.0
  %ge = tensor.empty(%t) : tensor<?x32xf16>
  // CHECK: rope.gather positions(%{{.*}} : tensor<?xi64>) tables(%{{.*}}, %{{.*}} : tensor<50x32xf16>, tensor<50x32xf16>) outs(%{{.*}}, %{{.*}} : tensor<?x32xf16>, tensor<?x32xf16>)
  %gc, %gs = rope.gather positions(%p : tensor<?xi64>) tables(%ct, %ct : tensor<50x32xf16>, tensor<50x32xf16>) outs(%ge, %ge : tensor<?x32xf16>, tensor<?x32xf16>)
  // CHECK: rope.apply half thd inverse ins(%{{.*}}, %{{.*}} : tensor<?x4x64xbf16>, tensor<?x2x64xbf16>) outs({{.*}}) cos_sin(%{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<?x32xf32>)
  %q1, %k1 = rope.apply half thd inverse ins(%q, %k : tensor<?x4x64xbf16>, tensor<?x2x64xbf16>) outs(%q, %k : tensor<?x4x64xbf16>, tensor<?x2x64xbf16>) cos_sin(%mc, %ms : tensor<?x32xf32>, tensor<?x32xf32>)
  // Full-width (HF) tables and partial rotary.
  // CHECK: rope.apply interleaved thd {{.*}} cos_sin(%{{.*}}, %{{.*}} : tensor<?x32xf16>, tensor<?x32xf16>) rotary_dim = 32
  %q2 = rope.apply interleaved thd ins(%q : tensor<?x4x64xbf16>) outs(%q : tensor<?x4x64xbf16>) cos_sin(%gc, %gs : tensor<?x32xf16>, tensor<?x32xf16>) rotary_dim = 32
  return %q1, %k1, %q2 : tensor<?x4x64xbf16>, tensor<?x2x64xbf16>, tensor<?x4x64xbf16>
}

// The lowering configuration round-trips; fields left at their defaults
// are not printed.
// CHECK-LABEL: func @lowering_config
func.func @lowering_config(%x: tensor<4xf32>, %v: vector<4xf32>, %n: index) -> (tensor<4xf32>, vector<4xbf16>) {
  // CHECK: linalg.copy {rope.lowering = #rope.lowering<role = copy>}
  %0 = linalg.copy {rope.lowering = #rope.lowering<role = copy, bf16_operands = false>} ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  // CHECK: arith.truncf {{.*}} {rope.lowering = #rope.lowering<bf16_operands = true>}
  %1 = arith.truncf %v {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<4xf32> to vector<4xbf16>
  // CHECK: {rope.lowering = #rope.lowering<independent_iterations = true, store_alignment = 64, page_walk = 4096>}
  scf.forall (%i) in (%n) {
  } {rope.lowering = #rope.lowering<page_walk = 4096, store_alignment = 64, independent_iterations = true>}
  return %0, %1 : tensor<4xf32>, vector<4xbf16>
}
