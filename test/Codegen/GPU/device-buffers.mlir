// RUN: rope-opt %s --rope-gpu-device-buffers | FileCheck %s

// Host buffers of a function whose work is in kernels: device memory;
// the buffer inside the kernel stays as it is.
// CHECK-LABEL: func.func @host
// CHECK: %[[B:.*]] = gpu.alloc (%{{.*}}) : memref<?xf32>
// CHECK: gpu.memcpy %[[B]], %{{.*}} : memref<?xf32>, memref<?xf32>
// CHECK: gpu.launch
// CHECK: memref.alloc() : memref<4xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.dealloc %[[B]] : memref<?xf32>
func.func @host(%x: memref<?xf32>, %n: index) {
  %c1 = arith.constant 1 : index
  %b = memref.alloc(%n) : memref<?xf32>
  memref.copy %x, %b : memref<?xf32> to memref<?xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %w = memref.alloc() : memref<4xf32, #gpu.address_space<workgroup>>
    gpu.terminator
  }
  memref.dealloc %b : memref<?xf32>
  return
}
