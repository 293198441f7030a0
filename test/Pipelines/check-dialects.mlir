// RUN: rope-opt %s -split-input-file -verify-diagnostics --rope-check-dialects="dialects=builtin,func,arith pipeline=my-pipeline"
// RUN: not rope-opt %s -split-input-file --rope-check-dialects="dialects=builtin,func,arith pipeline=my-pipeline input=true" 2>&1 | FileCheck %s --check-prefix=INPUT

// Ops of the listed dialects pass.
func.func @allowed(%a: i32) -> i32 {
  %b = arith.addi %a, %a : i32
  return %b : i32
}

// -----

// Another dialect's op is named (output check).
func.func @left(%a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'memref.load' op was left unlowered by my-pipeline, whose output has ops of the builtin, func, arith dialects only}}
  %v = memref.load %a[%c0] : memref<4xf32>
  return
}
// At a pipeline's input the message says what to convert first.
// INPUT: check-dialects.mlir:16:8: error: 'memref.load' op is not supported by my-pipeline, which takes ops of the builtin, func, arith dialects; convert it to those first
