// RUN: rope-opt %s -rope-free-local-buffers -split-input-file | FileCheck %s

// A buffer between two computations is freed before the return; the
// returned one is not.
// CHECK-LABEL: func @between
// CHECK: %[[A:.*]] = memref.alloc
// CHECK: %[[B:.*]] = memref.alloc
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NOT: memref.dealloc %[[B]]
// CHECK: return %[[B]]
func.func @between(%x: memref<?xf32>, %n: index) -> memref<?xf32> {
  %a = memref.alloc(%n) : memref<?xf32>
  memref.copy %x, %a : memref<?xf32> to memref<?xf32>
  %b = memref.alloc(%n) : memref<?xf32>
  memref.copy %a, %b : memref<?xf32> to memref<?xf32>
  return %b : memref<?xf32>
}

// -----

// Uses through views and in nested regions stay local; the dealloc goes
// after the loop, at the end of the buffer's block.
// CHECK-LABEL: func @views_and_loops
// CHECK: %[[A:.*]] = memref.alloc
// CHECK: scf.for
// CHECK: memref.subview %[[A]]
// CHECK: }
// CHECK: memref.dealloc %[[A]]
// CHECK-NEXT: return
func.func @views_and_loops(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %a = memref.alloc() : memref<8xf32>
  memref.copy %x, %a : memref<8xf32> to memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %s = memref.subview %a[%i] [1] [1] : memref<8xf32> to memref<1xf32, strided<[1], offset: ?>>
    %v = memref.load %s[%c0] : memref<1xf32, strided<[1], offset: ?>>
    memref.store %v, %y[%i] : memref<8xf32>
  }
  return
}

// -----

// Escapes: returned through a view, yielded, passed to a call. No dealloc.
// CHECK-LABEL: func @negative_escapes
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func private @use(memref<8xf32>)
func.func @negative_escapes(%c: i1) -> (memref<4xf32, strided<[1], offset: 2>>, memref<8xf32>) {
  %a = memref.alloc() : memref<8xf32>
  %v = memref.subview %a[2] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 2>>
  %b = memref.alloc() : memref<8xf32>
  %r = scf.if %c -> memref<8xf32> {
    scf.yield %b : memref<8xf32>
  } else {
    %d = memref.alloc() : memref<8xf32>
    func.call @use(%d) : (memref<8xf32>) -> ()
    scf.yield %d : memref<8xf32>
  }
  return %v, %r : memref<4xf32, strided<[1], offset: 2>>, memref<8xf32>
}
