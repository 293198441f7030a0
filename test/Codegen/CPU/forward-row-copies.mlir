// RUN: rope-opt --split-input-file --pass-pipeline="builtin.module(func.func(rope-forward-row-copies))" %s | FileCheck %s

// The tile writes the rows of %k one token at a time; the fused row loop
// copies each row to its slot of a paged cache. The rows are written in
// their slots instead (the slot computed per token, in the token loop), and
// %k, its views and the copy go.
// CHECK-LABEL: func.func @paged
// CHECK-NOT: memref.alloc
// CHECK: scf.forall (%[[T:.*]]) = (0) to (64) step (16)
// CHECK: scf.for %[[R:.*]] = %c0 to %{{.*}} step %c1
// CHECK-NEXT: %[[I:.*]] = arith.addi %[[T]], %[[R]]
// CHECK: memref.load %{{.*}}[%{{.*}}] : memref<8xi64>
// CHECK: %[[SLOT:.*]] = memref.subview %{{.*}}[%{{.*}}, %{{.*}}, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16
// CHECK-NOT: memref.load
// CHECK: scf.for %[[H:.*]] = %c0 to %c2 step %c1
// CHECK: %[[E:.*]] = memref.expand_shape %[[SLOT]] {{\[}}[0], [1], [2, 3]] output_shape [1, 2, 2, 8]
// CHECK: %[[ROW:.*]] = memref.subview %[[E]][0, %[[H]], 0, 0] [1, 1, 2, 8]
// CHECK: vector.transfer_write %{{.*}}, %[[ROW]][%c0, %c0, %c0, %c0]
// CHECK: scf.for %{{.*}} = %[[T]] to
// CHECK-NOT: memref.copy
// CHECK: return
func.func @paged(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %off: index, %v: vector<8xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %n = affine.min affine_map<(t) -> (16, 64 - t)>(%t)
    %tile = memref.subview %k[%t, 0, 0] [%n, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<?x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %e = memref.expand_shape %tile [[0], [1], [2, 3]] output_shape [%n, 2, 2, 8] : memref<?x2x16xbf16, strided<[32, 16, 1], offset: ?>> into memref<?x2x2x8xbf16, strided<[32, 16, 8, 1], offset: ?>>
    scf.for %r = %c0 to %n step %c1 {
      scf.for %h = %c0 to %c2 step %c1 {
        %row = memref.subview %e[%r, %h, 0, 0] [1, 1, 2, 8] [1, 1, 1, 1] : memref<?x2x2x8xbf16, strided<[32, 16, 8, 1], offset: ?>> to memref<1x1x2x8xbf16, strided<[32, 16, 8, 1], offset: ?>>
        vector.transfer_write %v, %row[%c0, %c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x1x2x8xbf16, strided<[32, 16, 8, 1], offset: ?>>
        vector.transfer_write %v, %row[%c0, %c0, %c1, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x1x2x8xbf16, strided<[32, 16, 8, 1], offset: ?>>
      }
    }
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %p = affine.apply affine_map<(i)[o] -> (i + o)>(%i)[%off]
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%p)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%p)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  return
}

// -----

// A write that spans the tile's rows (one fill of the tile): no row to
// redirect, left alone.
// CHECK-LABEL: func.func @tile_wide_write
// CHECK: memref.alloc
// CHECK: linalg.fill
// CHECK: memref.copy
func.func @tile_wide_write(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>) {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant 1.0 : bf16
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    linalg.fill ins(%z : bf16) outs(%tile : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>)
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  return
}

// -----

// The tile also reads the cache the rows go to: writing them there early
// would change what it reads. Left alone.
// CHECK-LABEL: func.func @tile_reads_destination
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @tile_reads_destination(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %v: vector<8xbf16>, %out: memref<64xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile[%r, 0, 0] [1, 2, 16] [1, 1, 1] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      vector.transfer_write %v, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %x = memref.load %kc[%c0, %c0, %c0, %c0] : memref<16x16x2x16xbf16>
      %i = arith.addi %t, %r : index
      memref.store %x, %out[%i] : memref<64xbf16>
    }
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  return
}

// -----

// The row loop covers only part of the tile (from %t + 1): rows the tile
// writes would reach the cache without being copied there. Left alone.
// CHECK-LABEL: func.func @not_the_tile_rows
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @not_the_tile_rows(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %v: vector<8xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile[%r, 0, 0] [1, 2, 16] [1, 1, 1] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      vector.transfer_write %v, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    }
    %first = arith.addi %t, %c1 : index
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %first to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  return
}

// -----

// The block table is written in the tile: the slot is known only at the
// copy. Left alone.
// CHECK-LABEL: func.func @table_written_in_tile
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @table_written_in_tile(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %v: vector<8xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant 0 : i64
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile[%r, 0, 0] [1, 2, 16] [1, 1, 1] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      vector.transfer_write %v, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    }
    memref.store %z, %table[%c0] : memref<8xi64>
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  return
}

// -----

// %k is also read after the tile loop: its rows must stay. Left alone.
// CHECK-LABEL: func.func @buffer_used_later
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @buffer_used_later(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %v: vector<8xbf16>) -> bf16 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile[%r, 0, 0] [1, 2, 16] [1, 1, 1] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      vector.transfer_write %v, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    }
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  %x = memref.load %k[%c0, %c0, %c0] : memref<64x2x16xbf16>
  return %x : bf16
}

// -----

