// RUN: rope-opt --allow-unregistered-dialect --split-input-file --pass-pipeline="builtin.module(func.func(rope-hoist-loop-allocas))" %s | FileCheck %s

// The tile tables of a loop run in sequence: allocated once, before it
// (a buffer of run-time size stays).
// CHECK-LABEL: func.func @tiles
// CHECK-NEXT: %[[SIN:.*]] = memref.alloca() : memref<16x64xf32>
// CHECK-NEXT: %[[COS:.*]] = memref.alloca() : memref<16x64xf32>
// CHECK-NEXT: scf.forall
// CHECK-NEXT: %[[DYN:.*]] = memref.alloca(%{{.*}}) : memref<?xf32>
// CHECK-NEXT: "test.use"(%[[COS]], %[[SIN]], %[[DYN]])
func.func @tiles(%n: index) {
  scf.forall (%t) = (0) to (%n) step (16) {
    %cos = memref.alloca() : memref<16x64xf32>
    %sin = memref.alloca() : memref<16x64xf32>
    %dyn = memref.alloca(%t) : memref<?xf32>
    "test.use"(%cos, %sin, %dyn) : (memref<16x64xf32>, memref<16x64xf32>, memref<?xf32>) -> ()
  }
  return
}

// -----

// Outside loops nothing moves.
// CHECK-LABEL: func.func @straight
// CHECK-NEXT: arith.constant
// CHECK-NEXT: memref.alloca
func.func @straight() {
  %c = arith.constant 0 : index
  %a = memref.alloca() : memref<4xf32>
  "test.use"(%a, %c) : (memref<4xf32>, index) -> ()
  return
}
