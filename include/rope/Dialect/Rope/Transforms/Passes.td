//===- Passes.td - Rope dialect transformation passes ------*- tablegen -*-===//

#ifndef ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_TD
#define ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RopeFoldFrequenciesPass : Pass<"rope-fold-frequencies"> {
  let summary = "Fold compile-time frequency specs into #rope.inv_freqs";
  let description = [{
    Replaces the `freqs` attribute of every `rope.rotate` whose frequencies
    are known at compile time (all scaling types but dynamic NTK and
    LongRoPE with run-time factor selection) by the explicit
    `#rope.inv_freqs` it denotes, computed in double precision, with the
    attention factor kept as a separate number. This is the same rewrite that
    `-canonicalize` applies, as a pass of its own for pipelines.

    ```mlir
    freqs(#rope.linear<base = 10000.0, factor = 2.0>)   // R = 4
    // becomes
    freqs(#rope.inv_freqs<values = [0.5, 0.005]>)
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect"];
}

#endif // ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_TD
