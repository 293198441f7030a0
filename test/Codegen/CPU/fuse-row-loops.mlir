// RUN: rope-opt --split-input-file --pass-pipeline="builtin.module(func.func(rope-fuse-row-loops))" %s | FileCheck %s

// A paged cache's row loop (a slot per token through a block table) after
// the tile loop that writes the rows it copies: it runs in each tile,
// after the tile's work, over the tile's rows.
// CHECK-LABEL: func.func @paged
// CHECK: scf.forall (%[[T:.*]]) = (0) to (64) step (16) {
// CHECK: linalg.fill
// CHECK: %[[E:.*]] = arith.addi %[[T]], %c16
// CHECK: %[[END:.*]] = arith.minsi %[[E]], %c64
// CHECK: scf.for %[[I:.*]] = %[[T]] to %[[END]] step %c1
// CHECK: memref.load %{{.*}}[%{{.*}}] : memref<8xi64>
// CHECK: %[[ROW:.*]] = memref.subview %{{.*}}[%[[I]], 0, 0] [1, 2, 16]
// CHECK: memref.copy %[[ROW]]
// CHECK-NOT: scf.forall
// CHECK: return
func.func @paged(%kc: memref<16x16x2x16xbf16>, %table: memref<8xi64>, %off: index) {
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %n = affine.min affine_map<(t) -> (16, 64 - t)>(%t)
    %tile = memref.subview %k[%t, 0, 0] [%n, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<?x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %z = arith.constant 1.0 : bf16
    linalg.fill ins(%z : bf16) outs(%tile : memref<?x2x16xbf16, strided<[32, 16, 1], offset: ?>>)
  }
  scf.forall (%i) in (64) {
    %p = affine.apply affine_map<(i)[o] -> (i + o)>(%i)[%off]
    %b = affine.apply affine_map<(p) -> (p floordiv 16)>(%p)
    %s = affine.apply affine_map<(p) -> (p mod 16)>(%p)
    %blk64 = memref.load %table[%b] : memref<8xi64>
    %blk = arith.index_cast %blk64 : i64 to index
    %row = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %slot = memref.subview %kc[%blk, %s, 0, 0] [1, 1, 2, 16] [1, 1, 1, 1] : memref<16x16x2x16xbf16> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
    memref.copy %row, %slot : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[512, 16, 1], offset: ?>>
  }
  return
}

// -----

// The row loop reads the next row as well: not its own, left alone.
// CHECK-LABEL: func.func @other_row
// CHECK-COUNT-2: scf.forall
func.func @other_row(%out: memref<64x2x16xbf16>) {
  %k = memref.alloc() : memref<65x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<65x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %z = arith.constant 1.0 : bf16
    linalg.fill ins(%z : bf16) outs(%tile : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>)
  }
  scf.forall (%i) in (64) {
    %j = affine.apply affine_map<(i) -> (i + 1)>(%i)
    %row = memref.subview %k[%j, 0, 0] [1, 2, 16] [1, 1, 1] : memref<65x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %dst = memref.subview %out[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    memref.copy %row, %dst : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
  }
  return
}

// -----

