// RUN: rope-opt %s --rope-check-allocations | FileCheck %s

// CHECK-LABEL: func.func @k(
// CHECK: %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?x8xf32>
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: arith.cmpi ne, %[[P]]
// CHECK: cf.assert %{{.*}}, "out of memory: a buffer of type memref<?x8xf32> could not be allocated"
// Nested allocations (kept on the stack by the pipelines) are left alone.
// CHECK: scf.for
// CHECK-NEXT: memref.alloc()
// CHECK-NOT: cf.assert
func.func @k(%n: index) -> memref<?x8xf32> {
  %a = memref.alloc(%n) : memref<?x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %t = memref.alloc() : memref<4xf32>
    memref.dealloc %t : memref<4xf32>
  }
  return %a : memref<?x8xf32>
}
