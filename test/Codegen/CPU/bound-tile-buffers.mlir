// RUN: rope-opt --split-input-file --pass-pipeline="builtin.module(func.func(rope-bound-tile-buffers))" %s | FileCheck %s

// The row sums of a tile of at most 16 tokens: a static buffer viewed at
// the tile's token count.
// CHECK-LABEL: func.func @row_sums
// CHECK: scf.forall (%[[T:.*]]) =
// CHECK: %[[N:.*]] = affine.min
// CHECK: %[[W:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16x8xf32>
// CHECK: %[[V:.*]] = memref.subview %[[W]][0, 0] [%[[N]], 8] [1, 1]
// CHECK: %[[S:.*]] = memref.cast %[[V]] : memref<?x8xf32, strided<[8, 1]>> to memref<?x8xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[S]] : memref<?x8xf32>)
func.func @row_sums(%out: memref<37x8xf32>) {
  %z = arith.constant 0.0 : f32
  scf.forall (%t) = (0) to (37) step (16) {
    %n = affine.min affine_map<(t) -> (16, -t + 37)>(%t)
    %sums = memref.alloc(%n) {alignment = 64 : i64} : memref<?x8xf32>
    linalg.fill ins(%z : f32) outs(%sums : memref<?x8xf32>)
    %dst = memref.subview %out[%t, 0] [%n, 8] [1, 1] : memref<37x8xf32> to memref<?x8xf32, strided<[8, 1], offset: ?>>
    memref.copy %sums, %dst : memref<?x8xf32> to memref<?x8xf32, strided<[8, 1], offset: ?>>
  }
  return
}

// -----

// A size with no constant bound (the token count of the call): left alone.
// CHECK-LABEL: func.func @unbounded
// CHECK: memref.alloc(%{{.*}}) : memref<?x8xf32>
func.func @unbounded(%n: index) {
  %z = arith.constant 0.0 : f32
  scf.forall (%t) in (4) {
    %sums = memref.alloc(%n) : memref<?x8xf32>
    linalg.fill ins(%z : f32) outs(%sums : memref<?x8xf32>)
  }
  return
}

// -----

// Bounded, but larger than max-bytes (64 KiB): left alone.
// CHECK-LABEL: func.func @too_large
// CHECK: memref.alloc(%{{.*}}) : memref<?x4096xf32>
func.func @too_large() {
  %z = arith.constant 0.0 : f32
  scf.forall (%t) = (0) to (37) step (16) {
    %n = affine.min affine_map<(t) -> (16, -t + 37)>(%t)
    %big = memref.alloc(%n) : memref<?x4096xf32>
    linalg.fill ins(%z : f32) outs(%big : memref<?x4096xf32>)
  }
  return
}
