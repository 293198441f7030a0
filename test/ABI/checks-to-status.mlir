// RUN: rope-opt %s --rope-checks-to-status -split-input-file -verify-diagnostics | FileCheck %s

// Each top-level cf.assert branches to a return of its number; the function
// returns an i32 status last (0 on success); the messages are kept in order.
// CHECK-LABEL: func.func @f(
// CHECK-SAME: -> (memref<4xf32>, i32) attributes {rope.status_messages = ["first", "second"]}
// CHECK: cf.cond_br %{{.*}}, ^[[OK1:.*]], ^[[FAIL1:.*]]
// CHECK: ^[[OK1]]:
// CHECK: cf.cond_br %{{.*}}, ^[[OK2:.*]], ^[[FAIL2:.*]]
// CHECK: ^[[OK2]]:
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: return %{{.*}}, %[[Z]] : memref<4xf32>, i32
// CHECK: ^[[FAIL1]]:
// CHECK: %[[P:.*]] = ub.poison : memref<4xf32>
// CHECK: %[[C1:.*]] = arith.constant 1 : i32
// CHECK: return %[[P]], %[[C1]]
// CHECK: ^[[FAIL2]]:
// CHECK: arith.constant 2 : i32
func.func @f(%m: memref<4xf32>, %a: i1, %b: i1) -> memref<4xf32> {
  cf.assert %a, "first"
  cf.assert %b, "second"
  return %m : memref<4xf32>
}

// -----

func.func @nested(%a: i1) {
  scf.if %a {
    // expected-error @+1 {{'cf.assert' op is nested in a region: it cannot return a status from the function}}
    cf.assert %a, "inner"
  }
  return
}
