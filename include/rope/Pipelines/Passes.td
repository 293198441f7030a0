//===- Passes.td - pipeline pre- and post-condition checks -*- tablegen -*-===//

#ifndef ROPE_PIPELINES_PASSES_TD
#define ROPE_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

def RopeCheckDialectsPass : Pass<"rope-check-dialects", "ModuleOp"> {
  let summary = "Reject ops outside a list of dialects, naming the op";
  let description = [{
    A pipeline's pre- or post-condition as a check. At the start of a
    pipeline (`input=true`) an op of a dialect the pipeline cannot lower is
    an error that names it and says what to convert it to first; at the end
    (`input=false`) an op that no stage lowered is an error naming it, instead
    of output that fails later in `mlir-translate`.

    ```mlir
    // rope-check-dialects{dialects=builtin,llvm,omp pipeline=rope-cpu-pipeline}
    linalg.softmax dimension(1) ins(%a : memref<16x256xf32>) outs(%b : memref<16x256xf32>)
    // error: 'linalg.softmax' op was left unlowered by rope-cpu-pipeline,
    // whose output has ops of the builtin, llvm, omp dialects only
    ```
  }];
  let options = [
    ListOption<"dialects", "dialects", "std::string",
               "Dialects whose ops pass">,
    Option<"pipeline", "pipeline", "std::string", /*default=*/"\"\"",
           "Pipeline named in the messages">,
    Option<"input", "input", "bool", /*default=*/"false",
           "Check a pipeline's input (else its output)">
  ];
}

def RopeCheckStagePass : Pass<"rope-check-stage", "ModuleOp"> {
  let summary = "Check a pipeline stage's post-condition, naming the op that breaks it";
  let description = [{
    Each stage of the rope pipelines ends in this check of what it promises
    the next stage (`include/rope/Pipelines/Pipelines.h` states each
    post-condition). An op that breaks one is an error naming the op, the
    stage and the condition: a stage that let it through has a bug, caught
    where it happened instead of as wrong code later.

    `conditions`, each a property of the whole module:
    - `no-rope-ops`: no op of the rope dialect is left (lowered to linalg or
      to kernels).
    - `vectorized`: no linalg op with a `rope.lowering` role is left (each
      is a loop nest of vector ops).
    - `no-tensors`: no value of tensor type is left (bufferized).
    - `no-foralls`: no `scf.forall` is left (threads or sequential loops).

    ```mlir
    // rope-check-stage{stage=bufferization conditions=no-tensors}
    %e = tensor.empty() : tensor<4xf32>
    // error: 'tensor.empty' op has a tensor result after the bufferization
    // stage, whose output has no tensors
    ```
  }];
  let options = [
    Option<"stage", "stage", "std::string", /*default=*/"\"\"",
           "Stage named in the messages">,
    ListOption<"conditions", "conditions", "std::string",
               "What holds after the stage: no-rope-ops, vectorized, "
               "no-tensors, no-foralls">
  ];
}

def RopeCheckDimIndicesPass : Pass<"rope-check-dim-indices"> {
  let summary = "Reject tensor.dim / memref.dim with a constant index out of range";
  let description = [{
    A `tensor.dim` or `memref.dim` whose constant index is negative or not
    below the operand's rank is undefined behaviour that the verifier
    accepts; upstream folders index the shape with it (the GPU lowering's
    `memref.dim` of a `gpu.alloc` crashes). Both rope pipelines run this
    check first, so such IR is an error naming the op instead.

    ```mlir
    %c = arith.constant -1 : index
    // error: 'tensor.dim' op index -1 is out of range for a rank-3 operand
    %d = tensor.dim %x, %c : tensor<?x2x8xf32>
    ```
  }];
}

#endif // ROPE_PIPELINES_PASSES_TD
