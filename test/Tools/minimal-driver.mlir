// A driver registering only its own dialects and
// registerRopePipelineDependencies (tools/rope-min-opt) runs both pipelines
// to the same output as rope-opt.
// RUN: rope-min-opt %s --rope-cpu-pipeline="vector-width=8" > %t.min.cpu
// RUN: rope-opt %s --rope-cpu-pipeline="vector-width=8" > %t.all.cpu
// RUN: diff %t.min.cpu %t.all.cpu
// RUN: FileCheck %s --check-prefix=CPU < %t.min.cpu
// The gpu.binary records how long PTX generation took; the rest must match.
// RUN: rope-min-opt %s --rope-gpu-pipeline | sed 's/LLVMIRToISATimeInMs = [0-9]*/T/' > %t.min.gpu
// RUN: rope-opt %s --rope-gpu-pipeline | sed 's/LLVMIRToISATimeInMs = [0-9]*/T/' > %t.all.gpu
// RUN: diff %t.min.gpu %t.all.gpu
// RUN: FileCheck %s --check-prefix=GPU < %t.min.gpu

// CPU: llvm.func @qk(
// CPU-NOT: linalg.
// CPU-NOT: rope.
// GPU: gpu.binary @qk_kernel
// GPU-NOT: rope.

func.func @qk(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>, %pos: tensor<?xi64>)
    -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x32x128xbf16>
  %qe = tensor.empty(%t) : tensor<?x32x128xbf16>
  %ke = tensor.empty(%t) : tensor<?x8x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%qe, %ke : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      positions(%pos : tensor<?xi64>)
      freqs(#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0,
            high_freq_factor = 4.0, original_max_position = 8192>)
  return %q1, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}
