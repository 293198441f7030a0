// A module inside the module the pipelines run on is refused, naming it
// (the GPU pipeline crashed in kernel outlining, the CPU one failed silently).
// RUN: rope-opt %s --rope-cpu-pipeline -verify-diagnostics
// RUN: rope-opt %s --rope-gpu-pipeline -verify-diagnostics

module {
  // expected-error @+1 {{'builtin.module' op is nested in another module}}
  module @inner {
    func.func @k(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
      %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%x : tensor<?x2x8xf32>)
          positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
      return %y : tensor<?x2x8xf32>
    }
  }
}
