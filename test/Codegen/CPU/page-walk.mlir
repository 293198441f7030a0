// RUN: rope-opt %s -rope-page-walk -split-input-file | FileCheck %s
// RUN: rope-opt %s -rope-page-walk="rows-per-iteration=0" -split-input-file | FileCheck %s --check-prefix=OFF
// RUN: rope-opt %s -rope-page-walk="min-bytes=67108864" -split-input-file | FileCheck %s --check-prefix=MIN
// RUN: rope-opt %s -rope-page-walk="max-element-bytes=2" -split-input-file | FileCheck %s --check-prefix=ELT
// RUN: rope-opt %s -rope-page-walk="rows-per-iteration=4 interleave-segments=1" -split-input-file | FileCheck %s --check-prefix=SEG

// Rows of 256 bytes (128 bf16): 16 per page, 2 pages per token. 8 rows per
// iteration = 4 tokens x 2 pages: the token loop steps by 4 over n - n mod 4
// tokens, reads the 4 tokens' tables first, and its inner loop over the 16
// rows of a page holds one row of each of the 8 pages (heads %o and
// %o + 16 of each token), each row's loads before the previous row's store;
// the last n mod 4 tokens run in the original loop.
// CHECK-LABEL: func @walk
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[R:.*]] = arith.remui %[[N:.*]], %[[C4]]
// CHECK: %[[END:.*]] = arith.subi %[[N]], %[[R]]
// CHECK: scf.for %[[T0:.*]] = %{{.*}} to %[[END]] step %[[C4]] {
// CHECK: %[[TA:.*]] = arith.addi %[[T0]], %{{.*}}
// CHECK-COUNT-4: vector.load %{{.*}} : memref<16x64xf32>, vector<16xf32>
// CHECK: arith.negf
// CHECK: scf.for %[[O:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[H0:.*]] = arith.addi %[[O]]
// CHECK: %[[H1:.*]] = arith.addi %[[O]]
// CHECK: vector.load %{{.*}}[%[[TA]], %[[H0]], %{{.*}}] : memref<?x32x128xbf16>
// CHECK: vector.load %{{.*}}[%[[TA]], %[[H1]], %{{.*}}] : memref<?x32x128xbf16>
// CHECK: vector.store %{{.*}}, %{{.*}}[%[[TA]], %[[H0]], %{{.*}}]
// CHECK: vector.load
// CHECK: vector.store %{{.*}}, %{{.*}}[%[[TA]], %[[H1]], %{{.*}}]
// CHECK-COUNT-6: vector.store
// CHECK-NOT: vector.store
// CHECK: } {rope.lowering = #rope.lowering<page_walk = 32768>}
// CHECK: scf.for %{{.*}} = %[[END]] to %[[N]] step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c32 step %c1
// OFF-LABEL: func @walk
// OFF-NOT: page_walk
// ELT-LABEL: func @walk
// ELT: } {rope.lowering = #rope.lowering<page_walk = 32768>}
// With min-bytes, the walk ends at 0 (the original loop takes every token)
// unless the memref the rows are read from, %x, holds at least 64 MiB.
// MIN-LABEL: func @walk
// MIN-SAME: (%[[X:[^:]*]]: memref<?x32x128xbf16>,
// MIN: %[[END:.*]] = arith.subi
// MIN: memref.dim %[[X]], %{{.*}} : memref<?x32x128xbf16>
// MIN: arith.muli
// MIN: %[[LARGE:.*]] = arith.cmpi uge, %{{.*}}, %{{.*}}
// MIN: %[[WALKED:.*]] = arith.select %[[LARGE]], %[[END]], %{{.*}}
// MIN: scf.for %{{.*}} = %{{.*}} to %[[WALKED]] step
// MIN: } {rope.lowering = #rope.lowering<page_walk = 32768>}
// MIN: scf.for %{{.*}} = %[[WALKED]] to
func.func @walk(%x: memref<?x32x128xbf16>, %y: memref<?x32x128xbf16>, %table: memref<16x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  scf.for %t = %c0 to %n step %c1 {
    %c = vector.load %table[%t, %c0] : memref<16x64xf32>, vector<16xf32>
    %cn = arith.negf %c : vector<16xf32>
    scf.for %h = %c0 to %c32 step %c1 {
      %v = vector.load %x[%t, %h, %c0] : memref<?x32x128xbf16>, vector<16xbf16>
      %f = arith.extf %v : vector<16xbf16> to vector<16xf32>
      %m = arith.mulf %f, %cn : vector<16xf32>
      %r = arith.truncf %m : vector<16xf32> to vector<16xbf16>
      vector.store %r, %y[%t, %h, %c0] : memref<?x32x128xbf16>, vector<16xbf16>
    } {rope.lowering = #rope.lowering<independent_iterations = true>}
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}

// -----

// Tokens of 2 KiB (8 rows of 256 bytes): 2 per page. 8 rows per iteration
// = one row from each of 8 pages; the walk steps by 16 tokens and takes the
// two tokens of every page in turn (%j), so that each page is read and
// written in address order: slot k holds token %t0 + 2k + %j.
// CHECK-LABEL: func @small_tokens
// CHECK: %[[C16:.*]] = arith.constant 16 : index
// CHECK: scf.for %[[T0:.*]] = %{{.*}} to %{{.*}} step %[[C16]] {
// CHECK-NEXT: %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT: scf.for %[[J:.*]] = %{{.*}} to %[[C2]] step
// CHECK: %[[F:.*]] = arith.addi %[[T0]], %[[J]]
// CHECK: %[[TA:.*]] = arith.addi %[[F]], %{{.*}}
// CHECK: %[[K2:.*]] = arith.constant 2 : index
// CHECK: %[[TB:.*]] = arith.addi %[[F]], %[[K2]]
// CHECK: scf.for %[[O:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[H:.*]] = arith.addi %[[O]]
// CHECK: vector.load %{{.*}}[%[[TA]], %[[H]], %{{.*}}] : memref<?x8x128xbf16>
// CHECK: vector.load %{{.*}}[%[[TB]], %[[H]], %{{.*}}] : memref<?x8x128xbf16>
// CHECK-COUNT-8: vector.store
// CHECK-NOT: vector.store
// CHECK: } {rope.lowering = #rope.lowering<page_walk = 32768>}
func.func @small_tokens(%x: memref<?x8x128xbf16>, %y: memref<?x8x128xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %t = %c0 to %n step %c1 {
    scf.for %h = %c0 to %c8 step %c1 {
      %v = vector.load %x[%t, %h, %c0] : memref<?x8x128xbf16>, vector<16xbf16>
      vector.store %v, %y[%t, %h, %c0] : memref<?x8x128xbf16>, vector<16xbf16>
    } {rope.lowering = #rope.lowering<independent_iterations = true>}
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}

// -----

// Loops not marked independent, or whose body writes before the head loop,
// are left alone.
// CHECK-LABEL: func @not_independent
// CHECK-NOT: page_walk
// CHECK: return
func.func @not_independent(%x: memref<?x32x128xbf16>, %y: memref<?x32x128xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  scf.for %t = %c0 to %n step %c1 {
    scf.for %h = %c0 to %c32 step %c1 {
      %v = vector.load %x[%t, %h, %c0] : memref<?x32x128xbf16>, vector<16xbf16>
      vector.store %v, %y[%t, %h, %c0] : memref<?x32x128xbf16>, vector<16xbf16>
    } {rope.lowering = #rope.lowering<independent_iterations = true>}
  }
  return
}

// -----

// CHECK-LABEL: func @writes_first
// CHECK-NOT: page_walk
// CHECK: return
func.func @writes_first(%x: memref<?x32x128xbf16>, %y: memref<?x32x128xbf16>, %n: index, %s: vector<16xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  scf.for %t = %c0 to %n step %c1 {
    vector.store %s, %y[%t, %c0, %c0] : memref<?x32x128xbf16>, vector<16xbf16>
    scf.for %h = %c0 to %c32 step %c1 {
      %v = vector.load %x[%t, %h, %c0] : memref<?x32x128xbf16>, vector<16xbf16>
      vector.store %v, %y[%t, %h, %c0] : memref<?x32x128xbf16>, vector<16xbf16>
    } {rope.lowering = #rope.lowering<independent_iterations = true>}
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}

// -----

// f32 rows of 512 bytes: walked by default, left in row order when the walk
// is limited to elements of at most 2 bytes (bf16 rows above still walk).
// CHECK-LABEL: func @f32_rows
// CHECK: } {rope.lowering = #rope.lowering<page_walk = 32768>}
// ELT-LABEL: func @f32_rows
// ELT-NOT: page_walk
// ELT: return
func.func @f32_rows(%x: memref<?x32x128xf32>, %y: memref<?x32x128xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  scf.for %t = %c0 to %n step %c1 {
    scf.for %h = %c0 to %c32 step %c1 {
      %v = vector.load %x[%t, %h, %c0] : memref<?x32x128xf32>, vector<16xf32>
      vector.store %v, %y[%t, %h, %c0] : memref<?x32x128xf32>, vector<16xf32>
    } {rope.lowering = #rope.lowering<independent_iterations = true>}
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}

// -----

// The size check follows views to the whole tensor: a tile's subview of %x
// is walked when %x itself holds 64 MiB.
// MIN-LABEL: func @walk_view
// MIN-SAME: (%[[X:[^:]*]]: memref<?x32x128xbf16>,
// MIN: memref.dim %[[X]], %{{.*}} : memref<?x32x128xbf16>
// MIN: arith.cmpi uge
// MIN: } {rope.lowering = #rope.lowering<page_walk = 32768>}
func.func @walk_view(%x: memref<?x32x128xbf16>, %y: memref<?x32x128xbf16>, %n: index, %off: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %tile = memref.subview %x[%off, 0, 0] [%n, 32, 128] [1, 1, 1] : memref<?x32x128xbf16> to memref<?x32x128xbf16, strided<[4096, 128, 1], offset: ?>>
  scf.for %t = %c0 to %n step %c1 {
    scf.for %h = %c0 to %c32 step %c1 {
      %v = vector.load %tile[%t, %h, %c0] : memref<?x32x128xbf16, strided<[4096, 128, 1], offset: ?>>, vector<16xbf16>
      vector.store %v, %y[%t, %h, %c0] : memref<?x32x128xbf16>, vector<16xbf16>
    } {rope.lowering = #rope.lowering<independent_iterations = true>}
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}

// -----

// interleave-segments: f32 tokens of 16 KiB (4 pages), 4 rows per
// iteration: one token, one row of each of its pages. Each row has two
// segments (a chunk: two loads, the rotation, two stores); the loop body
// holds the first segment of all 4 rows, their 8 loads before any store,
// then the second. The loads of the second chunk use an index computed
// after the first chunk's stores; it moves with them.
// SEG-LABEL: func @segments
// SEG: scf.for %[[T0:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// SEG: %[[T:.*]] = arith.addi %[[T0]]
// SEG: scf.for %[[O:.*]] = %{{.*}} to %{{.*}} step
// SEG-COUNT-8: vector.load %{{.*}}[%[[T]], %{{.*}}, %{{.*}}] : memref<?x32x128xf32>
// SEG-NOT: vector.load
// SEG-COUNT-8: vector.store
// SEG-COUNT-8: vector.load %{{.*}}[%[[T]], %{{.*}}, %{{.*}}] : memref<?x32x128xf32>
// SEG-NOT: vector.load
// SEG-COUNT-8: vector.store
// SEG-NOT: vector.store
// SEG: } {rope.lowering = #rope.lowering<page_walk = 16384>}
// Without interleave-segments, 4 rows of one token are not walked.
// CHECK-LABEL: func @segments
// CHECK: scf.for %{{.*}} = %c0 to %c32 step %c1
func.func @segments(%x: memref<?x32x128xf32>, %y: memref<?x32x128xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c16 = arith.constant 16 : index
  scf.for %t = %c0 to %n step %c1 {
    scf.for %h = %c0 to %c32 step %c1 {
      %a = vector.load %x[%t, %h, %c0] : memref<?x32x128xf32>, vector<16xf32>
      %b = vector.load %x[%t, %h, %c64] : memref<?x32x128xf32>, vector<16xf32>
      %nb = arith.negf %b : vector<16xf32>
      vector.store %nb, %y[%t, %h, %c0] : memref<?x32x128xf32>, vector<16xf32>
      vector.store %a, %y[%t, %h, %c64] : memref<?x32x128xf32>, vector<16xf32>
      %i = arith.addi %c64, %c16 : index
      %a2 = vector.load %x[%t, %h, %c16] : memref<?x32x128xf32>, vector<16xf32>
      %b2 = vector.load %x[%t, %h, %i] : memref<?x32x128xf32>, vector<16xf32>
      %nb2 = arith.negf %b2 : vector<16xf32>
      vector.store %nb2, %y[%t, %h, %c16] : memref<?x32x128xf32>, vector<16xf32>
      vector.store %a2, %y[%t, %h, %i] : memref<?x32x128xf32>, vector<16xf32>
    } {rope.lowering = #rope.lowering<independent_iterations = true>}
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}