// The tile view reaches past the tile's rows (32 rows, step 16): rows the
// next tile copies. Left alone.
// CHECK-LABEL: func.func @view_past_tile
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @view_past_tile(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %v: vector<8xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c20 = arith.constant 20 : index
  %c64 = arith.constant 64 : index
  %k = memref.alloc() : memref<80x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [32, 2, 16] [1, 1, 1] : memref<80x2x16xbf16> to memref<32x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %row = memref.subview %tile[%c20, 0, 0] [1, 2, 16] [1, 1, 1] : memref<32x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    vector.transfer_write %v, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<80x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  return
}

// -----

// The tile writes %k again after the row loop copied it (scratch): the
// slots must hold what was copied. Left alone.
// CHECK-LABEL: func.func @write_after_copy
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @write_after_copy(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %v1: vector<8xbf16>, %v2: vector<8xbf16>, %out: memref<64x8xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : bf16
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile[%r, 0, 0] [1, 2, 16] [1, 1, 1] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      vector.transfer_write %v1, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    }
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
    %tile2 = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile2[%r, 0, 0] [1, 2, 16] [1, 1, 1] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      vector.transfer_write %v2, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %x = vector.transfer_read %row[%c0, %c0, %c0], %pad {in_bounds = [true]} : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>, vector<8xbf16>
      %i = arith.addi %t, %r : index
      vector.transfer_write %x, %out[%i, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<64x8xbf16>
    }
  }
  memref.dealloc %k : memref<64x2x16xbf16>
  return
}

// -----

// %k has rows (60..63) past the tile loop's 60 tokens, which the last tile
// writes and no row loop copies. Left alone.
// CHECK-LABEL: func.func @tile_past_n
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @tile_past_n(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %v: vector<8xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c60 = arith.constant 60 : index
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (60) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile[%r, 0, 0] [1, 2, 16] [1, 1, 1] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      vector.transfer_write %v, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    }
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c60 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  memref.dealloc %k : memref<64x2x16xbf16>
  return
}

// -----

// The tile collapses its rows' dimensions, which the slot ([block, head,
// slot, dim]: head and dim apart) does not keep contiguous. Left alone.
// CHECK-LABEL: func.func @collapse_slot
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @collapse_slot(%kc: memref<8x2x16x16xbf16>, %table: memref<8xi64>, %v: vector<32xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %flat = memref.collapse_shape %tile [[0], [1, 2]] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> into memref<16x32xbf16, strided<[32, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %flat[%r, 0] [1, 32] [1, 1] : memref<16x32xbf16, strided<[32, 1], offset: ?>> to memref<1x32xbf16, strided<[32, 1], offset: ?>>
      vector.transfer_write %v, %row[%c0, %c0] {in_bounds = [true]} : vector<32xbf16>, memref<1x32xbf16, strided<[32, 1], offset: ?>>
    }
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, 0, %s, 0] [1, 2, 1, 16] [1, 1, 1, 1] : memref<8x2x16x16xbf16> to memref<1x2x16xbf16, strided<[512, 256, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 256, 1], offset: ?>>
    }
  }
  memref.dealloc %k : memref<64x2x16xbf16>
  return
}

// -----

// A vector.store needs a unit innermost stride, which the slot does not
// have. Left alone.
// CHECK-LABEL: func.func @strided_slot
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @strided_slot(%kc: memref<16x16x16xbf16>, %table: memref<8xi64>, %v: vector<16xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %k = memref.alloc() : memref<64x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0] [16, 16] [1, 1] : memref<64x16xbf16> to memref<16x16xbf16, strided<[16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile[%r, 0] [1, 16] [1, 1] : memref<16x16xbf16, strided<[16, 1], offset: ?>> to memref<1x16xbf16, strided<[16, 1], offset: ?>>
      vector.store %v, %row[%c0, %c0] : memref<1x16xbf16, strided<[16, 1], offset: ?>>, vector<16xbf16>
    }
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c64 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0] [1, 16] [1, 1] : memref<64x16xbf16> to memref<1x16xbf16, strided<[16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, 0, %s] [1, 16, 1] [1, 1, 1] : memref<16x16x16xbf16> to memref<1x16xbf16, strided<[256, 16], offset: ?>>
      memref.copy %src, %slot : memref<1x16xbf16, strided<[16, 1], offset: ?>> to memref<1x16xbf16, strided<[256, 16], offset: ?>>
    }
  }
  memref.dealloc %k : memref<64x16xbf16>
  return
}

// -----

// A tile view nothing uses: forwarded, and the view, the buffer and its
// dealloc go.
// CHECK-LABEL: func.func @unused_view
// CHECK-NOT: {{memref.alloc|memref.dealloc|memref.copy}}
// CHECK: return
func.func @unused_view(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %v: vector<8xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c60 = arith.constant 64 : index
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %unused = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    scf.for %r = %c0 to %c16 step %c1 {
      %row = memref.subview %tile[%r, 0, 0] [1, 2, 16] [1, 1, 1] : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      vector.transfer_write %v, %row[%c0, %c0, %c0] {in_bounds = [true]} : vector<8xbf16>, memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    }
    %add = arith.addi %t, %c16 : index
    %end = arith.minsi %add, %c60 : index
    scf.for %i = %t to %end step %c1 {
      %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%i)
      %s = affine.apply affine_map<(p) -> (p mod 16)>(%i)
      %blk64 = memref.load %table[%b] : memref<8xi64>
      %blk = arith.index_cast %blk64 : i64 to index
      %src = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
      %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
      memref.copy %src, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    }
  }
  memref.dealloc %k : memref<64x2x16xbf16>
  return
}
