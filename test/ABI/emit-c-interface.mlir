// RUN: rope-opt %s --rope-emit-c-interface | FileCheck %s

// Public functions with a body get a C entry point; private ones and
// declarations do not.
// CHECK-LABEL: func.func @kernel
// CHECK-SAME: attributes {llvm.emit_c_interface}
func.func @kernel(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// CHECK-LABEL: func.func private @helper
// CHECK-NOT: llvm.emit_c_interface
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// CHECK-LABEL: func.func private @external
// CHECK-NOT: llvm.emit_c_interface
func.func private @external(tensor<4xf32>) -> tensor<4xf32>
