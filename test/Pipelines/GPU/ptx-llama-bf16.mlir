// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90 features=+ptx80 format=isa" | %python %test_lib/extract_ptx.py | FileCheck %s
// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_80 features=+ptx80 format=isa" | %python %test_lib/extract_ptx.py | FileCheck %s --check-prefix=SM80

// Llama-3-8B q+k in bf16 (32/8 heads, D = 128). One block per token and
// group of 128 work items; the token's cos/sin are computed once (before the
// barrier) into 16-byte aligned shared memory and read back with 16-byte
// loads by every head of q and k; x is read and written 16 bytes at a time.
// CHECK: .target sm_90
// CHECK: .global .align {{[0-9]+}} .b8 {{[_a-z0-9]+}}[512]
// CHECK-LABEL: .visible .entry llama_qk_kernel(
// CHECK: .shared .align 16 .b8
// CHECK: .shared .align 16 .b8
// Range reduction of the accurate sin/cos (the angle in f64, quadrant
// rounding with the 1.5 * 2^52 constant, no sin.approx, no libdevice),
// before the barrier only.
// CHECK-NOT: sin.approx
// CHECK-NOT: __nv_
// CHECK: fma.rn.f64
// CHECK: 0d4338000000000000
// CHECK: cvt.rn.f32.f64
// CHECK: st.shared.b32
// CHECK: bar.sync
// CHECK-NOT: 0d4338000000000000
// CHECK: ld.global.v4.b32
// CHECK: ld.shared.v4.b32
// CHECK: cvt.rn.bf16x2.f32
// CHECK: st.global.v4.b32
// CHECK-NOT: 0d4338000000000000
// CHECK: ret;
// SM80: .target sm_80
// SM80: ld.global.v4.b32
// SM80: st.global.v4.b32
func.func @llama_qk(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>, %p: tensor<?xi64>)
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
