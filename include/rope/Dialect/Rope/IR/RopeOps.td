//===- RopeOps.td - Rope operations ------------------------*- tablegen -*-===//

#ifndef ROPE_DIALECT_ROPE_IR_ROPEOPS_TD
#define ROPE_DIALECT_ROPE_IR_ROPEOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/TilingInterface.td"
include "rope/Dialect/Rope/IR/RopeBase.td"
include "rope/Dialect/Rope/IR/RopeAttrs.td"

def Rope_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Rope_PositionTensor : RankedTensorOf<[I32, I64]>;
def Rope_TableTensor : RankedTensorOf<[F32]>;
def Rope_FrequencyTensor : TensorRankOf<[F64], [1]>;

// The tiling interface of the ops below: tiles over the token dimensions
// (and, for rope.apply, the heads), fusable as producers into a tile.
defvar Rope_TilingMethods = DeclareOpInterfaceMethods<TilingInterface, [
    "getLoopIteratorTypes", "getIterationDomain", "getTiledImplementation",
    "getResultTilePosition", "getIterationDomainTileFromResultTile",
    "generateResultTileValue"]>;

//===----------------------------------------------------------------------===//
// RotateOp
//===----------------------------------------------------------------------===//

def Rope_RotateOp : Rope_Op<"rotate", [
    AttrSizedOperandSegments, Pure,
    DeclareOpInterfaceMethods<InferTypeOpInterface>,
    DeclareOpInterfaceMethods<DestinationStyleOpInterface>]> {
  let summary = "rotary position embedding of one or more tensors";
  let description = [{
    The one-op form of a rotation: it is exactly the composition
    `rope.inv_freq` -> `rope.positions` (for `offset`) -> `rope.cos_sin` or
    `rope.gather` (for a cache) -> `rope.apply` that `rope-decompose-rotate`
    builds (docs/design.md shows each form both ways). Both pipelines lower
    through that decomposition (to the tiled linalg form).

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

    From a Hugging Face `config.json` (scripts/hf-config-to-rope.py writes
    the op): `D` is `head_dim`, else `hidden_size / num_attention_heads`
    (DeepSeek-V2/V3: `qk_rope_head_dim`); `rotary_dim` is
    `D * partial_rotary_factor` (GPT-NeoX: `rotary_pct`; default `D`);
    `mrope_section` is `rope_scaling.mrope_section`; the head counts of q and
    k are `num_attention_heads` and `num_key_value_heads` (default: the
    former); `half` is HF's `rotate_half`, `interleaved` DeepSeek's and
    GPT-J's pairing; `freqs` from `rope_theta` and `rope_scaling` (the
    frequency attributes list each HF name and default).

    Layouts: `thd` is `[tokens, heads, D]`; `bshd` is `[batch, seq, heads, D]`;
    `bhsd` is `[batch, heads, seq, D]`. The *token shape* is `[tokens]` or
    `[batch, seq]`.

    Positions, one of:
    * `positions(%p)`: i32/i64 with the token shape (any order, repeats
      allowed), or `[N] + token shape` with `mrope_section = [s0, ...,
      s(N-1)]` (multimodal RoPE: frequency `i` uses position axis
      `axis(i)`; see below);
    * `offset(%o)`: the position of sequence index `s` is `%o + s`;
    * neither, only with a per-token cos/sin cache.

    Frequencies, one of:
    * `freqs(#attr)`: a `FrequencyAttrInterface` attribute;
    * `cache(%cos, %sin)`: tables of shape `[P, R/2]` gathered by position
      (ONNX with position ids, vLLM), or of shape `token shape + [R/2]`
      without positions (ONNX without position ids). Positions outside
      `[0, P)` are an error at run time (see docs/).

    Multimodal RoPE assigns each of the `R/2` frequencies a position axis
    (`N` axes, the leading dimension of `positions`; `sum(s_k) = R/2`):
    * `mrope_section = [s0, s1, s2]` alone (Qwen2-VL, Qwen2.5-VL: HF
      `mrope_section`): consecutive sections, frequency `i` uses axis `k`
      for `s0 + ... + s(k-1) <= i < s0 + ... + sk`;
    * with `mrope_interleaved` (Qwen3-VL: HF `mrope_interleaved: true`,
      `apply_interleaved_mrope`): frequency `i` uses axis `k >= 1` when
      `i % N == k` and `i < N * sk`, else axis 0 (for three axes the layout
      `THWTHW...TT`).
    Two axes (images: height, width) or any other count fit the same way.

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
    UnitAttr:$inverse,
    UnitAttr:$mrope_interleaved
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
    (`mrope_interleaved` $mrope_interleaved^)?
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
    /// Whether positions carry one component per axis (mrope).
    bool isMRope() { return getMropeSection().has_value(); }
    /// Position axes of mrope (the leading dimension of positions), else 0.
    int64_t getNumPositionAxes() {
      return isMRope() ? static_cast<int64_t>(getMropeSection()->size()) : 0;
    }
  }];
}


