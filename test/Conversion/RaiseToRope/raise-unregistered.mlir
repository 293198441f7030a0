// Ops of unregistered dialects (no Dialect object) are left alone, also
// inside linalg bodies.
// RUN: rope-opt %s --rope-raise --allow-unregistered-dialect | FileCheck %s

// CHECK-LABEL: func.func @unregistered
// CHECK: "foo.bar"
// CHECK: "foo.baz"
func.func @unregistered(%a: tensor<4xf32>) -> tensor<4xf32> {
  "foo.bar"() : () -> ()
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = "foo.baz"(%in) : (f32) -> f32
    linalg.yield %v : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
