//===- Passes.td - Rope conversion passes ------------------*- tablegen -*-===//

#ifndef ROPE_CONVERSION_PASSES_TD
#define ROPE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertRopeToLinalgPass : Pass<"convert-rope-to-linalg"> {
  let summary = "Lower the rope ops to linalg, tensor, arith and math";
  let description = [{
    Lowers every rope op, one `linalg.generic` each, in destination-passing
    style (rope.rotate through its decomposition, see
    `rope-decompose-rotate`):
    * `rope.apply`: per input, a generic over an `expand_shape` view of its
      rotated part (`[..., 2, R/2]` for half pairing, `[..., R/2, 2]` for
      interleaved) writing the `outs` tensor, plus a `linalg.copy` of the
      pass-through part when `rotary_dim < head_dim`;
    * `rope.cos_sin`: the table, cos/sin of the angle `p * f` formed in f64
      (SinCos.h, error bound in docs/accuracy.md);
    * `rope.gather`: rows read by position (clamped into the table);
    * `rope.positions`: `offset + s`; `rope.inv_freq`: a constant or the
      run-time frequencies of `n = max(positions) + 1`.
    Applied to tiles of `rope-tile-and-fuse`, each tile computes its cos/sin
    once for all its heads. Run-time checks are `rope-insert-runtime-checks`'
    (the pipelines run it first).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
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

def RopeRaisePass : Pass<"rope-raise"> {
  let summary = "Raise RoPE written out in linalg/tensor ops to rope.apply";
  let description = [{
    Frontends (torch-mlir's linalg-on-tensors backend, tosa-to-linalg,
    hand-written linalg) spell RoPE out as slices, a negation, a concat and
    elementwise multiplies and adds. This pass recognizes HF's
    `rotate_half` form

        y = x * cos + cat(-x[..., D/2:], x[..., :D/2]) * sin

    (operands of the add and of each multiply in either order; the negation
    as `negf` or a multiply by -1; the concat as `tensor.concat` or two
    `tensor.insert_slice`s; elementwise ops as `linalg.generic` or named
    linalg ops; `cos`/`sin` broadcast over the heads, and over the batch, by
    their indexing maps) and replaces it with one `rope.apply half` on
    full-width tables (HF's `[tokens, D]`, one entry per element: no
    equality of the halves is assumed, so the raised op computes what the
    original computes for any tables). The negated second half,
    `cat(x2, -x1)`, is the rotation by the negated angle and becomes
    `inverse`. The layout (thd, bshd, bhsd) follows from the dimensions the
    tables vary with. Also raised:
    * the expanded form `cat(x1 * c - x2 * s, x2 * c + x1 * s)` (inverse:
      `cat(x1 * c + x2 * s, x2 * c - x1 * s)`), on half-width tables when
      both halves use the same `c`, `s`, else on their concatenation;
    * partial rotary (GPT-NeoX) `cat(rope(x[..., :R]), x[..., R:])`: one op
      with `rotary_dim = R`;
    * HF autocast, `extf` of 16-bit storage before and `truncf` after: the
      f32 rotation is raised, the conversions stay.
    Raised rotations by the same tables (q and k) become one op, whose
    tile then computes or reads its tables once for both. Rounding: the
    raised op forms each result in f32 and rounds it once to the element
    type; a source written in 16-bit arithmetic (no autocast) rounds after
    each multiply and add, so its results can differ by those roundings.

    Only what is proven is raised: the same source for `x` and both halves,
    halves split exactly at `D/2` over the whole tensor, one negated half,
    tables varying with tokens and the element only (not heads) and cos and
    sin entering through the two different multiplies. Intermediates with
    other users stay valid (the original ops are left for them). With
    `remarks`, every candidate (an add of two multiplies, one of them by a
    concat) gets a remark: why it was not raised, or that it was.

    ```mlir
    %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 8, 32] [1, 1, 1]
    %x2 = tensor.extract_slice %x[0, 0, 32] [%t, 8, 32] [1, 1, 1]
    %n = linalg.negf ins(%x2 ...) ...
    %r = tensor.concat dim(2) %n, %x1
    %a = linalg.generic {x * cos}, %b = linalg.generic {r * sin}
    %y = linalg.add ins(%a, %b ...)
    // becomes
    %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>) outs(...)
        cos_sin(%cos_t, %sin_t : tensor<?x64xf32>, tensor<?x64xf32>)
    ```
  }];
  let options = [
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "Emit a remark on every candidate: raised, or the condition that "
           "failed">,
  ];
  let dependentDialects = ["::mlir::rope::RopeDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // ROPE_CONVERSION_PASSES_TD
