// RUN: rope-opt %s --rope-check-descriptors --split-input-file | FileCheck %s

// Static sizes, contiguous strides and offset 0 are checked; the code keeps
// the declared type through a reinterpret_cast (a memref.cast would fold
// into its users).
// CHECK-LABEL: func.func @k(
// CHECK-SAME: %[[A:.*]]: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
// CHECK: %{{.*}}, %[[OFF:.*]], %[[S:.*]]:3, %[[ST:.*]]:3 = memref.extract_strided_metadata %[[A]]
// CHECK: cf.assert %{{.*}}, "argument 0: the descriptor is not a contiguous row-major f32 [?, 4, 64] buffer at offset 0
// CHECK: %[[T:.*]] = memref.reinterpret_cast %[[A]] to offset: [0], sizes: [%[[S]]#0, 4, 64], strides: [256, 64, 1] : {{.*}} to memref<?x4x64xf32>
// CHECK: memref.load %[[T]]
func.func @k(%a: memref<?x4x64xf32>, %i: index) -> f32 {
  %v = memref.load %a[%i, %i, %i] : memref<?x4x64xf32>
  return %v : f32
}

// -----

// Private functions are not called from C: left alone.
// CHECK-LABEL: func.func private @p(
// CHECK-SAME: memref<4xf32>
// CHECK-NOT: cf.assert
func.func private @p(%a: memref<4xf32>) {
  return
}
