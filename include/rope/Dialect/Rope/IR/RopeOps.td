//===- RopeOps.td - Rope operations ------------------------*- tablegen -*-===//

#ifndef ROPE_DIALECT_ROPE_IR_ROPEOPS_TD
#define ROPE_DIALECT_ROPE_IR_ROPEOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "rope/Dialect/Rope/IR/RopeBase.td"
include "rope/Dialect/Rope/IR/RopeAttrs.td"

def Rope_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Rope_PositionTensor : RankedTensorOf<[I32, I64]>;

//===----------------------------------------------------------------------===//
// RotateOp
//===----------------------------------------------------------------------===//

def Rope_RotateOp : Rope_Op<"rotate", [
    AttrSizedOperandSegments, Pure,
    DeclareOpInterfaceMethods<InferTypeOpInterface>,
    DeclareOpInterfaceMethods<DestinationStyleOpInterface>]> {
  let summary = "rotary position embedding of one or more tensors";
  let description = [{
    Rotates the first `R = rotary_dim` elements of every head vector of each
    tensor in `ins` (queries, keys, ...) by position-dependent angles and
    writes the results into the matching `outs` tensor (destination-passing
    style). Elements `R .. D-1` pass through. All inputs share the layout,
    the positions, the frequencies and `head_dim = D` (static); their head
    counts may differ (grouped-query attention), so a lowering computes each
    token's cos/sin once for all of them.

    For a token at position `p`, frequency `f_i` and attention factor `A`:
    `c_i = A cos(p f_i)`, `s_i = A sin(p f_i)` (`s_i` negated with
    `inverse`), and with `half` pairing (element `i` with `i + R/2`)

        y[i]       = x[i] * c_i - x[i + R/2] * s_i
        y[i + R/2] = x[i + R/2] * c_i + x[i] * s_i

    or with `interleaved` pairing the same for elements `2i` and `2i + 1`.

    Layouts: `thd` is `[tokens, heads, D]`; `bshd` is `[batch, seq, heads, D]`;
    `bhsd` is `[batch, heads, seq, D]`. The *token shape* is `[tokens]` or
    `[batch, seq]`.

    Positions, one of:
    * `positions(%p)`: i32/i64 with the token shape (any order, repeats
      allowed), or `[3] + token shape` with `mrope_section` (Qwen2-VL: the
      frequencies split in three consecutive sections, section `k` using
      position component `k`);
    * `offset(%o)`: the position of sequence index `s` is `%o + s`;
    * neither, only with a per-token cos/sin cache.

    Frequencies, one of:
    * `freqs(#attr)`: a `FrequencyAttrInterface` attribute;
    * `cache(%cos, %sin)`: tables of shape `[P, R/2]` gathered by position
      (ONNX with position ids, vLLM), or of shape `token shape + [R/2]`
      without positions (ONNX without position ids). Positions outside
      `[0, P)` are an error at run time (see docs/).

    Limits: `head_dim` at most 65536 (verified). With `freqs`, every
    position `p` must satisfy `|p| < 2^31` (for `offset`, every `offset + s`);
    cos/sin then meet the f32 error bound of docs/accuracy.md for inverse
    frequencies up to 2^16 (larger ones are rejected). Positions outside that
    range stop the program at run time on the CPU and give NaN on the GPU,
    as cache positions outside `[0, P)` do.

    Example (Llama-3.1-8B queries and keys, 32 and 8 heads):

    ```mlir
    %q1, %k1 = rope.rotate half thd
        ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
        outs(%qi, %ki : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
        positions(%pos : tensor<?xi64>)
        freqs(#rope.llama3<base = 500000.0, factor = 8.0,
              low_freq_factor = 1.0, high_freq_factor = 4.0,
              original_max_position = 8192>)
    ```

    ONNX RotaryEmbedding with a cache, interleaved, partial rotary:

    ```mlir
    %y = rope.rotate interleaved bhsd
        ins(%x : tensor<2x4x3x8xf32>) outs(%init : tensor<2x4x3x8xf32>)
        positions(%ids : tensor<2x3xi64>)
        cache(%cos, %sin : tensor<50x2xf32>, tensor<50x2xf32>)
        rotary_dim = 4
    ```
  }];

  let arguments = (ins
    Variadic<Rope_FloatTensor>:$inputs,
    Variadic<Rope_FloatTensor>:$inits,
    Optional<Rope_PositionTensor>:$positions,
    Optional<Index>:$offset,
    Optional<Rope_FloatTensor>:$cos_cache,
    Optional<Rope_FloatTensor>:$sin_cache,
    Rope_PairingAttr:$pairing,
    Rope_LayoutAttr:$layout,
    OptionalAttr<I64Attr>:$rotary_dim,
    OptionalAttr<Rope_FrequencyAttrInterface>:$freqs,
    OptionalAttr<DenseI64ArrayAttr>:$mrope_section,
    UnitAttr:$inverse
  );
  let results = (outs Variadic<AnyRankedTensor>:$results);

  let assemblyFormat = [{
    $pairing $layout (`inverse` $inverse^)?
    `ins` `(` $inputs `:` type($inputs) `)`
    `outs` `(` $inits `:` type($inits) `)`
    (`positions` `(` $positions^ `:` type($positions) `)`)?
    (`offset` `(` $offset^ `)`)?
    (`freqs` `(` $freqs^ `)`)?
    (`cache` `(` $cos_cache^ `,` $sin_cache `:` type($cos_cache) `,`
        type($sin_cache) `)`)?
    (`rotary_dim` `=` $rotary_dim^)?
    (`mrope_section` `=` $mrope_section^)?
    attr-dict
  }];

  let hasVerifier = 1;
  let hasCanonicalizer = 1;

  let extraClassDeclaration = [{
    /// Largest head_dim the verifier accepts.
    static constexpr int64_t kMaxHeadDim = 65536;
    /// Positions used with frequencies satisfy |p| < kPositionLimit.
    static constexpr int64_t kPositionLimit = int64_t(1) << 31;
    /// Largest inverse frequency accepted (angles stay below 2^47).
    static constexpr double kMaxInverseFrequency = 65536.0;
    /// Static head dimension D shared by all inputs.
    int64_t getHeadDim();
    /// R: `rotary_dim` when present, else D.
    int64_t getEffectiveRotaryDim();
    /// Indices of the token dimensions of a tensor in this op's layout:
    /// {0} for thd, {0, 1} for bshd, {0, 2} for bhsd.
    ::llvm::SmallVector<int64_t> getTokenDims();
    /// Index of the head-count dimension in this op's layout.
    int64_t getHeadCountDim();
    /// Rank of every rotated tensor in this op's layout.
    int64_t getTensorRank();
    /// Whether cos/sin come from cache operands rather than frequencies.
    bool hasCache() { return getCosCache() != nullptr; }
    /// Whether the cache is indexed per token (no positions, no offset).
    bool hasPerTokenCache() {
      return hasCache() && !getPositions() && !getOffset();
    }
    /// Whether positions carry three components (mrope).
    bool isMRope() { return getMropeSection().has_value(); }
  }];
}

#endif // ROPE_DIALECT_ROPE_IR_ROPEOPS_TD
