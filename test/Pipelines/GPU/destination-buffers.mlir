// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-to-gpu-stage)" -split-input-file | FileCheck %s
// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90 format=isa" -split-input-file | FileCheck %s --check-prefix=LLVM

// Results materialized into caller buffers (device memory, as in the GPU
// benchmark) are written in place: no allocation, no copy, the kernel gets
// the caller's buffers.
// CHECK-LABEL: func.func @in_place
// CHECK-SAME: (%[[Q:.*]]: memref<?x32x128xbf16>, %[[K:.*]]: memref<?x8x128xbf16>, %[[P:.*]]: memref<?xi64>, %[[OQ:.*]]: memref<?x32x128xbf16>, %[[OK:.*]]: memref<?x8x128xbf16>)
// CHECK-NOT: gpu.alloc
// CHECK-NOT: memref.copy
// CHECK: %[[D:.*]] = memref.dim %[[OQ]]
// CHECK: arith.cmpi eq, %{{.*}}, %[[D]]
// CHECK: cf.assert {{.*}} "rope.rotate: the destination buffer's shape differs from the result's"
// CHECK: gpu.launch_func {{.*}} args(
// CHECK-SAME: %[[Q]] : memref<?x32x128xbf16>
// CHECK-SAME: %[[OQ]] : memref<?x32x128xbf16>
// CHECK-NOT: gpu.alloc
// LLVM-LABEL: llvm.func @in_place
// LLVM-NOT: mgpuMemAlloc
// LLVM: gpu.launch_func
// LLVM-NOT: mgpuMemAlloc
func.func @in_place(%q: memref<?x32x128xbf16>, %k: memref<?x8x128xbf16>, %p: memref<?xi64>,
                    %oq: memref<?x32x128xbf16>, %ok: memref<?x8x128xbf16>) {
  %tq = bufferization.to_tensor %q restrict : memref<?x32x128xbf16> to tensor<?x32x128xbf16>
  %tk = bufferization.to_tensor %k restrict : memref<?x8x128xbf16> to tensor<?x8x128xbf16>
  %tp = bufferization.to_tensor %p restrict : memref<?xi64> to tensor<?xi64>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %tq, %c0 : tensor<?x32x128xbf16>
  %eq = tensor.empty(%t) : tensor<?x32x128xbf16>
  %ek = tensor.empty(%t) : tensor<?x8x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%tq, %tk : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%eq, %ek : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) positions(%tp : tensor<?xi64>)
      freqs(#rope.default<base = 500000.0>)
  bufferization.materialize_in_destination %q1 in restrict writable %oq
      : (tensor<?x32x128xbf16>, memref<?x32x128xbf16>) -> ()
  bufferization.materialize_in_destination %k1 in restrict writable %ok
      : (tensor<?x8x128xbf16>, memref<?x8x128xbf16>) -> ()
  return
}

// -----

// An init that is a `to_tensor` without `writable` is no destination: the
// result gets its own device buffer.
// CHECK-LABEL: func.func @not_writable
// CHECK: gpu.alloc
// LLVM-LABEL: llvm.func @not_writable
// LLVM: llvm.call @mgpuMemAlloc
func.func @not_writable(%q: memref<4x8x64xf32>, %p: memref<4xi64>, %o: memref<4x8x64xf32>) -> tensor<4x8x64xf32> {
  %tq = bufferization.to_tensor %q restrict : memref<4x8x64xf32> to tensor<4x8x64xf32>
  %tp = bufferization.to_tensor %p restrict : memref<4xi64> to tensor<4xi64>
  %to = bufferization.to_tensor %o restrict : memref<4x8x64xf32> to tensor<4x8x64xf32>
  %y = rope.rotate half thd ins(%tq : tensor<4x8x64xf32>) outs(%to : tensor<4x8x64xf32>)
      positions(%tp : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<4x8x64xf32>
}
