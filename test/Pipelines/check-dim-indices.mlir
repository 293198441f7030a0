// RUN: rope-opt %s -split-input-file -verify-diagnostics -rope-check-dim-indices | FileCheck %s
// The GPU pipeline runs the check before anything folds the dim (upstream's
// memref.dim folding on gpu.alloc crashed on a negative index).
// RUN: rope-opt %s -split-input-file -verify-diagnostics --rope-gpu-pipeline="chip=sm_90 format=isa" -o /dev/null
// RUN: rope-opt %s -split-input-file -verify-diagnostics --rope-cpu-pipeline -o /dev/null

func.func @negative_tensor_dim(%x: tensor<?x2x8xf32>) -> index {
  %c = arith.constant -1 : index
  // expected-error @+1 {{'tensor.dim' op index -1 is out of range for a rank-3 operand}}
  %d = tensor.dim %x, %c : tensor<?x2x8xf32>
  return %d : index
}

// -----

func.func @memref_dim_past_rank(%x: memref<?x4xf32>) -> index {
  %c = arith.constant 2 : index
  // expected-error @+1 {{'memref.dim' op index 2 is out of range for a rank-2 operand}}
  %d = memref.dim %x, %c : memref<?x4xf32>
  return %d : index
}

// -----

// CHECK-LABEL: func @negative_in_range
// CHECK: tensor.dim
func.func @negative_in_range(%x: tensor<?x2x8xf32>, %i: index) -> (index, index) {
  %c = arith.constant 2 : index
  %d = tensor.dim %x, %c : tensor<?x2x8xf32>
  %e = tensor.dim %x, %i : tensor<?x2x8xf32>
  return %d, %e : index, index
}
