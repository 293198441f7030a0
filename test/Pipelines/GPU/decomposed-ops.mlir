// The GPU pipeline takes the decomposed ops, as the CPU pipeline does: the
// tiled form lowers them (not a composed rotate) into the same one kernel.
// RUN: rope-opt %s --rope-gpu-pipeline="chip=sm_90" | FileCheck %s

// CHECK: gpu.binary @decomposed_kernel
// CHECK-SAME: cvt.rn.f32.f64
func.func @decomposed(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %f = rope.inv_freq freqs(#rope.default<base = 10000.0>) : tensor<32xf64>
  %c = tensor.empty(%t) : tensor<?x32xf32>
  %cos, %sin = rope.cos_sin positions(%p : tensor<?xi64>) inv_freq(%f : tensor<32xf64>)
      outs(%c, %c : tensor<?x32xf32>, tensor<?x32xf32>)
  %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      cos_sin(%cos, %sin : tensor<?x32xf32>, tensor<?x32xf32>)
  return %y : tensor<?x8x64xf32>
}
