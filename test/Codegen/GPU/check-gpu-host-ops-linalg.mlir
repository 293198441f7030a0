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

// A scalar read is too (the kernels using it read it; rope-gpu-device-reads
// rejects one the host needs).
// CHECK-LABEL: func.func @scalar_read
func.func @scalar_read(%t: tensor<1xi64>) -> i64 {
  %c0 = arith.constant 0 : index
  %v = tensor.extract %t[%c0] : tensor<1xi64>
  return %v : i64
}

// -----

// A tensor op no kernel is made of: named.
func.func @pad(%t: tensor<4xf32>) -> tensor<6xf32> {
  %z = arith.constant 0.0 : f32
  // expected-error @+1 {{'tensor.pad' op cannot be lowered by rope-gpu-pipeline: it runs the tensor ops of a function as kernels on device buffers}}
  %p = tensor.pad %t low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %z : f32
  } : tensor<4xf32> to tensor<6xf32>
  return %p : tensor<6xf32>
}
