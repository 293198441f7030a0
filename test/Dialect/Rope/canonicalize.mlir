// RUN: rope-opt %s -canonicalize -split-input-file | FileCheck %s
// RUN: rope-opt %s -rope-fold-frequencies -split-input-file | FileCheck %s

// Expected values are computed independently in float64 by
// test/lib/rope_ref.py (run it to print them) from the formulas of
// docs/rope-reference.md section 3, quoted above each case.
// R = rotary_dim, i = 0 .. R/2-1.

// f_i = base^(-2i/R), base = 10000, R = 8.
// CHECK-LABEL: func @default
// CHECK: freqs(#rope.inv_freqs<values = [1.0, 0.1, 0.01, 0.001]>)
func.func @default(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x2x8xf32>
}

// -----

// f_i = base^(-2i/R) / factor, factor = 4. Attention factor kept apart.
// CHECK-LABEL: func @linear
// CHECK: freqs(#rope.inv_freqs<values = [0.25, 0.025, 0.0025, 0.00025], attention_factor = 0.75>)
func.func @linear(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.linear<base = 10000.0, factor = 4.0, attention_factor = 0.75>)
  return %y : tensor<?x2x8xf32>
}

// -----

// YaRN, R = 16, base = 10000, factor = 40, L0 = 4096, beta 32/1:
// corr(r) = R ln(L0 / (2 pi r)) / (2 ln base); lo = floor(corr(32)) = 2,
// hi = ceil(corr(1)) = 6; ramp_i = clamp((i - lo) / (hi - lo), 0, 1);
// f_i = (f_i / factor) ramp_i + f_i (1 - ramp_i); A = 0.1 ln(40) + 1.
// CHECK-LABEL: func @yarn
// CHECK: freqs(#rope.inv_freqs<values = [1.0, 0.31622776601683794, 0.1, 0.023914724805023366, 0.005125, 0.000849862121170252, 2.5e-05, 7.905694150420949e-06], attention_factor = 1.3688879454113936>)
func.func @yarn(%x: tensor<?x2x16xf32>, %p: tensor<?xi64>) -> tensor<?x2x16xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x16xf32>) outs(%x : tensor<?x2x16xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.yarn<base = 10000.0, factor = 40.0, original_max_position = 4096>)
  return %y : tensor<?x2x16xf32>
}

// -----

// YaRN attention factor with mscale = 0.707 and mscale_all_dim = 1 (DeepSeek):
// A = (0.1 * 0.707 ln 40 + 1) / (0.1 * 1 ln 40 + 1).
// CHECK-LABEL: func @yarn_mscale
// CHECK: attention_factor = 0.9210423553163399>)
func.func @yarn_mscale(%x: tensor<?x2x16xf32>, %p: tensor<?xi64>) -> tensor<?x2x16xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x16xf32>) outs(%x : tensor<?x2x16xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.yarn<base = 10000.0, factor = 40.0, original_max_position = 4096, mscale = 0.707, mscale_all_dim = 1.0>)
  return %y : tensor<?x2x16xf32>
}

// -----

// LongRoPE, f_i = 1 / (ext_i base^(2i/R)); A = sqrt(1 + ln(131072/4096) / ln 4096).
// CHECK-LABEL: func @longrope_short
// CHECK: freqs(#rope.inv_freqs<values = [1.0, 0.06666666666666667, 0.005, 0.0003333333333333333], attention_factor = 1.1902380714238083>)
// CHECK-LABEL: func @longrope_long
// CHECK: freqs(#rope.inv_freqs<values = [0.25, 0.02, 0.0016666666666666668, 0.000125], attention_factor = 1.1902380714238083>)
func.func @longrope_short(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072,
        short_factor = [1.0, 1.5, 2.0, 3.0], long_factor = [4.0, 5.0, 6.0, 8.0], factors = short>)
  return %y : tensor<?x2x8xf32>
}
func.func @longrope_long(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072,
        short_factor = [1.0, 1.5, 2.0, 3.0], long_factor = [4.0, 5.0, 6.0, 8.0], factors = long>)
  return %y : tensor<?x2x8xf32>
}

// -----

// Llama 3.1 (base 500000, factor 8, low 1, high 4, L0 8192), R = 32:
// wl_i = 2 pi / f_i; keep f_i if wl_i < L0/4, f_i/8 if wl_i > L0/1, else
// t = (L0/wl_i - 1) / (4 - 1) and f_i = (1 - t) f_i / 8 + t f_i.
// CHECK-LABEL: func @llama3
// CHECK: freqs(#rope.inv_freqs<values = [1.0, 0.44036660267178046, 0.19392274474868576, 0.08539710028576561, 0.03760603093086393, 0.016560440080994446, 0.007292664737217109, 0.003211445994752591, 0.0005248461609929547, 7.78465527393245e-05, 3.428102195952591e-05, 1.509621717643313e-05, 6.647869871181235e-06, 2.9274998701761677e-06, 1.2891731721515574e-06, 5.677088100759837e-07]>)
func.func @llama3(%x: tensor<?x2x32xf32>, %p: tensor<?xi64>) -> tensor<?x2x32xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x32xf32>) outs(%x : tensor<?x2x32xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>)
  return %y : tensor<?x2x32xf32>
}

// -----

// llama.cpp freq_factors: f_i = base^(-2i/R) / d_i, d = [1, 2, 4, 8].
// CHECK-LABEL: func @freq_factors
// CHECK: freqs(#rope.inv_freqs<values = [1.0, 0.05, 0.0025, 0.000125]>)
func.func @freq_factors(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.freq_factors<base = 10000.0, divisors = [1.0, 2.0, 4.0, 8.0]>)
  return %y : tensor<?x2x8xf32>
}

// -----

// Partial rotary: R = 4 of D = 8, so only R/2 = 2 frequencies.
// CHECK-LABEL: func @partial
// CHECK: freqs(#rope.inv_freqs<values = [1.0, 0.01]>)
func.func @partial(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) rotary_dim = 4
  return %y : tensor<?x2x8xf32>
}

// -----

// Frequencies that depend on run-time data do not fold.
// CHECK-LABEL: func @negative_dynamic_ntk
// CHECK: freqs(#rope.dynamic_ntk<
// CHECK-LABEL: func @negative_longrope_dynamic
// CHECK: freqs(#rope.longrope<
func.func @negative_dynamic_ntk(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
  return %y : tensor<?x2x8xf32>
}
func.func @negative_longrope_dynamic(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072,
        short_factor = [1.0, 1.5, 2.0, 3.0], long_factor = [4.0, 5.0, 6.0, 8.0]>)
  return %y : tensor<?x2x8xf32>
}
