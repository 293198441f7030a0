// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90 format=isa" -split-input-file | %python %test_lib/extract_ptx.py | FileCheck %s
// RUN: rope-opt %s --rope-gpu-pipeline="fuse-neighbours=0 chip=sm_90 format=isa" -split-input-file | %python %test_lib/extract_ptx.py | FileCheck %s --check-prefix=UNFUSED
// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90 format=isa" -split-input-file | %python %test_lib/extract_ptx.py | FileCheck %s --check-prefix=SCALED
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-gpu-tiled-stage)" -split-input-file | FileCheck %s --check-prefix=TILED

// The GPU kernels from the tiled form both pipelines share: one
// block per token (its token loop), each linalg op of the token over the
// block's threads. Llama-3-8B q+k in bf16: the token's cos/sin computed once
// (f64 range reduction with the 1.5 * 2^52 rounding, before the barrier)
// into 16-byte aligned shared memory, read back with 16-byte loads by every
// head of q and of k; x read and written 16 bytes at a time. The elementwise
// op after the rope op (a scale of q) joins the same kernel.
// TILED-LABEL: func.func @scaled
// TILED: scf.forall (%{{.*}}) in (%{{.*}}) shared_outs
// TILED: bufferization.alloc_tensor() {memory_space = #gpu.address_space<workgroup>} : tensor<1x64xf32>
// TILED: } {mapping = [#gpu.thread<linear_dim_0>]}
// TILED: vector.transfer_read {{.*}} vector<2x8xbf16>
// TILED: } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
// TILED: } {mapping = [#gpu.block<linear_dim_0>]
// The scale is computed in the rotation's body: the only shared memory is
// the token's cos and sin (64 f32 each, stored as scalars), no trip of
// rotated q through it.
// SCALED-LABEL: .visible .entry scaled_kernel(
// SCALED-NOT: st.shared.v
// SCALED: ret;
// CHECK-LABEL: .visible .entry scaled_kernel(
// CHECK: .shared .align 16 .b8
// CHECK-NOT: sin.approx
// CHECK-NOT: __nv_
// CHECK: fma.rn.f64
// CHECK: 0d4338000000000000
// CHECK: st.shared.b32
// CHECK: bar.sync
// CHECK-NOT: 0d4338000000000000
// CHECK: ld.global.v4.b32
// CHECK: ld.shared.v4.b32
// CHECK: st.global.v4.b32
// CHECK-NOT: .entry
// CHECK: ret;
// Fusion off: the scale is a kernel of its own.
// UNFUSED: .entry scaled_kernel(
// UNFUSED: .entry scaled_kernel(
#map = affine_map<(t, h, d) -> (t, h, d)>
func.func @scaled(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>, %p: tensor<?xi64>)
    -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  %c0 = arith.constant 0 : index
  %s = arith.constant 0.125 : bf16
  %t = tensor.dim %q, %c0 : tensor<?x32x128xbf16>
  %eq = tensor.empty(%t) : tensor<?x32x128xbf16>
  %ek = tensor.empty(%t) : tensor<?x8x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%eq, %ek : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) positions(%p : tensor<?xi64>)
      freqs(#rope.default<base = 500000.0>)
  %es = tensor.empty(%t) : tensor<?x32x128xbf16>
  %q2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q1 : tensor<?x32x128xbf16>) outs(%es : tensor<?x32x128xbf16>) {
  ^bb0(%x: bf16, %o: bf16):
    %y = arith.mulf %x, %s : bf16
    linalg.yield %y : bf16
  } -> tensor<?x32x128xbf16>
  return %q2, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}

// -----

// A one-token decode step is still one block (the token loop is mapped, so
// canonicalization keeps it), 128 threads: q's 32 heads x 8 vectors, two
// heads a thread.
// TILED-LABEL: func.func @decode
// TILED: scf.forall (%{{.*}}) in (1)
// TILED: } {mapping = [#gpu.block<linear_dim_0>]
// CHECK-LABEL: .visible .entry decode_kernel(
// CHECK: bar.sync
// CHECK: ld.global.v4.b32
// CHECK: st.global.v4.b32
func.func @decode(%q: tensor<1x32x128xbf16>, %k: tensor<1x8x128xbf16>, %p: tensor<1xi64>)
    -> (tensor<1x32x128xbf16>, tensor<1x8x128xbf16>) {
  %eq = tensor.empty() : tensor<1x32x128xbf16>
  %ek = tensor.empty() : tensor<1x8x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<1x32x128xbf16>, tensor<1x8x128xbf16>)
      outs(%eq, %ek : tensor<1x32x128xbf16>, tensor<1x8x128xbf16>) positions(%p : tensor<1xi64>)
      freqs(#rope.default<base = 500000.0>)
  return %q1, %k1 : tensor<1x32x128xbf16>, tensor<1x8x128xbf16>
}
