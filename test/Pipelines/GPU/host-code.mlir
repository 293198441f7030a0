// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90 format=isa" | FileCheck %s
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-to-gpu-stage{block-size=128})" | FileCheck %s --check-prefix=STAGE

// One block per token; Llama-3-8B bf16 q+k (40 heads x 8 16-byte vectors)
// over its 128 threads.
// STAGE-LABEL: func.func @decode
// STAGE: %[[T:.*]] = gpu.alloc async
// STAGE: gpu.launch_func async [%{{.*}}] @decode_kernel::@decode_kernel blocks in (%c1, %c1, %c1) threads in (%c128, %c1, %c1)
// STAGE-LABEL: gpu.module @decode_kernel
// STAGE: gpu.func @decode_kernel
// STAGE-SAME: workgroup(%{{.*}} : memref<1x64xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}
// A position outside (-2^31, 2^31) gives NaN cos/sin, as one outside a cache.
// STAGE: %[[LO:.*]] = arith.cmpi sgt, %[[POS:.*]], %c-2147483648_i64 : i64
// STAGE: %[[HI:.*]] = arith.cmpi slt, %[[POS]], %c2147483648_i64 : i64
// STAGE: %[[IN:.*]] = arith.andi %[[LO]], %[[HI]] : i1
// STAGE: arith.select %[[IN]], %{{.*}}, %cst{{.*}} : f32
// STAGE: gpu.barrier

// Host code calls the mgpu* runtime; the kernel is embedded as PTX.
// CHECK-LABEL: llvm.func @decode
// CHECK: llvm.call @mgpuStreamCreate
// CHECK: llvm.call @mgpuMemAlloc
// CHECK: gpu.launch_func
// CHECK: llvm.call @mgpuStreamSynchronize
// CHECK: gpu.binary @decode_kernel
// CHECK-SAME: chip = "sm_90"
func.func @decode(%q: tensor<1x32x128xbf16>, %k: tensor<1x8x128xbf16>, %p: tensor<1xi64>)
    -> (tensor<1x32x128xbf16>, tensor<1x8x128xbf16>) {
  %eq = tensor.empty() : tensor<1x32x128xbf16>
  %ek = tensor.empty() : tensor<1x8x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<1x32x128xbf16>, tensor<1x8x128xbf16>)
      outs(%eq, %ek : tensor<1x32x128xbf16>, tensor<1x8x128xbf16>) positions(%p : tensor<1xi64>)
      freqs(#rope.default<base = 500000.0>)
  return %q1, %k1 : tensor<1x32x128xbf16>, tensor<1x8x128xbf16>
}

// Dynamic token counts are cross-checked on the host before the launch.
// STAGE-LABEL: func.func @dynamic_tokens
// STAGE: cf.assert %{{.*}}, "rope.rotate: dynamic dimensions of the operands disagree
// STAGE: gpu.launch_func
func.func @dynamic_tokens(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}
