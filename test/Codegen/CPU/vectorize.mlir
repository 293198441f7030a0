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

// -----

// A fused neighbour's row sum (role fused) keeps its reduction whole, one
// row at a time: each row read as one vector and reduced once, in a tree
// (reassoc), not element after element.
// CHECK-LABEL: func @fused_row_sum
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} vector<64xf32>
// CHECK: vector.reduction <add>, %{{.*}}, %{{.*}} fastmath<reassoc> : vector<64xf32> into f32
// CHECK-NOT: vector.reduction
func.func @fused_row_sum(%x: tensor<4x2x64xf32>, %acc: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x2x64xf32>) outs(%acc : tensor<4x2xf32>) attrs = {rope.lowering = #rope.lowering<role = fused>} {
  ^bb0(%a: f32, %s: f32):
    %sq = arith.mulf %a, %a : f32
    %r = arith.addf %s, %sq : f32
    linalg.yield %r : f32
  } -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A user's own reduction, outside the lowering's loops, keeps its order.
// CHECK-LABEL: func @negative_user_reduction
// CHECK: vector.reduction <add>, %{{.*}} : vector<8xf32> into f32
// CHECK-NOT: reassoc
func.func @negative_user_reduction(%v: vector<8xf32>) -> f32 {
  %0 = vector.reduction <add>, %v : vector<8xf32> into f32
  return %0 : f32
}

// -----

// A fused neighbour the vectorizer cannot take (a call in its body) stays
// loops, without its role, instead of failing the pass.
// CHECK-LABEL: func @fused_unvectorizable
// CHECK: scf.for
// CHECK: linalg.generic
// CHECK-NOT: role = fused
// CHECK: func.call @scale
func.func private @scale(f32) -> f32
func.func @fused_unvectorizable(%x: tensor<4x16xf32>, %y: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(t, d) -> (t, d)>, affine_map<(t, d) -> (t, d)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%y : tensor<4x16xf32>) attrs = {rope.lowering = #rope.lowering<role = fused>} {
  ^bb0(%a: f32, %o: f32):
    %r = func.call @scale(%a) : (f32) -> f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
