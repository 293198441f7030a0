// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90" | FileCheck %s

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
