// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90" -split-input-file | FileCheck %s

// Half pairing with rotary_dim 2: each half is one element, so the thread's
// vectors have a trailing dimension of 1 and a transfer's contiguous piece
// is a single element (upstream's vector::isContiguousSlice reads past an
// empty shape for it; the sanitized suite caught it). Found by
// rope-fuzz-lower.
// CHECK: llvm.func @one_pair
// CHECK: gpu.launch_func
// CHECK: gpu.binary @one_pair_kernel
func.func @one_pair(%x0: tensor<2x4x2x2xf32>, %pos: tensor<2x2xi64>) -> (tensor<2x4x2x2xf32>) {
  %y:1 = rope.rotate half bhsd inverse ins(%x0 : tensor<2x4x2x2xf32>) outs(%x0 : tensor<2x4x2x2xf32>) positions(%pos : tensor<2x2xi64>) freqs(#rope.default<base = 10000.0>) rotary_dim = 2
  return %y#0 : tensor<2x4x2x2xf32>
}

// -----

// Halves of 7 with an f16 cache: the unrolled table reads include
// one-element pieces, which lose their unit dimensions before the
// flattening patterns check their contiguity (they read past an empty
// shape for them). Found by rope-fuzz-lower.
// CHECK: llvm.func @odd_halves
// CHECK: gpu.binary @odd_halves_kernel
func.func @odd_halves(%x0: tensor<?x1x4x24xf32>, %cos: tensor<?x1x7xf16>, %sin: tensor<?x1x7xf16>) -> (tensor<?x1x4x24xf32>) {
  %y:1 = rope.rotate half bshd ins(%x0 : tensor<?x1x4x24xf32>) outs(%x0 : tensor<?x1x4x24xf32>) cache(%cos, %sin : tensor<?x1x7xf16>, tensor<?x1x7xf16>) rotary_dim = 14
  return %y#0 : tensor<?x1x4x24xf32>
}
