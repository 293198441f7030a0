// Debian's stock mlir-opt loads rope-mlir as a dialect and pass plugin and
// runs both pipelines to the same output as rope-opt. (An instrumented
// plugin cannot load into the uninstrumented mlir-opt.)
// UNSUPPORTED: sanitized
// RUN: mlir-opt %s --load-dialect-plugin=%rope_plugin --load-pass-plugin=%rope_plugin --pass-pipeline="builtin.module(rope-cpu-pipeline{vector-width=8})" > %t.plugin.cpu
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-pipeline{vector-width=8})" > %t.opt.cpu
// RUN: diff %t.plugin.cpu %t.opt.cpu
// RUN: FileCheck %s --check-prefix=CPU < %t.plugin.cpu
// RUN: mlir-opt %s --load-dialect-plugin=%rope_plugin --load-pass-plugin=%rope_plugin --pass-pipeline="builtin.module(rope-gpu-pipeline)" | sed 's/LLVMIRToISATimeInMs = [0-9]*/T/' > %t.plugin.gpu
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-gpu-pipeline)" | sed 's/LLVMIRToISATimeInMs = [0-9]*/T/' > %t.opt.gpu
// RUN: diff %t.plugin.gpu %t.opt.gpu
// RUN: FileCheck %s --check-prefix=GPU < %t.plugin.gpu
// The ops round-trip through the plugin's dialect.
// RUN: mlir-opt %s --load-dialect-plugin=%rope_plugin | FileCheck %s --check-prefix=IR

// CPU: llvm.func @qk(
// CPU-NOT: rope.
// GPU: gpu.binary @qk_kernel
// IR: rope.rotate half thd
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
