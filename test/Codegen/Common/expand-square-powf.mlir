// RUN: rope-opt %s --rope-expand-square-powf -split-input-file | FileCheck %s

// powf by the constant 2.0 (scalar, or a splat for vectors) is one
// multiplication, its fast-math flags kept.
// CHECK-LABEL: func @square
// CHECK-SAME: (%[[X:.*]]: f32, %[[V:.*]]: vector<16xf32>)
// CHECK-NOT: math.powf
// CHECK: %[[S:.*]] = arith.mulf %[[X]], %[[X]] fastmath<contract> : f32
// CHECK: %[[W:.*]] = arith.mulf %[[V]], %[[V]] : vector<16xf32>
// CHECK: return %[[S]], %[[W]]
func.func @square(%x: f32, %v: vector<16xf32>) -> (f32, vector<16xf32>) {
  %two = arith.constant 2.0 : f32
  %twos = arith.constant dense<2.0> : vector<16xf32>
  %s = math.powf %x, %two fastmath<contract> : f32
  %w = math.powf %v, %twos : vector<16xf32>
  return %s, %w : f32, vector<16xf32>
}

// -----

// Other exponents, and exponents known only at run time, stay powf.
// CHECK-LABEL: func @other_exponents
// CHECK: math.powf %{{.*}}, %{{.*}} : f32
// CHECK: math.powf %{{.*}}, %{{.*}} : f32
// CHECK: math.powf %{{.*}}, %{{.*}} : vector<2xf32>
// CHECK-NOT: arith.mulf
func.func @other_exponents(%x: f32, %y: f32, %v: vector<2xf32>) -> (f32, f32, vector<2xf32>) {
  %three = arith.constant 3.0 : f32
  %mixed = arith.constant dense<[2.0, 3.0]> : vector<2xf32>
  %a = math.powf %x, %three : f32
  %b = math.powf %x, %y : f32
  %c = math.powf %v, %mixed : vector<2xf32>
  return %a, %b, %c : f32, f32, vector<2xf32>
}