// The row loop writes what the tile loop reads: left alone.
// CHECK-LABEL: func.func @writes_tile_input
// CHECK-COUNT-2: scf.forall
func.func @writes_tile_input(%x: memref<64x2x16xbf16>) {
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %in = memref.subview %x[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    memref.copy %in, %tile : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
  }
  scf.forall (%i) in (64) {
    %row = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %dst = memref.subview %x[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    memref.copy %row, %dst : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
  }
  return
}

// -----

// Different token counts: left alone.
// CHECK-LABEL: func.func @other_count
// CHECK-COUNT-2: scf.forall
func.func @other_count(%out: memref<64x2x16xbf16>) {
  %k = memref.alloc() : memref<64x2x16xbf16>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0, 0] [16, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %z = arith.constant 1.0 : bf16
    linalg.fill ins(%z : bf16) outs(%tile : memref<16x2x16xbf16, strided<[32, 16, 1], offset: ?>>)
  }
  scf.forall (%i) in (32) {
    %row = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %dst = memref.subview %out[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<64x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    memref.copy %row, %dst : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
  }
  return
}

// -----

// A tile step known at run time (short sequences cut into as many tiles as
// threads) and a run-time token count.
// CHECK-LABEL: func.func @dynamic
// CHECK: scf.forall (%[[T:.*]]) = (0) to (%[[N:.*]]) step (%[[S:[^)]*]])
// CHECK: %[[E:.*]] = arith.addi %[[T]], %[[S]]
// CHECK: %[[END:.*]] = arith.minsi %[[E]], %[[N]]
// CHECK: scf.for %{{.*}} = %[[T]] to %[[END]] step %c1
// CHECK-NOT: scf.forall
func.func @dynamic(%k: memref<?x2x16xbf16>, %out: memref<?x2x16xbf16>, %s: index) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %k, %c0 : memref<?x2x16xbf16>
  scf.forall (%t) = (0) to (%n) step (%s) {
    %m = affine.min affine_map<(t)[s, n] -> (s, n - t)>(%t)[%s, %n]
    %tile = memref.subview %k[%t, 0, 0] [%m, 2, 16] [1, 1, 1] : memref<?x2x16xbf16> to memref<?x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %z = arith.constant 1.0 : bf16
    linalg.fill ins(%z : bf16) outs(%tile : memref<?x2x16xbf16, strided<[32, 16, 1], offset: ?>>)
  }
  scf.forall (%i) in (%n) {
    %row = memref.subview %k[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<?x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    %dst = memref.subview %out[%i, 0, 0] [1, 2, 16] [1, 1, 1] : memref<?x2x16xbf16> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
    memref.copy %row, %dst : memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>> to memref<1x2x16xbf16, strided<[32, 16, 1], offset: ?>>
  }
  return
}

// -----

// A reinterpret_cast of the own row may reach any row: left alone.
// CHECK-LABEL: func.func @rc_row
// CHECK-COUNT-2: scf.forall
func.func @rc_row(%out: memref<64x16xf32>) {
  %k = memref.alloc() : memref<64x16xf32>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0] [16, 16] [1, 1] : memref<64x16xf32> to memref<16x16xf32, strided<[16, 1], offset: ?>>
    %z = arith.constant 1.0 : f32
    linalg.fill ins(%z : f32) outs(%tile : memref<16x16xf32, strided<[16, 1], offset: ?>>)
  }
  scf.forall (%i) in (64) {
    %row = memref.subview %k[%i, 0] [1, 16] [1, 1] : memref<64x16xf32> to memref<1x16xf32, strided<[16, 1], offset: ?>>
    %r0 = memref.reinterpret_cast %row to offset: [1008], sizes: [1, 16], strides: [16, 1] : memref<1x16xf32, strided<[16, 1], offset: ?>> to memref<1x16xf32, strided<[16, 1], offset: 1008>>
    %dst = memref.subview %out[%i, 0] [1, 16] [1, 1] : memref<64x16xf32> to memref<1x16xf32, strided<[16, 1], offset: ?>>
    memref.copy %r0, %dst : memref<1x16xf32, strided<[16, 1], offset: 1008>> to memref<1x16xf32, strided<[16, 1], offset: ?>>
  }
  return
}

// -----

// A buffer chosen at run time (select) may alias the tile's: left alone.
// CHECK-LABEL: func.func @select
// CHECK-COUNT-2: scf.forall
func.func @select(%out: memref<64x16xf32>, %other: memref<64x16xf32>, %c: i1) {
  %k = memref.alloc() : memref<64x16xf32>
  %a = arith.select %c, %k, %other : memref<64x16xf32>
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0] [16, 16] [1, 1] : memref<64x16xf32> to memref<16x16xf32, strided<[16, 1], offset: ?>>
    %z = arith.constant 1.0 : f32
    linalg.fill ins(%z : f32) outs(%tile : memref<16x16xf32, strided<[16, 1], offset: ?>>)
  }
  scf.forall (%i) in (64) {
    %j = affine.apply affine_map<(i) -> (63 - i)>(%i)
    %row = memref.subview %a[%j, 0] [1, 16] [1, 1] : memref<64x16xf32> to memref<1x16xf32, strided<[16, 1], offset: ?>>
    %dst = memref.subview %out[%i, 0] [1, 16] [1, 1] : memref<64x16xf32> to memref<1x16xf32, strided<[16, 1], offset: ?>>
    memref.copy %row, %dst : memref<1x16xf32, strided<[16, 1], offset: ?>> to memref<1x16xf32, strided<[16, 1], offset: ?>>
  }
  return
}

// -----

// Rows of a strided buffer may overlap the next tile's: left alone.
// CHECK-LABEL: func.func @overlap
// CHECK-COUNT-2: scf.forall
func.func @overlap(%k: memref<64x16xf32, strided<[8, 1]>>, %out: memref<64x16xf32>) {
  scf.forall (%t) = (0) to (64) step (16) {
    %tile = memref.subview %k[%t, 0] [14, 16] [1, 1] : memref<64x16xf32, strided<[8, 1]>> to memref<14x16xf32, strided<[8, 1], offset: ?>>
    %v = arith.index_cast %t : index to i32
    %z = arith.sitofp %v : i32 to f32
    linalg.fill ins(%z : f32) outs(%tile : memref<14x16xf32, strided<[8, 1], offset: ?>>)
  }
  scf.forall (%i) in (64) {
    %row = memref.subview %k[%i, 0] [1, 16] [1, 1] : memref<64x16xf32, strided<[8, 1]>> to memref<1x16xf32, strided<[8, 1], offset: ?>>
    %dst = memref.subview %out[%i, 0] [1, 16] [1, 1] : memref<64x16xf32> to memref<1x16xf32, strided<[16, 1], offset: ?>>
    memref.copy %row, %dst : memref<1x16xf32, strided<[8, 1], offset: ?>> to memref<1x16xf32, strided<[16, 1], offset: ?>>
  }
  return
}
