// RUN: rope-opt %s --allow-unregistered-dialect --rope-forall-to-openmp -split-input-file | FileCheck %s
// RUN: rope-opt %s --allow-unregistered-dialect --rope-forall-to-openmp=num-threads=3 -split-input-file | FileCheck %s --check-prefix=THREADS

// Each thread runs its block of the ceildiv(n, 8) iterations: no worksharing
// loop; the fixed-size table is allocated once per thread, outside the loop.
// CHECK-DAG: func.func private @omp_get_thread_num() -> i32
// CHECK-DAG: func.func private @omp_get_num_threads() -> i32
// CHECK-LABEL: func.func @tiles
// CHECK-SAME: (%[[N:.*]]: index
// CHECK: %[[TRIPS:.*]] = arith.ceildivsi %[[N]], %c8
// CHECK: %[[TOTAL:.*]] = arith.maxsi %[[TRIPS]], %c0
// CHECK: omp.parallel {
// CHECK: %[[T32:.*]] = func.call @omp_get_thread_num() : () -> i32
// CHECK: %[[T:.*]] = arith.index_cast %[[T32]]
// CHECK: %[[P32:.*]] = func.call @omp_get_num_threads() : () -> i32
// CHECK: %[[P:.*]] = arith.index_cast %[[P32]]
// CHECK: %[[Q:.*]] = arith.divui %[[TOTAL]], %[[P]]
// CHECK: %[[R:.*]] = arith.remui %[[TOTAL]], %[[P]]
// CHECK: %[[TQ:.*]] = arith.muli %[[T]], %[[Q]]
// CHECK: %[[TR:.*]] = arith.minui %[[T]], %[[R]]
// CHECK: %[[BEGIN:.*]] = arith.addi %[[TQ]], %[[TR]]
// CHECK: %[[MORE:.*]] = arith.cmpi ult, %[[T]], %[[R]]
// CHECK: %[[EXTRA:.*]] = arith.index_castui %[[MORE]]
// CHECK: %[[COUNT:.*]] = arith.addi %[[Q]], %[[EXTRA]]
// CHECK: %[[END:.*]] = arith.addi %[[BEGIN]], %[[COUNT]]
// CHECK: %[[TABLE:.*]] = memref.alloca() : memref<8x4xf32>
// CHECK: scf.for %[[K:.*]] = %[[BEGIN]] to %[[END]] step %c1
// CHECK-NOT: memref.alloca
// CHECK: %[[I:.*]] = arith.muli %[[K]], %c8
// CHECK: "test.use"(%[[I]], %[[TABLE]])
// CHECK: omp.terminator
// CHECK-NOT: omp.wsloop
// THREADS-LABEL: func.func @tiles
// THREADS: %[[C3:.*]] = arith.constant 3 : i32
// THREADS: omp.parallel num_threads(%[[C3]] : i32)
func.func @tiles(%n: index) {
  scf.forall (%i) = (0) to (%n) step (8) {
    %table = memref.alloca() : memref<8x4xf32>
    "test.use"(%i, %table) : (index, memref<8x4xf32>) -> ()
  }
  return
}

// -----

// Two dimensions (token tiles x head tiles) are one linear range of
// iterations, the last dimension varying fastest.
// CHECK-LABEL: func.func @tokens_and_heads
// CHECK: scf.for %[[K:.*]] =
// CHECK: %[[I:.*]]:2 = affine.delinearize_index %[[K]] into (%{{.*}}, 4)
// CHECK: %[[TS:.*]] = arith.muli %[[I]]#0, %c16{{.*}}
// CHECK: %[[HS:.*]] = arith.muli %[[I]]#1, %c2{{.*}}
// CHECK: "test.use"(%[[TS]], %[[HS]])
func.func @tokens_and_heads(%n: index) {
  scf.forall (%t, %h) = (0, 0) to (%n, 8) step (16, 2) {
    "test.use"(%t, %h) : (index, index) -> ()
  }
  return
}

// -----

// Loops inside a tile stay as they are.
// CHECK-LABEL: func.func @nested
// CHECK: omp.parallel
// CHECK: scf.forall
// CHECK-NOT: omp.parallel
func.func @nested(%n: index) {
  scf.forall (%i) = (0) to (%n) step (8) {
    scf.forall (%j) = (0) to (8) step (1) {
      "test.use"(%i, %j) : (index, index) -> ()
    }
  }
  return
}
