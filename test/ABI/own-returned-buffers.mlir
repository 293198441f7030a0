// RUN: rope-opt %s --rope-own-returned-buffers | FileCheck %s

memref.global "private" constant @c : memref<4xf32> = dense<1.0>

// CHECK-LABEL: func.func @k(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>
// CHECK: %[[G:.*]] = memref.get_global @c
// CHECK: %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: %[[GC:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.copy %[[G]], %[[GC]]
// CHECK: %[[XC:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.copy %[[X]], %[[XC]]
// CHECK: %[[AC:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.copy %[[A]], %[[AC]]
// CHECK: return %[[GC]], %[[XC]], %[[A]], %[[AC]]
func.func @k(%x: memref<?xf32>, %n: index) -> (memref<4xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>) {
  %g = memref.get_global @c : memref<4xf32>
  %a = memref.alloc(%n) : memref<?xf32>
  return %g, %x, %a, %a : memref<4xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>
}