//===----------------------------------------------------------------------===//
// InvFreqOp
//===----------------------------------------------------------------------===//

def Rope_InvFreqOp : Rope_Op<"inv_freq", [Pure]> {
  let summary = "the inverse frequencies of a frequency attribute";
  let description = [{
    Materializes the `R/2` inverse frequencies `f_i` of a
    `FrequencyAttrInterface` attribute as an f64 tensor, `R` being twice the
    result's size. Frequencies known at compile time fold to a constant.
    The run-time scaling types (dynamic NTK, LongRoPE with run-time factor
    selection) depend on the sequence length `n = max(positions) + 1`, as in
    HF transformers: they take the positions, and only they do.

    The attention factor of the attribute is not part of the result: it is
    `rope.cos_sin`'s `attention_factor`.

    ```mlir
    %f = rope.inv_freq freqs(#rope.llama3<base = 500000.0, factor = 8.0,
        low_freq_factor = 1.0, high_freq_factor = 4.0,
        original_max_position = 8192>) : tensor<64xf64>
    %g = rope.inv_freq freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0,
        original_max_position = 4096>) positions(%pos : tensor<?xi64>)
        : tensor<32xf64>
    ```
  }];
  let arguments = (ins Rope_FrequencyAttrInterface:$freqs,
                       Optional<Rope_PositionTensor>:$positions);
  let results = (outs Rope_FrequencyTensor:$result);
  let assemblyFormat = [{
    `freqs` `(` $freqs `)`
    (`positions` `(` $positions^ `:` type($positions) `)`)?
    attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// R: twice the number of frequencies.
    int64_t getRotaryDim() { return 2 * getType().getDimSize(0); }
  }];
}

//===----------------------------------------------------------------------===//
// PositionsOp
//===----------------------------------------------------------------------===//

def Rope_PositionsOp : Rope_Op<"positions", [Pure, Rope_TilingMethods,
    AllTypesMatch<["init", "result"]>,
    DeclareOpInterfaceMethods<DestinationStyleOpInterface>]> {
  let summary = "positions `offset + sequence index`";
  let description = [{
    Writes into `outs` (the token shape, `[tokens]` or `[batch, seq]`) the
    position `offset + s` of each token, `s` being its index in the last
    dimension: the positions of a prefill chunk or a decode step that starts
    at `offset` in every sequence of the batch.

    ```mlir
    %p = rope.positions offset(%o) outs(%e : tensor<2x?xi64>)
    ```
  }];
  let arguments = (ins Index:$offset, TensorOf<[I64]>:$init);
  let results = (outs TensorOf<[I64]>:$result);
  let assemblyFormat = [{
    `offset` `(` $offset `)` `outs` `(` $init `:` type($init) `)` attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::RankedTensorType getType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getResult().getType());
    }
  }];
}

//===----------------------------------------------------------------------===//
// CosSinOp
//===----------------------------------------------------------------------===//

