// RUN: rope-opt %s --rope-own-returned-buffers | FileCheck %s

memref.global "private" constant @c : memref<4xf32> = dense<1.0>

// A global and an allocation returned twice are copied; an argument
// returned whole (updated in place) is returned as it is, a view of one is
// copied.
// CHECK-LABEL: func.func @k(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>
// CHECK: %[[G:.*]] = memref.get_global @c
// CHECK: %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: %[[V:.*]] = memref.subview %[[X]]
// CHECK: %[[GC:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.copy %[[G]], %[[GC]]
// CHECK: %[[AC:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.copy %[[A]], %[[AC]]
// CHECK: %[[VC:.*]] = memref.alloc() : memref<2xf32>
// CHECK: memref.copy %[[V]], %[[VC]]
// CHECK: return %[[GC]], %[[X]], %[[A]], %[[AC]], %[[VC]]
func.func @k(%x: memref<?xf32>, %n: index) -> (memref<4xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<2xf32>) {
  %g = memref.get_global @c : memref<4xf32>
  %a = memref.alloc(%n) : memref<?xf32>
  %v = memref.subview %x[0] [2] [1] : memref<?xf32> to memref<2xf32>
  return %g, %x, %a, %a, %v : memref<4xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<2xf32>
}
