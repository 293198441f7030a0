// RUN: rope-opt %s -rope-prefetch="distance=4096" -split-input-file | FileCheck %s
// RUN: rope-opt %s -rope-prefetch="distance=0" -split-input-file | FileCheck %s --check-prefix=OFF
// RUN: rope-opt %s -rope-prefetch="distance=4096 in-page-walks=false" -split-input-file | FileCheck %s --check-prefix=NOWALK

// A 64-byte load of a streamed argument in a loop: one prefetch 4096 bytes
// (2048 bf16) ahead in the flattened argument, clamped to its last element.
// CHECK-LABEL: func @stream
// CHECK-SAME: (%[[X:[a-z0-9]+]]: memref<?x32x128xbf16>
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[X]] {{\[}}[0, 1, 2]]
// CHECK: %[[N:.*]] = memref.dim %[[FLAT]], %{{.*}} : memref<?xbf16>
// CHECK: %[[LAST:.*]] = arith.subi %[[N]], %{{.*}}
// CHECK: scf.for %[[T:[a-z0-9]+]] =
// CHECK: %[[I:.*]] = affine.linearize_index disjoint [%[[T]], %{{.*}}, %{{.*}}] by (%{{.*}}, 32, 128)
// CHECK: %[[A:.*]] = arith.addi %[[I]], %{{.*}}
// CHECK: %[[J:.*]] = arith.minsi %[[A]], %[[LAST]]
// CHECK: memref.prefetch %[[FLAT]][%[[J]]], read, locality<3>, data : memref<?xbf16>
// CHECK-NOT: memref.prefetch
// CHECK: vector.load %[[X]]
// OFF-LABEL: func @stream
// OFF-NOT: memref.prefetch
func.func @stream(%x: memref<?x32x128xbf16>, %y: memref<?x32x128xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %t = memref.dim %x, %c0 : memref<?x32x128xbf16>
  scf.for %i = %c0 to %t step %c1 {
    %v = vector.load %x[%i, %c5, %c0] : memref<?x32x128xbf16>, vector<32xbf16>
    vector.store %v, %y[%i, %c5, %c0] : memref<?x32x128xbf16>, vector<32xbf16>
  }
  return
}

// -----

// A 128-byte load covers two lines: two prefetches, 64 bytes apart.
// CHECK-LABEL: func @two_lines
// CHECK: %[[C2048:.*]] = arith.constant 2048 : index
// CHECK: arith.addi %{{.*}}, %[[C2048]]
// CHECK: memref.prefetch
// CHECK: %[[C2080:.*]] = arith.constant 2080 : index
// CHECK: arith.addi %{{.*}}, %[[C2080]]
// CHECK: memref.prefetch
// CHECK-NOT: memref.prefetch
func.func @two_lines(%x: memref<?x128xbf16>) -> vector<64xbf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = memref.dim %x, %c0 : memref<?x128xbf16>
  %z = arith.constant dense<0.0> : vector<64xbf16>
  %r = scf.for %i = %c0 to %t step %c1 iter_args(%acc = %z) -> vector<64xbf16> {
    %v = vector.load %x[%i, %c0] : memref<?x128xbf16>, vector<64xbf16>
    %s = arith.addf %acc, %v : vector<64xbf16>
    scf.yield %s : vector<64xbf16>
  }
  return %r : vector<64xbf16>
}

// -----

// Loads outside loops, and loads of local buffers, are not prefetched.
// CHECK-LABEL: func @not_streamed
// CHECK-NOT: memref.prefetch
func.func @not_streamed(%x: memref<?x128xf32>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloca() : memref<4x16xf32>
  %v = vector.load %x[%c0, %c0] : memref<?x128xf32>, vector<16xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %v) -> vector<16xf32> {
    %w = vector.load %a[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    %s = arith.addf %acc, %w : vector<16xf32>
    scf.yield %s : vector<16xf32>
  }
  return %r : vector<16xf32>
}

// -----

// Loads in a loop of rope-page-walk read several pages at once: prefetched
// one iteration of the walk ahead (16384 bytes, 8192 bf16), not `distance`;
// not at all with in-page-walks=false, or when the walk's stride is not
// known.
// CHECK-LABEL: func @page_walk
// CHECK: %[[C:.*]] = arith.constant 8192 : index
// CHECK: arith.addi %{{.*}}, %[[C]]
// CHECK: memref.prefetch
// CHECK-NOT: memref.prefetch
// CHECK: return
// NOWALK-LABEL: func @page_walk
// NOWALK-NOT: memref.prefetch
// NOWALK: return
func.func @page_walk(%x: memref<?x32x128xbf16>, %y: memref<?x32x128xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = memref.dim %x, %c0 : memref<?x32x128xbf16>
  scf.for %i = %c0 to %t step %c1 {
    %v = vector.load %x[%i, %c0, %c0] : memref<?x32x128xbf16>, vector<32xbf16>
    vector.store %v, %y[%i, %c0, %c0] : memref<?x32x128xbf16>, vector<32xbf16>
  } {rope.lowering = #rope.lowering<page_walk = 16384>}
  return
}
