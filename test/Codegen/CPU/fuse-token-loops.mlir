// RUN: rope-opt %s -rope-fuse-token-loops -split-input-file | FileCheck %s

// Partial rotary's two sweeps over a tile's tokens: the pass-through copy
// and the rotation write disjoint columns of the same output rows, each at
// row %t0 + %t: one loop, the copy's body first.
// CHECK-LABEL: func @copy_then_rotate
// CHECK: scf.forall
// CHECK: scf.for %[[T:.*]] = %c0 to %c16 step %c1 {
// CHECK:   vector.transfer_read %arg0[%{{.*}}, %c32]
// CHECK:   vector.transfer_write
// CHECK:   vector.transfer_read %arg0[%{{.*}}, %c0]
// CHECK:   arith.negf
// CHECK:   vector.transfer_write
// CHECK: }
// CHECK-NOT: scf.for %
// CHECK: rope.lowering
#sum = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @copy_then_rotate(%x: memref<?x64xbf16>, %y: memref<?x64xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %pad = arith.constant 0.0 : bf16
  scf.forall (%t0) = (0) to (%n) step (16) {
    %tile = memref.subview %y[%t0, 0] [16, 64] [1, 1] : memref<?x64xbf16> to memref<16x64xbf16, strided<[64, 1], offset: ?>>
    %rest = memref.subview %tile[0, 32] [16, 32] [1, 1] : memref<16x64xbf16, strided<[64, 1], offset: ?>> to memref<16x32xbf16, strided<[64, 1], offset: ?>>
    scf.for %t = %c0 to %c16 step %c1 {
      %r = affine.apply #sum()[%t0, %t]
      %v = vector.transfer_read %x[%r, %c32], %pad {in_bounds = [true]} : memref<?x64xbf16>, vector<32xbf16>
      %row = memref.subview %rest[%t, 0] [1, 32] [1, 1] : memref<16x32xbf16, strided<[64, 1], offset: ?>> to memref<1x32xbf16, strided<[64, 1], offset: ?>>
      vector.transfer_write %v, %row[%c0, %c0] {in_bounds = [true]} : vector<32xbf16>, memref<1x32xbf16, strided<[64, 1], offset: ?>>
    }
    %rot = memref.subview %tile[0, 0] [16, 32] [1, 1] : memref<16x64xbf16, strided<[64, 1], offset: ?>> to memref<16x32xbf16, strided<[64, 1], offset: ?>>
    scf.for %t = %c0 to %c16 step %c1 {
      %r = affine.apply #sum()[%t0, %t]
      %v = vector.transfer_read %x[%r, %c0], %pad {in_bounds = [true]} : memref<?x64xbf16>, vector<32xbf16>
      %w = arith.negf %v : vector<32xbf16>
      %row = memref.subview %rot[%t, 0] [1, 32] [1, 1] : memref<16x32xbf16, strided<[64, 1], offset: ?>> to memref<1x32xbf16, strided<[64, 1], offset: ?>>
      vector.transfer_write %w, %row[%c0, %c0] {in_bounds = [true]} : vector<32xbf16>, memref<1x32xbf16, strided<[64, 1], offset: ?>>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  return
}

// -----

// The second loop reads the output at the next token's row, which the first
// loop writes in its next iteration: two loops.
// CHECK-LABEL: func @reads_next_row
// CHECK: scf.for %{{.*}} =
// CHECK: scf.for %{{.*}} =
func.func @reads_next_row(%y: memref<?x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c15 = arith.constant 15 : index
  %pad = arith.constant 0.0 : f32
  %one = arith.constant dense<1.0> : vector<32xf32>
  scf.forall (%t0) = (0) to (%n) step (16) {
    %tile = memref.subview %y[%t0, 0] [16, 64] [1, 1] : memref<?x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    scf.for %t = %c0 to %c15 step %c1 {
      vector.transfer_write %one, %tile[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32, strided<[64, 1], offset: ?>>
    }
    scf.for %t = %c0 to %c15 step %c1 {
      %next = arith.addi %t, %c1 : index
      %v = vector.transfer_read %tile[%next, %c0], %pad {in_bounds = [true]} : memref<16x64xf32, strided<[64, 1], offset: ?>>, vector<32xf32>
      vector.transfer_write %v, %tile[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32, strided<[64, 1], offset: ?>>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  return
}

// -----

// Loops over different outputs (q and k), a tile-local table, different
// bounds, an opaque call, a row index computed inside the loop, and loops
// outside a rope tile stay as they are.
// CHECK-LABEL: func @kept
// CHECK-COUNT-2: scf.for %{{.*}} =
// CHECK: rope.lowering
// CHECK-COUNT-2: scf.for %{{.*}} =
// CHECK: rope.lowering
// CHECK-COUNT-2: scf.for %{{.*}} =
// CHECK: rope.lowering
// CHECK-COUNT-2: scf.for %{{.*}} =
// CHECK: rope.lowering
// CHECK-COUNT-2: scf.for %{{.*}} =
// CHECK: rope.lowering
// CHECK-COUNT-2: scf.for %{{.*}} =
// CHECK: return
func.func private @opaque(memref<?x64xf32>)
func.func @kept(%q: memref<?x64xf32>, %k: memref<?x64xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %one = arith.constant dense<1.0> : vector<32xf32>
  scf.forall (%t0) = (0) to (%n) step (16) {
    scf.for %t = %c0 to %c16 step %c1 {
      vector.transfer_write %one, %q[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
    }
    scf.for %t = %c0 to %c16 step %c1 {
      vector.transfer_write %one, %k[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  scf.forall (%t0) = (0) to (%n) step (16) {
    %table = memref.alloc() : memref<16x64xf32>
    scf.for %t = %c0 to %c16 step %c1 {
      vector.transfer_write %one, %table[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32>
    }
    scf.for %t = %c0 to %c16 step %c1 {
      vector.transfer_write %one, %table[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32>
    }
    memref.dealloc %table : memref<16x64xf32>
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  scf.forall (%t0) = (0) to (%n) step (16) {
    scf.for %t = %c0 to %c16 step %c1 {
      vector.transfer_write %one, %q[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
    }
    scf.for %t = %c0 to %m step %c1 {
      vector.transfer_write %one, %q[%t, %c16] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  scf.forall (%t0) = (0) to (%n) step (16) {
    scf.for %t = %c0 to %c16 step %c1 {
      vector.transfer_write %one, %q[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
    }
    scf.for %t = %c0 to %c16 step %c1 {
      func.call @opaque(%q) : (memref<?x64xf32>) -> ()
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  scf.forall (%t0) = (0) to (%n) step (16) {
    scf.for %t = %c0 to %c16 step %c1 {
      vector.transfer_write %one, %q[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
    }
    scf.for %t = %c0 to %c16 step %c1 {
      %i = arith.muli %t, %c1 : index
      %r = arith.addi %t, %i : index
      %s = arith.subi %r, %t : index
      vector.transfer_write %one, %q[%s, %c16] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  scf.for %t = %c0 to %c16 step %c1 {
    vector.transfer_write %one, %q[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
  }
  scf.for %t = %c0 to %c16 step %c1 {
    vector.transfer_write %one, %q[%t, %c16] {in_bounds = [true]} : vector<32xf32>, memref<?x64xf32>
  }
  return
}

// -----

// Accesses the row check cannot see as one row of a known buffer: a read of
// two rows in one vector, a read through a transpose (not a view the pass
// traces), loops comparing unsigned against signed: two loops each.
// CHECK-LABEL: func @not_one_row
// CHECK-COUNT-2: scf.for %{{.*}} =
// CHECK: rope.lowering
// CHECK-COUNT-2: scf.for %{{.*}} =
// CHECK: rope.lowering
// CHECK-COUNT-2: scf.for {{.*}}
// CHECK: rope.lowering
func.func @not_one_row(%y: memref<?x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c15 = arith.constant 15 : index
  %c32 = arith.constant 32 : index
  %pad = arith.constant 0.0 : f32
  %one = arith.constant dense<1.0> : vector<32xf32>
  scf.forall (%t0) = (0) to (%n) step (16) {
    %tile = memref.subview %y[%t0, 0] [16, 64] [1, 1] : memref<?x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    scf.for %t = %c0 to %c15 step %c1 {
      vector.transfer_write %one, %tile[%t, %c32] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32, strided<[64, 1], offset: ?>>
    }
    scf.for %t = %c0 to %c15 step %c1 {
      %v = vector.transfer_read %tile[%t, %c32], %pad {in_bounds = [true, true]} : memref<16x64xf32, strided<[64, 1], offset: ?>>, vector<2x32xf32>
      %r = vector.extract %v[1] : vector<32xf32> from vector<2x32xf32>
      vector.transfer_write %r, %tile[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32, strided<[64, 1], offset: ?>>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  scf.forall (%t0) = (0) to (%n) step (16) {
    %tile = memref.subview %y[%t0, 0] [16, 64] [1, 1] : memref<?x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    %tt = memref.transpose %tile (i, j) -> (j, i) : memref<16x64xf32, strided<[64, 1], offset: ?>> to memref<64x16xf32, strided<[1, 64], offset: ?>>
    scf.for %t = %c0 to %c15 step %c1 {
      vector.transfer_write %one, %tile[%t, %c32] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32, strided<[64, 1], offset: ?>>
    }
    scf.for %t = %c0 to %c15 step %c1 {
      %t1 = arith.addi %t, %c1 : index
      %s = memref.load %tt[%c32, %t1] : memref<64x16xf32, strided<[1, 64], offset: ?>>
      memref.store %s, %tile[%t, %c0] : memref<16x64xf32, strided<[64, 1], offset: ?>>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  scf.forall (%t0) = (0) to (%n) step (16) {
    %tile = memref.subview %y[%t0, 0] [16, 64] [1, 1] : memref<?x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    scf.for %t = %c0 to %c15 step %c1 {
      vector.transfer_write %one, %tile[%t, %c32] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32, strided<[64, 1], offset: ?>>
    }
    scf.for unsigned %t = %c0 to %c15 step %c1 {
      vector.transfer_write %one, %tile[%t, %c0] {in_bounds = [true]} : vector<32xf32>, memref<16x64xf32, strided<[64, 1], offset: ?>>
    }
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  return
}
