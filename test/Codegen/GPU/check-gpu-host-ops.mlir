// RUN: rope-opt %s -split-input-file -verify-diagnostics --rope-check-gpu-host-ops --allow-unregistered-dialect | FileCheck %s

// Rope ops, tensor.empty/dim and the return pass.
// CHECK-LABEL: func.func @rope_only
func.func @rope_only(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----


// Linalg ops, slices and reshapes beside rope ops are accepted: they become
// kernels.
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

// -----

// An op of an unregistered dialect on tensors is named too.
func.func @unregistered(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'foo.bar' op cannot be lowered by rope-gpu-pipeline}}
  %r = "foo.bar"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