def Rope_CosSinOp : Rope_Op<"cos_sin", [Pure, Rope_TilingMethods,
    AllTypesMatch<["cosInit", "sinInit", "cos", "sin"]>,
    DeclareOpInterfaceMethods<DestinationStyleOpInterface>]> {
  let summary = "cos/sin tables of positions and inverse frequencies";
  let description = [{
    Computes, for every token and frequency `i < R/2`,

        cos[t, i] = A cos(p_t f_i),   sin[t, i] = A sin(p_t f_i)

    in f32 (the angle is formed and reduced in f64; docs/accuracy.md), with
    `A = attention_factor` (default 1). The tables have the token shape plus
    `[R/2]`; `inv_freq` holds the `R/2` frequencies (f64, e.g. from
    `rope.inv_freq`). Positions (i32/i64) have the token shape, or with
    `mrope_section = [s0, ..., s(N-1)]` `[N] + token shape`: frequency `i`
    then uses the position axis `rope.rotate` describes (consecutive
    sections, or with `mrope_interleaved` Qwen3-VL's interleaved layout).

    Positions must satisfy `|p| < 2^31`; others stop the program at run time
    (`rope-insert-runtime-checks`).

    ```mlir
    %cos, %sin = rope.cos_sin positions(%pos : tensor<?xi64>)
        inv_freq(%f : tensor<64xf64>)
        outs(%c, %s : tensor<?x64xf32>, tensor<?x64xf32>)
    ```
  }];
  let arguments = (ins Rope_PositionTensor:$positions,
                       Rope_FrequencyTensor:$inv_freq,
                       Rope_TableTensor:$cosInit, Rope_TableTensor:$sinInit,
                       OptionalAttr<DenseI64ArrayAttr>:$mrope_section,
                       OptionalAttr<F64Attr>:$attention_factor,
                       UnitAttr:$mrope_interleaved);
  let results = (outs Rope_TableTensor:$cos, Rope_TableTensor:$sin);
  let assemblyFormat = [{
    `positions` `(` $positions `:` type($positions) `)`
    `inv_freq` `(` $inv_freq `:` type($inv_freq) `)`
    `outs` `(` $cosInit `,` $sinInit `:` type($cosInit) `,` type($sinInit) `)`
    (`mrope_section` `=` $mrope_section^)?
    (`mrope_interleaved` $mrope_interleaved^)?
    (`attention_factor` `=` $attention_factor^)?
    attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Rank of the token shape.
    int64_t getTokenRank() { return getCosInit().getType().getRank() - 1; }
    /// The attention factor A (1 when absent).
    double getAttentionFactorOrOne() {
      std::optional<::llvm::APFloat> a = getAttentionFactor();
      return a ? a->convertToDouble() : 1.0;
    }
    bool isMRope() { return getMropeSection().has_value(); }
    /// Position axes of mrope (the leading dimension of positions), else 0.
    int64_t getNumPositionAxes() {
      return isMRope() ? static_cast<int64_t>(getMropeSection()->size()) : 0;
    }
  }];
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

def Rope_GatherOp : Rope_Op<"gather", [Pure, Rope_TilingMethods,
    AllTypesMatch<["cosTable", "sinTable"]>,
    AllTypesMatch<["cosInit", "sinInit", "cos", "sin"]>,
    DeclareOpInterfaceMethods<DestinationStyleOpInterface>]> {
  let summary = "rows of cos/sin tables gathered by position";
  let description = [{
    Gathers, for every token, the row `p_t` of a `[P, W]` cos table and sin
    table (a precomputed cache: ONNX RotaryEmbedding with position ids, vLLM)
    into tables with the token shape plus `[W]`; with `mrope_section`,
    positions are `[N] + token shape` and column `i` is gathered by the
    position of its axis, as in `rope.cos_sin` (and `mrope_interleaved`). Positions must lie in
    `[0, P)`; others stop the program at run time
    (`rope-insert-runtime-checks`).

    ```mlir
    %c, %s = rope.gather positions(%ids : tensor<2x3xi64>)
        tables(%cos_cache, %sin_cache : tensor<50x4xf16>, tensor<50x4xf16>)
        outs(%ce, %se : tensor<2x3x4xf16>, tensor<2x3x4xf16>)
    ```
  }];
  let arguments = (ins Rope_PositionTensor:$positions,
                       Rope_FloatTensor:$cosTable, Rope_FloatTensor:$sinTable,
                       Rope_FloatTensor:$cosInit, Rope_FloatTensor:$sinInit,
                       OptionalAttr<DenseI64ArrayAttr>:$mrope_section,
                       UnitAttr:$mrope_interleaved);
  let results = (outs Rope_FloatTensor:$cos, Rope_FloatTensor:$sin);
  let assemblyFormat = [{
    `positions` `(` $positions `:` type($positions) `)`
    `tables` `(` $cosTable `,` $sinTable `:` type($cosTable) `,`
        type($sinTable) `)`
    `outs` `(` $cosInit `,` $sinInit `:` type($cosInit) `,` type($sinInit) `)`
    (`mrope_section` `=` $mrope_section^)?
    (`mrope_interleaved` $mrope_interleaved^)?
    attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    bool isMRope() { return getMropeSection().has_value(); }
    /// Position axes of mrope (the leading dimension of positions), else 0.
    int64_t getNumPositionAxes() {
      return isMRope() ? static_cast<int64_t>(getMropeSection()->size()) : 0;
    }
  }];
}

//===----------------------------------------------------------------------===//
// ApplyOp
//===----------------------------------------------------------------------===//

def Rope_ApplyOp : Rope_Op<"apply", [Pure, AttrSizedOperandSegments,
    AllTypesMatch<["cos", "sin"]>,
    DeclareOpInterfaceMethods<TilingInterface, ["getLoopIteratorTypes",
        "getIterationDomain", "getTiledImplementation",
        "getResultTilePosition"]>,
    DeclareOpInterfaceMethods<InferTypeOpInterface>,
    DeclareOpInterfaceMethods<DestinationStyleOpInterface>]> {
  let summary = "rotation of one or more tensors by given cos/sin";
  let description = [{
    Rotates the first `R = rotary_dim` (default: `head_dim`) elements of
    every head vector of each tensor in `ins` by the per-token `cos`/`sin`
    and writes the results into the matching `outs` tensor; elements
    `R .. D-1` pass through. Layouts, pairing and `inverse` are those of
    `rope.rotate`; the inputs share layout, token shape and `head_dim`, and
    their head counts may differ (queries and keys).

    `cos` and `sin` have the token shape plus a width `W`:
    * `W = R/2`, one value per pair (ONNX, vLLM, `rope.cos_sin`): the pair
      `(i, i + R/2)` (or `(2i, 2i + 1)`) uses entry `i`;
    * `W = R`, the full-width tables HF builds (`cat(freqs, freqs)`): each
      element `k` uses its own entry `k`, so no equality of the two halves
      is assumed.

    With `c`/`s` the entries of element `k` and `k'` its partner in the pair
    (`s` negated with `inverse`):

        y[k] = x[k] * c - x[k'] * s   (first element of the pair)
        y[k] = x[k] * c + x[k'] * s   (second element)

    ```mlir
    %q1, %k1 = rope.apply half thd
        ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
        outs(%qi, %ki : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
        cos_sin(%cos, %sin : tensor<?x64xf32>, tensor<?x64xf32>)
    ```
  }];
  let arguments = (ins
    Variadic<Rope_FloatTensor>:$inputs,
    Variadic<Rope_FloatTensor>:$inits,
    Rope_FloatTensor:$cos,
    Rope_FloatTensor:$sin,
    Rope_PairingAttr:$pairing,
    Rope_LayoutAttr:$layout,
    OptionalAttr<I64Attr>:$rotary_dim,
    UnitAttr:$inverse
  );
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $pairing $layout (`inverse` $inverse^)?
    `ins` `(` $inputs `:` type($inputs) `)`
    `outs` `(` $inits `:` type($inits) `)`
    `cos_sin` `(` $cos `,` $sin `:` type($cos) `,` type($sin) `)`
    (`rotary_dim` `=` $rotary_dim^)?
    attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getHeadDim();
    int64_t getEffectiveRotaryDim();
    /// Whether the tables have one entry per element (W = R).
    bool hasFullWidthTables();
  }];
}

#endif // ROPE_DIALECT_ROPE_IR_ROPEOPS_TD
