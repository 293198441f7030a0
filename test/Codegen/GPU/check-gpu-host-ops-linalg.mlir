// RUN: rope-opt %s --rope-check-gpu-host-ops="linalg-kernels=1" -split-input-file -verify-diagnostics | FileCheck %s

// With linalg kernels (rope-gpu-pipeline tiled=1), linalg ops, slices and
// reshapes beside rope ops are accepted.
// CHECK-LABEL: func.func @matmul_then_reshape
func.func @matmul_then_reshape(%a: tensor<16x64xf32>, %w: tensor<64x256xf32>) -> tensor<16x2x128xf32> {
  %f = tensor.empty() : tensor<16x256xf32>
  %x = linalg.matmul ins(%a, %w : tensor<16x64xf32>, tensor<64x256xf32>)
      outs(%f : tensor<16x256xf32>) -> tensor<16x256xf32>
  %y = tensor.expand_shape %x [[0], [1, 2]] output_shape [16, 2, 128] : tensor<16x256xf32> into tensor<16x2x128xf32>
  return %y : tensor<16x2x128xf32>
}

// -----

// A host read of a device buffer is not: named.
func.func @host_read(%t: tensor<1xi64>) -> i64 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tensor.extract' op cannot be lowered by rope-gpu-pipeline: it runs the tensor ops of a function as kernels on device buffers}}
  %v = tensor.extract %t[%c0] : tensor<1xi64>
  return %v : i64
}
