// RUN: rope-opt %s -rope-vectorize="vector-width=8" -split-input-file | FileCheck %s

// Only ops the rope lowering produced (a rope.lowering role) are vectorized; a user's
// linalg.copy stays as it is.
// CHECK-LABEL: func @negative_user_copy
// CHECK: linalg.copy
// CHECK-NOT: vector.
func.func @negative_user_copy(%x: tensor<4x16xf32>, %y: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = linalg.copy ins(%x : tensor<4x16xf32>) outs(%y : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func @pass_through_copy
// CHECK-NOT: linalg.copy
// CHECK: vector.transfer_read {{.*}} vector<8xf32>
func.func @pass_through_copy(%x: tensor<4x16xf32>, %y: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = linalg.copy {rope.lowering = #rope.lowering<role = copy>} ins(%x : tensor<4x16xf32>) outs(%y : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
