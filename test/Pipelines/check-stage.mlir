// RUN: rope-opt %s -split-input-file -verify-diagnostics \
// RUN:   --rope-check-stage="stage=test conditions=no-rope-ops,vectorized,no-tensors,no-foralls" \
// RUN:   | FileCheck %s
// RUN: not rope-opt %s -split-input-file --rope-check-stage="conditions=no-tensor" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNKNOWN

// UNKNOWN: error: rope-check-stage: unknown condition 'no-tensor' (no-rope-ops, vectorized, no-tensors, no-foralls)

// What every condition allows passes unchanged.
// CHECK-LABEL: func @holds
func.func @holds(%x: memref<4xf32>, %n: index) {
  // CHECK: scf.parallel
  scf.parallel (%i) = (%n) to (%n) step (%n) {
  }
  return
}

// -----

// Each op breaking a condition is named, nested ones too.
// expected-error @+1 {{'func.func' op has a tensor block argument}}
func.func @rope_op(%x: tensor<4x1x2xf32>, %p: tensor<4xi64>) {
  // expected-error @+1 {{'rope.rotate' op is a rope op after the test stage, whose output has no rope ops}}
  %y = rope.rotate half thd ins(%x : tensor<4x1x2xf32>) outs(%x : tensor<4x1x2xf32>) positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  return
}

// -----

func.func @unvectorized(%x: memref<4xf32>) {
  // expected-error @+1 {{'linalg.copy' op is a linalg op of the lowering after the test stage, whose output has the rope lowering's linalg ops as vector loops}}
  linalg.copy {rope.lowering = #rope.lowering<role = copy>} ins(%x : memref<4xf32>) outs(%x : memref<4xf32>)
  return
}

// -----

func.func @tensor_result() {
  // expected-error @+1 {{'tensor.empty' op has a tensor result after the test stage, whose output has no tensors}}
  %e = tensor.empty() : tensor<4xf32>
  return
}

// -----

// expected-error @+1 {{'func.func' op has a tensor block argument after the test stage, whose output has no tensors}}
func.func @tensor_argument(%x: tensor<4xf32>) {
  return
}

// -----

func.func @forall(%n: index) {
  // expected-error @+1 {{'scf.forall' op is an scf.forall after the test stage, whose output has no scf.forall}}
  scf.forall (%i) in (%n) {
  }
  return
}
