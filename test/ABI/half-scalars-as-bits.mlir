// RUN: rope-opt %s --rope-half-scalars-as-bits | FileCheck %s

// CHECK-LABEL: func.func @k(
// CHECK-SAME: %[[X:.*]]: f32, %[[S:.*]]: i16, %[[H:.*]]: i16, %[[C:.*]]: i32) -> f32
// CHECK-DAG: arith.bitcast %[[S]] : i16 to bf16
// CHECK-DAG: arith.bitcast %[[H]] : i16 to f16
func.func @k(%x: f32, %s: bf16, %h: f16, %c: i32) -> f32 {
  %a = arith.extf %s : bf16 to f32
  %b = arith.extf %h : f16 to f32
  %m = arith.mulf %a, %b : f32
  %r = arith.addf %m, %x : f32
  return %r : f32
}
