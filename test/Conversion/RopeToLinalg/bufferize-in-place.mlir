// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=8},rope-bufferization-stage)" -split-input-file | FileCheck %s

// After one-shot bufferization the only buffers are the results: no copies,
// no intermediate allocations but the static per-tile cos/sin tables.

// CHECK-LABEL: func @half
// CHECK-NOT: memref.copy
// CHECK: %[[Y:.*]] = memref.alloc(
// CHECK-NOT: memref.alloc(%
// CHECK-NOT: memref.copy
// CHECK: return %[[Y]]
func.func @half(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

// CHECK-LABEL: func @interleaved
// CHECK-NOT: memref.copy
// CHECK: %[[Y:.*]] = memref.alloc(
// CHECK-NOT: memref.alloc(%
// CHECK-NOT: memref.copy
// CHECK: return %[[Y]]
func.func @interleaved(%x: tensor<?x?x8x64xbf16>, %p: tensor<?x?xi32>) -> tensor<?x?x8x64xbf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8x64xbf16>
  %s = tensor.dim %x, %c1 : tensor<?x?x8x64xbf16>
  %e = tensor.empty(%b, %s) : tensor<?x?x8x64xbf16>
  %y = rope.rotate interleaved bshd ins(%x : tensor<?x?x8x64xbf16>) outs(%e : tensor<?x?x8x64xbf16>)
      positions(%p : tensor<?x?xi32>) freqs(#rope.yarn<base = 10000.0, factor = 40.0, original_max_position = 4096>)
  return %y : tensor<?x?x8x64xbf16>
}

// -----

// CHECK-LABEL: func @partial
// CHECK-NOT: memref.copy
// CHECK: %[[Y:.*]] = memref.alloc(
// CHECK-NOT: memref.alloc(%
// CHECK-NOT: memref.copy
// CHECK: return %[[Y]]
func.func @partial(%x: tensor<?x64x?x96xf16>, %off: index) -> tensor<?x64x?x96xf16> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %x, %c0 : tensor<?x64x?x96xf16>
  %s = tensor.dim %x, %c2 : tensor<?x64x?x96xf16>
  %e = tensor.empty(%b, %s) : tensor<?x64x?x96xf16>
  %y = rope.rotate half bhsd ins(%x : tensor<?x64x?x96xf16>) outs(%e : tensor<?x64x?x96xf16>)
      offset(%off) freqs(#rope.default<base = 10000.0>) rotary_dim = 24
  return %y : tensor<?x64x?x96xf16>
}

// -----

// CHECK-LABEL: func @query_key
// CHECK-NOT: memref.copy
// CHECK: %[[Q:.*]] = memref.alloc(
// CHECK: %[[K:.*]] = memref.alloc(
// CHECK-NOT: memref.alloc(%
// CHECK-NOT: memref.copy
// CHECK: return %[[Q]], %[[K]]
func.func @query_key(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>, %p: tensor<?xi64>)
    -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x32x128xbf16>
  %eq = tensor.empty(%t) : tensor<?x32x128xbf16>
  %ek = tensor.empty(%t) : tensor<?x8x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%eq, %ek : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) positions(%p : tensor<?xi64>)
      freqs(#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>)
  return %q1, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}

// -----

// CHECK-LABEL: func @cache
// CHECK-NOT: memref.copy
// CHECK: %[[Y:.*]] = memref.alloc(
// CHECK-NOT: memref.alloc(%
// CHECK-NOT: memref.copy
// CHECK: return %[[Y]]
func.func @cache(%x: tensor<?x4x3x8xf32>, %ids: tensor<?x3xi64>, %cos: tensor<?x2xf32>, %sin: tensor<?x2xf32>) -> tensor<?x4x3x8xf32> {
  %c0 = arith.constant 0 : index
  %b = tensor.dim %x, %c0 : tensor<?x4x3x8xf32>
  %e = tensor.empty(%b) : tensor<?x4x3x8xf32>
  %y = rope.rotate interleaved bhsd ins(%x : tensor<?x4x3x8xf32>) outs(%e : tensor<?x4x3x8xf32>)
      positions(%ids : tensor<?x3xi64>) cache(%cos, %sin : tensor<?x2xf32>, tensor<?x2xf32>) rotary_dim = 4
  return %y : tensor<?x4x3x8xf32>
}

// -----

// CHECK-LABEL: func @mrope
// CHECK-NOT: memref.copy
// CHECK: %[[Q:.*]] = memref.alloc(
// CHECK: %[[K:.*]] = memref.alloc(
// CHECK-NOT: memref.alloc(%
// CHECK-NOT: memref.copy
// CHECK: return %[[Q]], %[[K]]
func.func @mrope(%q: tensor<?x28x128xbf16>, %k: tensor<?x4x128xbf16>, %p: tensor<3x?xi64>)
    -> (tensor<?x28x128xbf16>, tensor<?x4x128xbf16>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x28x128xbf16>
  %eq = tensor.empty(%t) : tensor<?x28x128xbf16>
  %ek = tensor.empty(%t) : tensor<?x4x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>)
      outs(%eq, %ek : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>) positions(%p : tensor<3x?xi64>)
      freqs(#rope.default<base = 1000000.0>) mrope_section = [16, 24, 24]
  return %q1, %k1 : tensor<?x28x128xbf16>, tensor<?x4x128xbf16>
}
