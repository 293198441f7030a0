// RUN: rope-opt %s -split-input-file -verify-diagnostics --rope-check-gpu-host-ops --allow-unregistered-dialect

// Rope ops, tensor.empty/dim and the return pass.
func.func @rope_only(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

// Other tensor computations have no host code: named.
func.func @matmul(%a: tensor<16x64xf32>, %w: tensor<64x256xf32>, %f: tensor<16x256xf32>) -> tensor<16x256xf32> {
  // expected-error @+1 {{'linalg.matmul' op cannot be lowered by rope-gpu-pipeline}}
  %x = linalg.matmul ins(%a, %w : tensor<16x64xf32>, tensor<64x256xf32>) outs(%f : tensor<16x256xf32>) -> tensor<16x256xf32>
  return %x : tensor<16x256xf32>
}

// -----

// An op of an unregistered dialect on tensors is named too.
func.func @unregistered(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'foo.bar' op cannot be lowered by rope-gpu-pipeline}}
  %r = "foo.bar"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
