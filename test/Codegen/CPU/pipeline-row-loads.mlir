// RUN: rope-opt %s -rope-pipeline-row-loads -split-input-file | FileCheck %s

// The per-head loop: its 2-iteration inner loop is unrolled, then the next
// head's loads are issued before this head's stores. Prologue: the loads of
// head 0; kernel: loads of head h + 1, then compute and stores of head h;
// epilogue: compute and stores of the last head.
// CHECK-LABEL: func @rows
// CHECK-SAME: (%[[X:.*]]: memref<?x8x64xf32>, %[[Y:.*]]: memref<?x8x64xf32>
// CHECK: vector.load %[[X]]
// CHECK: vector.load %[[X]]
// CHECK-NOT: vector.store
// CHECK: scf.for {{.*}} iter_args(
// CHECK: vector.load %[[X]]
// CHECK: vector.load %[[X]]
// CHECK: vector.store {{.*}}, %[[Y]]
// CHECK: vector.store {{.*}}, %[[Y]]
// CHECK: scf.yield
// CHECK: vector.store {{.*}}, %[[Y]]
// CHECK: vector.store {{.*}}, %[[Y]]
// CHECK-NOT: vector.load %[[X]]
// CHECK: return
func.func @rows(%x: memref<?x8x64xf32>, %y: memref<?x8x64xf32>, %t: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %two = arith.constant dense<2.0> : vector<32xf32>
  scf.for %h = %c0 to %c8 step %c1 {
    scf.for %d = %c0 to %c64 step %c32 {
      %v = vector.load %x[%t, %h, %d] : memref<?x8x64xf32>, vector<32xf32>
      %w = arith.mulf %v, %two : vector<32xf32>
      vector.store %w, %y[%t, %h, %d] : memref<?x8x64xf32>, vector<32xf32>
    }
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}

// -----

// Loops that do not store into function arguments (a table on the stack)
// are left alone.
// CHECK-LABEL: func @table
// CHECK: scf.for
// CHECK-NOT: iter_args
func.func @table(%x: memref<?x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloca() : memref<4x64xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %v = vector.load %x[%i, %c0] : memref<?x64xf32>, vector<16xf32>
    vector.store %v, %a[%i, %c0] : memref<4x64xf32>, vector<16xf32>
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}

// -----

// A loop not marked as having independent iterations is left alone: here
// iteration h + 1 reads what iteration h wrote.
// CHECK-LABEL: func @dependent
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: vector.load
// CHECK: vector.store
func.func @dependent(%x: memref<?x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %h = %c0 to %c8 step %c1 {
    %v = vector.load %x[%h, %c0] : memref<?x64xf32>, vector<16xf32>
    %n = arith.addi %h, %c1 : index
    vector.store %v, %x[%n, %c0] : memref<?x64xf32>, vector<16xf32>
  }
  return
}

// -----

// Loaded bf16 vectors are carried to the next iteration as i16 (x86 has no
// legal bf16 vector type for the loop-carried values).
// CHECK-LABEL: func @rows_bf16
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<32xi16>)
// CHECK: vector.bitcast %{{.*}} : vector<32xi16> to vector<32xbf16>
func.func @rows_bf16(%x: memref<?x8x32xbf16>, %y: memref<?x8x32xbf16>, %t: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %h = %c0 to %c8 step %c1 {
    %v = vector.load %x[%t, %h, %c0] : memref<?x8x32xbf16>, vector<32xbf16>
    %w = arith.addf %v, %v : vector<32xbf16>
    vector.store %w, %y[%t, %h, %c0] : memref<?x8x32xbf16>, vector<32xbf16>
  } {rope.lowering = #rope.lowering<independent_iterations = true>}
  return
}
