// RUN: rope-opt %s -rope-decompose-rotate -split-input-file | FileCheck %s

// Every form of rope.rotate and the composition it is defined as; composing
// the decomposition gives the rotate back (BACK, frequencies folded).

// CHECK-LABEL: func @explicit
// Compile-time frequencies: rope.inv_freq, folded to its constant.
// CHECK: %[[F:.*]] = arith.constant dense<{{.*}}> : tensor<64xf64>
// CHECK: %[[C:.*]], %[[S:.*]] = rope.cos_sin positions(%arg2 : tensor<?xi64>) inv_freq(%[[F]] : tensor<64xf64>) outs({{.*}} : tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK: rope.apply half thd ins(%arg0, %arg1 : {{.*}}) outs({{.*}}) cos_sin(%[[C]], %[[S]] : tensor<?x64xf32>, tensor<?x64xf32>)
func.func @explicit(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>, %p: tensor<?xi64>) -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) positions(%p : tensor<?xi64>)
      freqs(#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>)
  return %q1, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}

// -----

// CHECK-LABEL: func @offset_yarn
// CHECK: %[[P:.*]] = rope.positions offset(%arg1) outs(%{{.*}} : tensor<2x?xi64>)
// CHECK: rope.cos_sin positions(%[[P]] : tensor<2x?xi64>) {{.*}} attention_factor = {{.*}}
// CHECK: rope.apply interleaved bshd inverse
func.func @offset_yarn(%x: tensor<2x?x4x16xf32>, %o: index) -> tensor<2x?x4x16xf32> {
  %y = rope.rotate interleaved bshd inverse ins(%x : tensor<2x?x4x16xf32>) outs(%x : tensor<2x?x4x16xf32>)
      offset(%o) freqs(#rope.yarn<base = 10000.0, factor = 4.0, original_max_position = 4096>)
  return %y : tensor<2x?x4x16xf32>
}

// -----

// Run-time frequencies take the positions.
// CHECK-LABEL: func @dynamic_ntk_mrope
// CHECK: rope.inv_freq freqs(#rope.dynamic_ntk<{{.*}}>) positions(%arg1 : tensor<3x?xi64>) : tensor<8xf64>
// CHECK: rope.cos_sin positions(%arg1 : tensor<3x?xi64>) {{.*}} mrope_section = [2, 3, 3]
func.func @dynamic_ntk_mrope(%x: tensor<?x4x16xf32>, %p: tensor<3x?xi64>) -> tensor<?x4x16xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x4x16xf32>) outs(%x : tensor<?x4x16xf32>)
      positions(%p : tensor<3x?xi64>) freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
      mrope_section = [2, 3, 3]
  return %y : tensor<?x4x16xf32>
}

// -----

// A cache gathered by position; a per-token cache is used as it is.
// CHECK-LABEL: func @caches
// CHECK: %[[C:.*]], %[[S:.*]] = rope.gather positions(%arg1 : tensor<2x3xi64>) tables(%arg2, %arg3 : tensor<50x2xf16>, tensor<50x2xf16>) outs({{.*}} : tensor<2x3x2xf16>, tensor<2x3x2xf16>)
// CHECK: rope.apply interleaved bhsd ins(%arg0 : {{.*}}) cos_sin(%[[C]], %[[S]] : tensor<2x3x2xf16>, tensor<2x3x2xf16>) rotary_dim = 4
// CHECK: rope.apply half bhsd ins(%arg0 : {{.*}}) cos_sin(%arg4, %arg4 : tensor<2x3x2xf16>, tensor<2x3x2xf16>) rotary_dim = 4
func.func @caches(%x: tensor<2x4x3x8xf16>, %ids: tensor<2x3xi64>, %cos: tensor<50x2xf16>, %sin: tensor<50x2xf16>, %t: tensor<2x3x2xf16>) -> (tensor<2x4x3x8xf16>, tensor<2x4x3x8xf16>) {
  %y = rope.rotate interleaved bhsd ins(%x : tensor<2x4x3x8xf16>) outs(%x : tensor<2x4x3x8xf16>)
      positions(%ids : tensor<2x3xi64>) cache(%cos, %sin : tensor<50x2xf16>, tensor<50x2xf16>) rotary_dim = 4
  %z = rope.rotate half bhsd ins(%x : tensor<2x4x3x8xf16>) outs(%x : tensor<2x4x3x8xf16>)
      cache(%t, %t : tensor<2x3x2xf16>, tensor<2x3x2xf16>) rotary_dim = 4
  return %y, %z : tensor<2x4x3x8xf16>, tensor<2x4x3x8xf16>
}

// -----

// Interleaved mrope (Qwen3-VL) on two axes with a gathered cache: the
// layout goes to the table op and back.
// CHECK-LABEL: func @interleaved_mrope_cache
// CHECK: rope.gather positions(%arg1 : tensor<2x?xi64>) {{.*}} mrope_section = [2, 2] mrope_interleaved
func.func @interleaved_mrope_cache(%x: tensor<?x4x8xf32>, %p: tensor<2x?xi64>, %cos: tensor<50x4xf32>, %sin: tensor<50x4xf32>) -> tensor<?x4x8xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x4x8xf32>) outs(%x : tensor<?x4x8xf32>)
      positions(%p : tensor<2x?xi64>) cache(%cos, %sin : tensor<50x4xf32>, tensor<50x4xf32>)
      mrope_section = [2, 2] mrope_interleaved
  return %y : tensor<?x4x8xf32>
}
