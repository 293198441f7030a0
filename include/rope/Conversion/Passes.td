//===- Passes.td - Rope conversion passes ------------------*- tablegen -*-===//

#ifndef ROPE_CONVERSION_PASSES_TD
#define ROPE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertRopeToLinalgPass : Pass<"convert-rope-to-linalg"> {
  let summary = "Lower rope.rotate to linalg, tensor, arith and math";
  let description = [{
    Lowers every `rope.rotate` in destination-passing style: each rotated
    tensor becomes one `linalg.generic` over an `expand_shape` view of its
    rotated part (`[..., 2, R/2]` for half pairing, `[..., R/2, 2]` for
    interleaved) that writes the `outs` tensor, plus a `linalg.copy` of the
    pass-through part when `rotary_dim < head_dim`. After one-shot
    bufferization the only buffers written are the results: no copies, no
    intermediate allocations, no cos/sin table unless the IR passed a cache.

    cos/sin are computed inside the kernel in f32 from the angle `p * f`
    kept as a double-float (frequencies split into two f32 constants at
    compile time), reduced by Cody-Waite and evaluated by polynomials: no
    libm call per element, error below 2e-7 for positions up to 2^20.

    Positions gathered from a cos/sin cache are checked once per call: a
    position outside `[0, P)` stops the program through `cf.assert` with the
    message "rope.rotate: position outside the cos/sin cache".
  }];
  let options = [
    Option<"tokenTile", "token-tile", "int64_t", /*default=*/"0",
           "Tile tokens by this many in an scf.forall whose tiles compute "
           "their cos/sin once into a small table shared by all inputs and "
           "heads (0: one generic per input, cos/sin computed in its body)">,
    Option<"minTiles", "min-tiles", "int64_t", /*default=*/"1",
           "With token-tile: split short sequences into tiles of fewer "
           "tokens so that there are at least this many tiles (for as many "
           "threads)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ConvertRopeToGPUPass : Pass<"convert-rope-to-gpu"> {
  let summary = "Lower rope.rotate to one gpu.launch per op";
  let description = [{
    Lowers every `rope.rotate` with compile-time frequencies (or a cos/sin
    cache) to a `gpu.launch` whose grid is (tokens, work groups): each block
    owns one token, computes that token's cos/sin once into workgroup
    (shared) memory, synchronizes, and then rotates a slice of the token's
    heads of every input (queries and keys together), one 16-byte vector per
    thread. Spreading a token's heads over `ceil(work / block-size)` blocks
    keeps the GPU busy with few tokens (decode). Inputs are read through
    `bufferization.to_buffer`; results are `gpu.alloc` device buffers
    returned as tensors: every buffer the function reads or returns lives in
    device memory (the caller copies data in and out).

    A position outside a gathered cache's `[0, P)` reads a clamped row and
    turns that token's cos/sin into NaN, so the outputs of that token are NaN
    (never an out-of-bounds read). Run-time frequencies (dynamic NTK,
    LongRoPE with run-time selection) are not supported yet and are reported
    as errors. Dynamic dimensions that must agree are checked on the host
    before the launch (cf.assert), as in the CPU lowering.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"128",
           "Threads per block">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // ROPE_CONVERSION_PASSES_TD
