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
    (the pipelines run it first); with `poison-invalid-positions` the tables
    are NaN where a position is outside what those checks allow (the GPU
    pipeline, whose host cannot read the positions).
  }];
  let options = [
    Option<"poisonInvalidPositions", "poison-invalid-positions", "bool",
           /*default=*/"false",
           "cos/sin of a position outside (-2^31, 2^31), or outside a "
           "gathered table, are NaN">,
    Option<"magicNumberRounding", "magic-number-rounding", "bool",
           /*default=*/"false",
           "Round the quadrant of the cos/sin range reduction by adding "
           "1.5 * 2^52 (targets without an f64 roundeven: NVPTX)">,
    Option<"positionMaxAsReduction", "position-max-as-reduction", "bool",
           /*default=*/"false",
           "The n = max(positions) + 1 of run-time frequencies as a "
           "linalg reduction (a kernel of its own on GPUs, whose host "
           "cannot read the positions) instead of a host loop">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::rope::RopeDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def RopeRaisePass : Pass<"rope-raise"> {
  let summary = "Raise RoPE written out in linalg/tensor ops to rope ops";
  let description = [{
    Frontends (torch-mlir's linalg-on-tensors backend, tosa-to-linalg,
    hand-written linalg) spell RoPE out as slices, a negation, a concat and
    elementwise multiplies and adds, with cos/sin gathered from a cache or
    computed from positions. This pass recognizes those programs and
    replaces them with `rope.apply` on the tables they read, or with
    `rope.gather` / `rope.inv_freq` + `rope.cos_sin` + `rope.apply` where
    the tables are gathered or computed. Elementwise ops may be
    `linalg.generic` or named linalg ops, tables broadcast by indexing maps
    (constant 0 on unit dimensions), unsqueezed or squeezed by
    `expand_shape`/`collapse_shape`, copied by broadcast/transpose ops;
    operands of adds and multiplies in either order.

    Rotations (layout thd, bshd or bhsd from the dimensions the tables vary
    with; the rotation by the negated angle becomes `inverse`):
    * HF `rotate_half`: `x * cos + cat(-x2, x1) * sin`, `x1`/`x2` the halves
      of the last dimension (split statically or at sizes computed from
      static dims), the negation as `negf` or a multiply by -1, the concat
      as `tensor.concat` or two `insert_slice`s; the expanded form
      `cat(x1 * c - x2 * s, x2 * c + x1 * s)`;
    * GPT-J `rotate_every_two`: `x * cos + stack(-x[..., 1::2],
      x[..., ::2], -1).flatten(-2) * sin` (strided slices; stack as
      unsqueezes and a concat, flatten as a `collapse_shape`); Meta's
      complex multiply in real arithmetic over a `[..., D/2, 2]` view
      (`stack(xr * c - xi * s, xi * c + xr * s)`), and in the `complex`
      dialect (`complex.create` of the view's elements, `complex.mul` by
      `complex.create(cos, sin)`, `complex.re`/`im` stacked): interleaved
      pairing;
    * partial rotary `cat(rope(x[..., :R]), x[..., R:])`: `rotary_dim = R`;
    * DeepSeek's de-interleave followed by `rotate_half` and MLA's rope on a
      slice of each head: the rotation of the de-interleaved slice;
    * HF autocast (`extf` of 16-bit storage, f32 math, `truncf`): the f32
      rotation is raised, the conversions stay.

    Tables: per token (`[tokens, W]` as the op reads them; `W` the rotated
    width, one entry per element, so no equality of halves is assumed; or
    half of it where each entry serves a pair: the expanded forms, or
    `repeat_interleave`d tables); a window of a wider table (GPT-J's sincos
    cache split). Sources:
    * gathered: a generic that reads `cache[row(position), j]` with
      `tensor.extract` (torch-mlir's `index.Tensor`, embedding) becomes
      `rope.gather` on the caches; the row arithmetic (the negative-index
      wrap `p < 0 ? p + P : p`) is kept, on the positions;
    * computed: `cos`/`sin` (times one attention factor) of the outer
      product of float positions (`sitofp`) and an inverse-frequency
      constant (a multiply with broadcast maps, or `matmul` /
      `batch_matmul` over a unit reduction into zeros, and a transpose),
      through `cat(f, f)` or `repeat_interleave`, become `rope.cos_sin` of
      the integer positions with `#rope.default<base>` where every constant
      is within 2 float ulps of `base^(-2i/R)` (HF computes `inv_freq` in
      float32), else `#rope.inv_freqs` of the constant's values: no table
      in memory, and angles formed in f64 (docs/accuracy.md: the one
      documented difference from the f32 source);
    * anything else: the tables the program computes, as they are.
    Rotations by the same tables (q and k) become one op, whose tile then
    computes or reads its tables once for both. Rounding: the raised op
    forms each result in f32 and rounds it once to the element type; a
    source written in 16-bit arithmetic (no autocast) rounds after each
    multiply and add, so its results can differ by those roundings.

    Only what is proven is raised: the same source for `x` and both halves
    or pair elements, halves split exactly at `D/2` (strides 2 at offsets 0
    and 1), exactly one negated part, tables varying with tokens and the
    element only (not heads) and at least as long as the tokens, cos and
    sin of the same positions, rows, frequencies and attention factor, and
    entering through the right multiplies (a sine as cos is a near miss).
    Intermediates with other users stay valid (the original ops are left
    for them). With `remarks`, every candidate gets a remark: why it was
    not raised ("halves split at 5 and 3 of 8, expected 4 and 4", "cos and
    sin are gathered at different positions"), or what it became.

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
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // ROPE_CONVERSION_PASSES_TD
