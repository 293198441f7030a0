// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90 format=isa" -split-input-file | %python %test_lib/extract_ptx.py | FileCheck %s

// f32: 4 lanes per 16-byte access.
// CHECK-LABEL: .visible .entry f32_thd_kernel(
// CHECK: bar.sync
// CHECK: ld.global.v4.b32
// CHECK: ld.shared.v4.b32
// CHECK: st.global.v4.b32
func.func @f32_thd(%x: tensor<?x32x128xf32>, %p: tensor<?xi32>) -> tensor<?x32x128xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x32x128xf32>
  %e = tensor.empty(%t) : tensor<?x32x128xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x32x128xf32>) outs(%e : tensor<?x32x128xf32>)
      positions(%p : tensor<?xi32>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x32x128xf32>
}

// -----

// Interleaved pairs: one contiguous 16-byte vector, partners swapped with a
// shuffle in registers (no strided access).
// CHECK-LABEL: .visible .entry interleaved_kernel(
// CHECK: bar.sync
// CHECK: ld.global.v4.b32
// CHECK: st.global.v4.b32
func.func @interleaved(%x: tensor<?x?x8x64xf16>, %off: index) -> tensor<?x?x8x64xf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8x64xf16>
  %s = tensor.dim %x, %c1 : tensor<?x?x8x64xf16>
  %e = tensor.empty(%b, %s) : tensor<?x?x8x64xf16>
  %y = rope.rotate interleaved bshd ins(%x : tensor<?x?x8x64xf16>) outs(%e : tensor<?x?x8x64xf16>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x?x8x64xf16>
}

// -----

// cos/sin cache gathered by position: no trigonometry in the kernel.
// CHECK-LABEL: .visible .entry cache_kernel(
// CHECK-NOT: 0f4B400000
// CHECK: bar.sync
// CHECK: ld.global.v4.b32
func.func @cache(%x: tensor<?x4x?x8xf32>, %ids: tensor<?x?xi64>, %cos: tensor<?x4xf32>, %sin: tensor<?x4xf32>) -> tensor<?x4x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %x, %c0 : tensor<?x4x?x8xf32>
  %s = tensor.dim %x, %c2 : tensor<?x4x?x8xf32>
  %e = tensor.empty(%b, %s) : tensor<?x4x?x8xf32>
  %y = rope.rotate half bhsd ins(%x : tensor<?x4x?x8xf32>) outs(%e : tensor<?x4x?x8xf32>)
      positions(%ids : tensor<?x?xi64>) cache(%cos, %sin : tensor<?x4xf32>, tensor<?x4xf32>)
  return %y : tensor<?x4x?x8xf32>
}

// -----

// Positions outside the cache read a clamped row and poison cos/sin with NaN
// (the f16 table's 0x7E00, or f32 0x7FC00000) instead of reading out of
// bounds.
// CHECK-LABEL: .visible .entry cache_bounds_kernel(
// CHECK: max.s64
// CHECK: {{0x7E00|0f7FC00000}}
// CHECK: bar.sync
func.func @cache_bounds(%x: tensor<?x4x8xf32>, %ids: tensor<?xi32>, %cos: tensor<?x4xf16>, %sin: tensor<?x4xf16>) -> tensor<?x4x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4x8xf32>
  %e = tensor.empty(%t) : tensor<?x4x8xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x4x8xf32>) outs(%e : tensor<?x4x8xf32>)
      positions(%ids : tensor<?xi32>) cache(%cos, %sin : tensor<?x4xf16>, tensor<?x4xf16>)
  return %y : tensor<?x4x8xf32>
}
