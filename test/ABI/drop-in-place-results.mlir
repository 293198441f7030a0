// RUN: rope-opt %s --rope-drop-in-place-results | FileCheck %s

// A result marked as the update of an argument is dropped: when it is that
// argument, as it is; when bufferization gave it another buffer, after a
// copy into the argument.
// CHECK-LABEL: func.func @updated(%arg0: memref<8x4xf32>, %arg1: memref<8x4xf32>, %arg2: memref<2xf32>) {
// CHECK: %[[A:.*]] = memref.alloc() : memref<8x4xf32>
// CHECK: memref.copy %[[A]], %arg1
// CHECK: return{{$}}
func.func @updated(%c: memref<8x4xf32>, %d: memref<8x4xf32>, %o: memref<2xf32>) -> (memref<8x4xf32> {rope.in_place = 0 : i64}, memref<8x4xf32> {rope.in_place = 1 : i64}) {
  %a = memref.alloc() : memref<8x4xf32>
  return %c, %a : memref<8x4xf32>, memref<8x4xf32>
}

// Unmarked results stay.
// CHECK-LABEL: func.func @unmarked(%arg0: memref<4xf32>) -> memref<4xf32>
// CHECK: return %arg0
func.func @unmarked(%x: memref<4xf32>) -> memref<4xf32> {
  return %x : memref<4xf32>
}
