// Rope ops among ordinary ops: what a pipeline cannot take, or leaves
// unlowered, is an error naming the op.
// RUN: rope-opt %s --rope-cpu-pipeline -split-input-file -verify-diagnostics
// RUN: not rope-opt %S/Inputs/mixed-gpu.mlir --rope-gpu-pipeline -split-input-file 2>&1 | FileCheck %s --check-prefix=GPU
// The GPU pipeline makes kernels of the linalg ops and views around the
// rope op; an op of another dialect is named.
// GPU-DAG: gpu.binary @matmul_rope_kernel
// GPU-DAG: gpu.launch_func
// GPU: error: 'tosa.add' op is not supported by rope-gpu-pipeline

// linalg.softmax bufferizes, but no stage lowers it (an aggregate op): the
// error comes at the end instead of from mlir-translate.
func.func @softmax(%x: tensor<16x8x64xf32>, %p: tensor<16xi64>) -> tensor<16x512xf32> {
  %e = tensor.empty() : tensor<16x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<16x8x64xf32>) outs(%e : tensor<16x8x64xf32>)
      positions(%p : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  %c = tensor.collapse_shape %y [[0], [1, 2]] : tensor<16x8x64xf32> into tensor<16x512xf32>
  %o = tensor.empty() : tensor<16x512xf32>
  // expected-error @+1 {{'linalg.softmax' op was left unlowered by rope-cpu-pipeline, whose output has ops of the builtin, llvm, omp dialects only}}
  %s = linalg.softmax dimension(1) ins(%c : tensor<16x512xf32>) outs(%o : tensor<16x512xf32>) -> tensor<16x512xf32>
  return %s : tensor<16x512xf32>
}

// -----

func.func @tosa(%x: tensor<16x8x64xf32>, %p: tensor<16xi64>) -> tensor<16x8x64xf32> {
  %e = tensor.empty() : tensor<16x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<16x8x64xf32>) outs(%e : tensor<16x8x64xf32>)
      positions(%p : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  // expected-error @+1 {{'tosa.add' op is not supported by rope-cpu-pipeline, which takes ops of the builtin, func, rope, arith, math, tensor, linalg, scf, cf, index, bufferization, memref, vector, affine, ub, complex, llvm, mpi dialects; convert it to those first (TOSA: --tosa-to-linalg-pipeline)}}
  %z = tosa.add %y, %x : (tensor<16x8x64xf32>, tensor<16x8x64xf32>) -> tensor<16x8x64xf32>
  return %z : tensor<16x8x64xf32>
}
