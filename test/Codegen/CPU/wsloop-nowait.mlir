// RUN: rope-opt %s --rope-wsloop-nowait -split-input-file | FileCheck %s

// The loop ends its parallel region, whose end is a barrier: no second one.
// CHECK-LABEL: func.func @last_in_region
// CHECK: omp.wsloop nowait {
func.func @last_in_region(%ub: index, %m: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%ub) step (%c1) {
        memref.store %f, %m[%i] : memref<?xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// Work after the loop in the same region must wait for every iteration.
// CHECK-LABEL: func.func @work_after
// CHECK: omp.wsloop {
func.func @work_after(%ub: index, %m: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%ub) step (%c1) {
        memref.store %f, %m[%i] : memref<?xf32>
        omp.yield
      }
    }
    %v = memref.load %m[%c0] : memref<?xf32>
    memref.store %v, %m[%c1] : memref<?xf32>
    omp.terminator
  }
  return
}
