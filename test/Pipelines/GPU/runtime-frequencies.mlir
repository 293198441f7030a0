// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-to-gpu-stage)" -split-input-file | FileCheck %s 
// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90 format=isa" -split-input-file | FileCheck %s --check-prefix=PTX

// Everything on the device: the host reads nothing. Dynamic NTK with
// explicit positions: n = max(positions) + 1 is a reduction kernel (the positions split over a block's 128 threads into
// workgroup partials, then merged); the frequencies a kernel reading n
// (f64 log and exp as arithmetic: no libdevice); the rotation reads them.
// CHECK-LABEL: func.func @dynamic_ntk
// CHECK-NOT: memref.load
// CHECK: gpu.launch_func {{.*}} blocks in (%c1, %c1, %c1) threads in (%c128, %c1, %c1) args(%{{.*}} : index, %{{.*}} : memref<?xi64>, %[[N:.*]] : memref<1xi64>
// CHECK: gpu.launch_func {{.*}} args(%[[N]] : memref<1xi64>, %[[F:.*]] : memref<32xf64>)
// CHECK: gpu.launch_func {{.*}} args(%[[F]] : memref<32xf64>
// CHECK: gpu.dealloc async {{.*}} %[[N]]
// CHECK: gpu.dealloc async {{.*}} %[[F]]
// CHECK: gpu.func @dynamic_ntk_kernel(%{{.*}}: index, %{{.*}}: memref<?xi64>, %{{.*}}: memref<1xi64>) workgroup(%{{.*}} : memref<1x128xi64, #gpu.address_space<workgroup>>
// CHECK: arith.maxsi
// CHECK: gpu.barrier
// CHECK: vector.reduction <maxsi>
// PTX-LABEL: llvm.func @dynamic_ntk
// PTX-NOT: __nv_
// LongRoPE with implicit positions: n = offset + S from the host's
// scalars; the choice between the long and short factors (constant
// tables) is made in the kernel, which has them.
// CHECK-LABEL: func.func @longrope_offset
// CHECK-NOT: memref.get_global
// CHECK: gpu.launch_func
// CHECK: gpu.func @longrope_offset_kernel
// CHECK: memref.get_global @__constant_8xf64
// CHECK: arith.select {{.*}} memref<8xf64>


// Dynamic NTK with explicit positions: n = max(positions) + 1 comes from a
// one-block reduction kernel copied back to the host; the frequencies are
// computed on the host (f64, as on the CPU), copied to device buffers and
// read by the rotation kernel, which gets them as arguments; everything
// temporary is freed, host tables live on the stack.
// The reduction kernel: strided per-thread maxima into shared memory, then
// thread 0.
func.func @dynamic_ntk(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
  return %y : tensor<?x8x64xf32>
}

// -----

// Run-time LongRoPE with implicit positions offset + s: n = offset + S is
// known on the host, no reduction kernel; the long or short factors are
// selected on the host.
func.func @longrope_offset(%x: tensor<1x?x4x16xf32>, %o: index) -> tensor<1x?x4x16xf32> {
  %c1 = arith.constant 1 : index
  %s = tensor.dim %x, %c1 : tensor<1x?x4x16xf32>
  %e = tensor.empty(%s) : tensor<1x?x4x16xf32>
  %y = rope.rotate half bshd ins(%x : tensor<1x?x4x16xf32>) outs(%e : tensor<1x?x4x16xf32>) offset(%o)
      freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072,
                           short_factor = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                           long_factor = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]>)
  return %y : tensor<1x?x4x16xf32>
}

// -----

// Positions of several dimensions (a batch, M-RoPE's sections): n is
// reduced over them collapsed into one dimension, which the one-block
// reduction kernel splits over its threads (a reduction over three
// dynamic dimensions had no GPU form; found by rope-fuzz-lower).
// CHECK-LABEL: func.func @dynamic_ntk_batched
// CHECK: memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : memref<2x?x?xi32> into memref<?xi32>
// CHECK: gpu.launch_func {{.*}} blocks in (%c1, %c1, %c1) threads in (%c128, %c1, %c1)
// PTX-LABEL: llvm.func @dynamic_ntk_batched
// PTX: gpu.binary @dynamic_ntk_batched_kernel
func.func @dynamic_ntk_batched(%x: tensor<?x?x1x8xf32>, %pos: tensor<2x?x?xi32>) -> tensor<?x?x1x8xf32> {
  %y:1 = rope.rotate half bshd ins(%x : tensor<?x?x1x8xf32>) outs(%x : tensor<?x?x1x8xf32>) positions(%pos : tensor<2x?x?xi32>)
      freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 1>) rotary_dim = 8 mrope_section = [4, 0] mrope_interleaved
  return %y#0 : tensor<?x?x1x8xf32>
}
