// RUN: rope-opt %s --rope-gpu-vector-accesses | FileCheck %s

// A thread's two rows of 8 bf16 read and written through a subview: 1-D
// loads and stores on the buffer itself, 16-byte aligned where the indices
// prove it (row stride 128, column a multiple of 8), element-aligned
// where they do not (column + 1); the constant stays in the kernel.
// CHECK-LABEL: func.func @rows
// CHECK: gpu.launch
// CHECK: arith.constant dense<2.000000e+00> : vector<8xbf16>
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<?x32x128xbf16>, vector<8xbf16>
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<?x32x128xbf16>, vector<8xbf16>
// CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<?x32x128xbf16>, vector<8xbf16>
// CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<?x32x128xbf16>, vector<8xbf16>
// CHECK: vector.load %{{.*}} {alignment = 2 : i64} : memref<?x32x128xbf16>, vector<8xbf16>
#row = affine_map<()[s0] -> (s0 * 8)>
func.func @rows(%x: memref<?x32x128xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %pad = arith.constant 0.0 : bf16
  %two = arith.constant dense<2.0> : vector<2x8xbf16>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c128, %sy = %c1, %sz = %c1) {
    %col = affine.apply #row()[%tx]
    %rows = memref.subview %x[%bx, 0, 0] [1, 32, 128] [1, 1, 1]
        : memref<?x32x128xbf16> to memref<1x32x128xbf16, strided<[4096, 128, 1], offset: ?>>
    %v = vector.transfer_read %rows[%c0, %c0, %col], %pad {in_bounds = [true, true]}
        : memref<1x32x128xbf16, strided<[4096, 128, 1], offset: ?>>, vector<2x8xbf16>
    %w = arith.mulf %v, %two : vector<2x8xbf16>
    vector.transfer_write %w, %rows[%c0, %c0, %col] {in_bounds = [true, true]}
        : vector<2x8xbf16>, memref<1x32x128xbf16, strided<[4096, 128, 1], offset: ?>>
    %odd = arith.addi %col, %c1 : index
    %u = vector.transfer_read %x[%bx, %c0, %odd], %pad {in_bounds = [true]}
        : memref<?x32x128xbf16>, vector<8xbf16>
    vector.transfer_write %u, %x[%bx, %c1, %c0] {in_bounds = [true]}
        : vector<8xbf16>, memref<?x32x128xbf16>
    gpu.terminator
  }
  return
}
