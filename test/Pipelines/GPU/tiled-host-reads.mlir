// RUN: rope-opt %s --rope-gpu-pipeline -split-input-file -verify-diagnostics

// A scalar read out of a tensor argument that the host itself
// needs (here: returned) is an error naming it, not a host load of device
// memory.
func.func @offset(%x: tensor<4x2x8xf32>, %pos: tensor<4xi64>, %offs: tensor<1xi64>) -> (tensor<4x2x8xf32>, index) {
  %c0 = arith.constant 0 : index
  // expected-error @+2 {{'memref.load' op reads device memory on the host}}
  // expected-note @+1 {{pass the value as a scalar argument}}
  %o64 = tensor.extract %offs[%c0] : tensor<1xi64>
  // expected-note @+1 {{used here on the host}}
  %o = arith.index_cast %o64 : i64 to index
  %e = tensor.empty() : tensor<4x2x8xf32>
  %r = rope.rotate half thd ins(%x : tensor<4x2x8xf32>) outs(%e : tensor<4x2x8xf32>)
      positions(%pos : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  return %r, %o : tensor<4x2x8xf32>, index
}
