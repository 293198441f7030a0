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
  let summary = "Reject tensor ops the GPU pipeline makes no kernel or view of";
  let description = [{
    The GPU pipeline runs the tensor ops of a function as kernels on device
    buffers: rope ops and linalg ops become kernels (fused or of their own),
    tensor slices and reshapes views, `tensor.empty`/`tensor.dim`, tensor
    constants and bufferization ops are fine, and a scalar read out of a
    tensor (`tensor.extract` of a cache offset or a scale) is read by the
    kernels that use it (`rope-gpu-device-reads` rejects one the host
    needs). Any other op with a tensor operand or result (`tensor.pad`,
    `tensor.concat`, an `scf.forall` on tensors, an op of another dialect)
    is an error naming it: its host code would read and write device
    memory. Run such functions through the CPU pipeline, or split them.

    ```mlir
    %p = tensor.pad %t low[1] high[1] { ... } : tensor<4xf32> to tensor<6xf32>
    // error: 'tensor.pad' op cannot be lowered by rope-gpu-pipeline: ...
    ```
  }];
}
def RopeGPUTileToThreadsPass : Pass<"rope-gpu-tile-to-threads", "ModuleOp"> {
  let summary = "Tile the linalg ops of each token tile over a block's threads";
  let description = [{
    The block level of the GPU lowering, on the tiled form the CPU pipeline
    also produces (`rope-tile-and-fuse` and the fusion passes): every
    top-level `scf.forall` (token tiles) will be a thread block, and every
    linalg op on tensors in it is tiled with upstream `tileUsingSCF` into an
    `scf.forall` mapped to `#gpu.thread<linear_dim_*>`: the contiguous
    dimension in `access-bytes` vectors per thread, the outer parallel
    dimensions over the threads left (innermost first, a thread taking
    several rows when there are more than `block-size`), reductions and the
    small dimensions an input broadcasts over (the two halves of a pair) in
    one thread. Each thread's tile is vectorized with `linalg::vectorize`
    (an op it cannot take stays scalar loops).

    A linalg op outside every token loop (a neighbour left unfused) first
    gets a loop over its outermost parallel dimension: a kernel of its own.
    What ops of one block pass each other (`tensor.empty` and
    `bufferization.alloc_tensor` inside a block: the token's cos/sin, a
    norm's row sums) gets `#gpu.address_space<workgroup>`.

    Post-condition: every linalg op is inside a thread loop, static-shaped.
    A dynamic dimension inside a block is an error naming the op.

    ```mlir
    scf.forall (%t) in (%tokens) shared_outs(...) {
      %cs = bufferization.alloc_tensor() {memory_space = #gpu.address_space<workgroup>} : tensor<1x64xf32>
      %c = scf.forall (%i) in (64) shared_outs(%o = %cs) -> tensor<1x64xf32> {
        ... cos/sin of one frequency ...
      } {mapping = [#gpu.thread<linear_dim_0>]}
      %y = scf.forall (%h, %j) in (16, 8) shared_outs(...) {
        ... vector<8xbf16> of two heads ...
      } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"128",
           "Threads per block">,
    Option<"accessBytes", "access-bytes", "int64_t", /*default=*/"16",
           "Bytes per thread along the contiguous dimension (one vector)">,
  ];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::rope::RopeDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def RopeGPUMapForallsPass : Pass<"rope-gpu-map-foralls", "ModuleOp"> {
  let summary = "Bufferized block and thread loops to gpu.launch";
  let description = [{
    Every top-level `scf.forall` (after bufferization) becomes a
    `gpu.launch` with one block per iteration, the innermost loop dimension
    on grid x; run-time trip counts are fine (upstream's
    `mapForallToBlocks` takes only static ones). Its workgroup buffers
    become workgroup attributions, and its thread loops go to `block-size`
    threads with upstream `mapNestedForallToThreadsImpl`, a `gpu.barrier`
    after each.

    Post-condition: no `scf.forall`; the work is in `gpu.launch` ops.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"128",
           "Threads per block">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect"];
}

def RopeGPUVectorAccessesPass : Pass<"rope-gpu-vector-accesses", "ModuleOp"> {
  let summary = "Kernel vector code as 1-D, aligned loads and stores";
  let description = [{
    In `gpu.launch` bodies: a thread's n-D vectors (several rows, the two
    halves of a pair) become 1-D vectors (contiguous transfers flattened,
    the rest unrolled by upstream's unroll and lowering patterns), vector
    transfers become `vector.load`/`vector.store` on the buffers (subviews
    folded in), each with the alignment its indices prove for 16-byte
    aligned buffers: the largest power of two up to 16 bytes dividing the
    byte offset. That alignment is what makes NVPTX emit 16-byte
    `ld.global.v4`/`st.global.v4`. Constants and globals the kernels read
    are kept in (sunk back into) the launches, so that outlining neither
    passes them as arguments nor loses the globals.

    Post-condition: kernels have only 1-D vectors; their transfers are
    loads and stores.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def RopeGPUDeviceBuffersPass : Pass<"rope-gpu-device-buffers", "ModuleOp"> {
  let summary = "Host buffers of a GPU function as device memory";
  let description = [{
    In bufferized host code whose work is in `gpu.launch` ops, every buffer
    is read or written by kernels: `memref.alloc`, `memref.dealloc` and
    `memref.copy` outside the launches become `gpu.alloc`, `gpu.dealloc`
    and `gpu.memcpy`.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def RopeGPUDeviceReadsPass : Pass<"rope-gpu-device-reads", "ModuleOp"> {
  let summary = "Host reads of device data moved into the kernels using them";
  let description = [{
    A scalar read out of a tensor argument (a KV-cache offset, an fp8
    scale: `tensor.extract` in the input) is a load of device memory in the
    GPU pipeline's bufferized host code. Where only `gpu.launch` bodies use
    it, the load and the scalar arithmetic on it (index casts, offsets) are
    cloned into each launch and the host's copies erased (upstream's
    `sinkOperationsIntoLaunchOp` stops at the load: its buffer is not yet an
    operand of the launch). A read the host itself needs (a shape, a loop
    bound, a value it returns) is an error naming the read and its host
    use: the host cannot read device memory without a copy and a
    synchronization.

    Post-condition: the host code reads no buffer.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def RopeGPUNativeIntrinsicsPass : Pass<"rope-gpu-native-intrinsics"> {
  let summary = "LLVM sqrt/fabs/floor/ceil/copysign/round(even) kept from libdevice";
  let description = [{
    `convert-gpu-to-nvvm` marks these LLVM intrinsic ops illegal to call
    libdevice's `__nv_*` for them (and fails on vectors of them, which it
    cannot call). NVPTX lowers each to one exactly rounded instruction
    (`sqrt.rn.f32`, `abs`, `cvt.rni`, ...), vectors element by element.
    This pass rewrites them into `llvm.call_intrinsic` of the same
    intrinsic, which reaches NVPTX unchanged, so a fused RMSNorm's `rsqrt`
    (as `1 / sqrt` from `convert-math-to-llvm`) compiles without libdevice.
    Run it on `gpu.module`s after `convert-math-to-llvm`.

    Example:

    ```mlir
    %r = llvm.intr.sqrt(%x) : (vector<4xf32>) -> vector<4xf32>
    // becomes
    %r = llvm.call_intrinsic "llvm.sqrt"(%x) : (vector<4xf32>) -> vector<4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def RopeCheckGPUMathPass : Pass<"rope-check-gpu-math"> {
  let summary = "Reject math ops in kernels that NVPTX cannot lower";
  let description = [{
    The GPU pipeline lowers `math` ops in kernels to LLVM intrinsics and
    links no libdevice; NVPTX has instructions for square roots, fused
    multiply-adds, absolute values and roundings, but not for
    transcendental functions (`exp`, `log`, `tanh`, `atan`, `erf`,
    `powf` by other than 2, ...). A neighbour written with one of them
    failed in LLVM's instruction selection ("Cannot select ... ftanh",
    aborting the process) or legalization. This pass, run on the kernels
    just before the math lowering (after the pipeline's own expansions:
    f64 exp/log of run-time frequencies, `fpowi`, `powf` by 2), reports
    each such op at its source location, names it and says what to do:
    write it with arithmetic, or lower the function with
    `rope-cpu-pipeline`.

    ```mlir
    %p = math.exp %x : f32   // in a kernel
    // error: 'math.exp' op has no NVPTX lowering in rope-gpu-pipeline ...
    ```
  }];
}

def RopeGPUF64ExpLogPass : Pass<"rope-gpu-f64-exp-log"> {
  let summary = "f64 math.exp and math.log as arithmetic NVPTX has";
  let description = [{
    Run-time frequencies (dynamic NTK) take an f64 log of the sequence
    length and f64 exps, computed in the kernels from the length a
    reduction kernel found. NVPTX has no f64 exp or log instruction and the
    GPU pipeline links no libdevice, so this pass builds them from FMAs, a
    round to nearest and integer bit operations (`rope/Utils/ExpLog.h`:
    Cody-Waite reduction and a degree-13 polynomial for exp, the exponent
    from the bits and the atanh series for log; a few ulp from libm, IEEE
    special values as libm). Scalars and vectors of f64; f32 and other types
    are left alone. Run it on `gpu.module`s before `convert-math-to-llvm`.

    ```mlir
    %y = math.exp %x : f64
    // becomes: %k = math.roundeven (%x * log2(e)), %r = %x - %k * ln 2,
    // the polynomial in %r, times 2^%k through the exponent bits
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // ROPE_CODEGEN_GPU_PASSES_TD
