// RUN: rope-opt %s -rope-nontemporal-stores -split-input-file | FileCheck %s

// Each streaming store gets the alignment its offset from the checked
// (64-byte aligned) base is proven to have: the store at column 16 fills a
// whole line, the one at column 8 starts half-way.
// CHECK-LABEL: func @per_store
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: arith.remui %{{.*}}, %[[C64]]
// CHECK: scf.if
// CHECK: vector.store %{{.*}}[%{{.*}}, %c16{{.*}}] {alignment = 64 : i64, nontemporal = true}
// CHECK: vector.store %{{.*}}[%{{.*}}, %c8{{.*}}] {alignment = 32 : i64, nontemporal = true}
// CHECK: } else {
func.func @per_store(%out: memref<?x64xf32>, %v: vector<16xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?x64xf32>
  scf.forall (%t) in (%n) {
    vector.transfer_write %v, %out[%t, %c16] {in_bounds = [true]} : vector<16xf32>, memref<?x64xf32>
    vector.transfer_write %v, %out[%t, %c8] {in_bounds = [true]} : vector<16xf32>, memref<?x64xf32>
  } {rope.lowering = #rope.lowering<store_alignment = 32>}
  return
}

// -----

// Through views: a subview at a loop's column (multiples of 16 floats from
// 16) keeps lines; through an expand_shape of one at column 8, 32 bytes.
// CHECK-LABEL: func @views
// CHECK: scf.for
// CHECK: vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} : memref<1x16xf32
// CHECK-COUNT-2: vector.store {{.*}} {alignment = 32 : i64, nontemporal = true} : memref<1x2x8xf32
// CHECK: } else {
func.func @views(%out: memref<?x64xf32>, %v: vector<16xf32>, %w: vector<2x8xf32>) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %n = memref.dim %out, %c0 : memref<?x64xf32>
  scf.forall (%t) in (%n) {
    scf.for %c = %c16 to %c64 step %c16 {
      %s = memref.subview %out[%t, %c] [1, 16] [1, 1] : memref<?x64xf32> to memref<1x16xf32, strided<[64, 1], offset: ?>>
      vector.transfer_write %v, %s[%c0, %c0] {in_bounds = [true]} : vector<16xf32>, memref<1x16xf32, strided<[64, 1], offset: ?>>
    }
    %s4 = memref.subview %out[%t, 8] [1, 16] [1, 1] : memref<?x64xf32> to memref<1x16xf32, strided<[64, 1], offset: ?>>
    %e = memref.expand_shape %s4 [[0], [1, 2]] output_shape [1, 2, 8] : memref<1x16xf32, strided<[64, 1], offset: ?>> into memref<1x2x8xf32, strided<[64, 8, 1], offset: ?>>
    vector.transfer_write %w, %e[%c0, %c0, %c0] {in_bounds = [true, true]} : vector<2x8xf32>, memref<1x2x8xf32, strided<[64, 8, 1], offset: ?>>
  } {rope.lowering = #rope.lowering<store_alignment = 16>}
  return
}

// -----

// An output with a layout offset: a static offset of 8 floats leaves
// 32-byte alignment; an unknown one leaves nothing, and that store stays
// ordinary, whatever the lowering's row alignment says.
// CHECK-LABEL: func @layout_offset
// CHECK: scf.if
// CHECK: vector.store {{.*}} {alignment = 32 : i64, nontemporal = true} : memref<?x64xf32, strided<[64, 1], offset: 8>>
// CHECK-NOT: nontemporal
// CHECK: } else {
func.func @layout_offset(%a: memref<?x64xf32, strided<[64, 1], offset: 8>>, %b: memref<?x64xf32, strided<[64, 1], offset: ?>>, %v: vector<16xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?x64xf32, strided<[64, 1], offset: 8>>
  scf.forall (%t) in (%n) {
    vector.transfer_write %v, %a[%t, %c0] {in_bounds = [true]} : vector<16xf32>, memref<?x64xf32, strided<[64, 1], offset: 8>>
    vector.transfer_write %v, %b[%t, %c0] {in_bounds = [true]} : vector<16xf32>, memref<?x64xf32, strided<[64, 1], offset: ?>>
  } {rope.lowering = #rope.lowering<store_alignment = 64>}
  return
}

// -----

// The rope lowering's rows are aligned relative to the buffer it writes;
// when that buffer is a view one float into an aligned allocation
// (reinterpret_cast, or a subview), no store is streaming: an aligned
// streaming store there would fault.
// CHECK-LABEL: func @view_at_offset
// CHECK-NOT: nontemporal
// CHECK: return
func.func @view_at_offset(%n: index, %v: vector<16xf32>) {
  %c0 = arith.constant 0 : index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?xf32>
  %r = memref.reinterpret_cast %a to offset: [1], sizes: [%n, 64], strides: [64, 1] : memref<?xf32> to memref<?x64xf32, strided<[64, 1], offset: 1>>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x65xf32>
  %s = memref.subview %b[0, 1] [%n, 64] [1, 1] : memref<?x65xf32> to memref<?x64xf32, strided<[65, 1], offset: 1>>
  scf.forall (%t) in (%n) {
    vector.transfer_write %v, %r[%t, %c0] {in_bounds = [true]} : vector<16xf32>, memref<?x64xf32, strided<[64, 1], offset: 1>>
    vector.transfer_write %v, %s[%t, %c0] {in_bounds = [true]} : vector<16xf32>, memref<?x64xf32, strided<[65, 1], offset: 1>>
  } {rope.lowering = #rope.lowering<store_alignment = 64>}
  return
}

// -----

// A loop from column 8 in steps of 16 floats: 32 bytes. A store to a buffer
// no transfer_write of the loop wrote is not checked, so it stays ordinary;
// so do stores of elements narrower than a byte.
// CHECK-LABEL: func @bounds_and_unchecked
// CHECK: scf.if
// CHECK: scf.for
// CHECK: vector.store {{.*}} {alignment = 32 : i64, nontemporal = true}
// CHECK: vector.store %{{.*}}, %arg1[%c0] : memref<64xf32>
// CHECK: vector.store %{{.*}}, %arg2[%c0] : memref<64xi1>
// CHECK: } else {
func.func @bounds_and_unchecked(%out: memref<?x64xf32>, %other: memref<64xf32>, %bits: memref<64xi1>, %v: vector<8xf32>, %m: vector<8xi1>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %n = memref.dim %out, %c0 : memref<?x64xf32>
  scf.forall (%t) in (%n) {
    scf.for %c = %c8 to %c64 step %c16 {
      vector.transfer_write %v, %out[%t, %c] {in_bounds = [true]} : vector<8xf32>, memref<?x64xf32>
    }
    vector.store %v, %other[%c0] : memref<64xf32>, vector<8xf32>
    vector.store %m, %bits[%c0] : memref<64xi1>, vector<8xi1>
  } {rope.lowering = #rope.lowering<store_alignment = 64>}
  return
}
