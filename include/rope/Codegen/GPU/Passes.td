//===- Passes.td - GPU code generation passes -*- tablegen -*-===//

#ifndef ROPE_CODEGEN_GPU_PASSES_TD
#define ROPE_CODEGEN_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def RopeAlignWorkgroupMemoryPass : Pass<"rope-align-workgroup-memory"> {
  let summary = "Align the workgroup attributions of gpu.func kernels";
  let description = [{
    Sets `llvm.align` on every workgroup (shared memory) attribution of every
    `gpu.func` to at least `alignment` bytes. The rope kernels read their
    per-token cos/sin tables from shared memory with 16-byte vector loads;
    attributions of outlined `gpu.launch` ops otherwise get the element
    alignment (4), which would make those loads misaligned.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Minimum alignment in bytes">,
  ];
}

def RopeCheckGPUHostOpsPass : Pass<"rope-check-gpu-host-ops", "ModuleOp"> {
  let summary = "Reject tensor ops the GPU pipeline has no host code for";
  let description = [{
    The GPU pipeline turns each rope op into a kernel on device buffers and
    generates no code for other computations on tensors: their host code
    would read and write device memory. So in the functions it lowers, every
    op with a tensor operand or result must be a rope op, a bufferization op
    (caller buffers), `tensor.empty`, `tensor.dim` or the `func.return` of
    the results; anything else (a
    `linalg.matmul` beside `rope.rotate`) is an error naming the op. Run such
    functions through the CPU pipeline, or split them.

    ```mlir
    %x = linalg.matmul ins(%a, %w : tensor<16x64xf32>, tensor<64x256xf32>)
        outs(%f : tensor<16x256xf32>) -> tensor<16x256xf32>
    // error: 'linalg.matmul' op cannot be lowered by rope-gpu-pipeline: ...
    ```
  }];
}

#endif // ROPE_CODEGEN_GPU_PASSES_TD
