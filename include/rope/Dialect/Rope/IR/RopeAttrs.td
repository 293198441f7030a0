//===- RopeAttrs.td - Rope attributes and enums ------------*- tablegen -*-===//
//
// Enums for pairing and layout, and one attribute per frequency
// specification. Every frequency attribute implements FrequencyAttrInterface.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_DIALECT_ROPE_IR_ROPEATTRS_TD
#define ROPE_DIALECT_ROPE_IR_ROPEATTRS_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "rope/Dialect/Rope/IR/RopeBase.td"
include "rope/Dialect/Rope/IR/RopeInterfaces.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Rope_PairingHalf : I32EnumAttrCase<"Half", 0, "half">;
def Rope_PairingInterleaved : I32EnumAttrCase<"Interleaved", 1, "interleaved">;
def Rope_PairingAttr : I32EnumAttr<"Pairing",
    "which head elements rotate together", [Rope_PairingHalf,
    Rope_PairingInterleaved]> {
  let cppNamespace = "::mlir::rope";
}

def Rope_LayoutTHD : I32EnumAttrCase<"THD", 0, "thd">;
def Rope_LayoutBSHD : I32EnumAttrCase<"BSHD", 1, "bshd">;
def Rope_LayoutBHSD : I32EnumAttrCase<"BHSD", 2, "bhsd">;
def Rope_LayoutAttr : I32EnumAttr<"Layout",
    "dimension order of a rotated tensor", [Rope_LayoutTHD, Rope_LayoutBSHD,
    Rope_LayoutBHSD]> {
  let cppNamespace = "::mlir::rope";
}

def Rope_FactorsDynamic : I32EnumAttrCase<"Dynamic", 0, "dynamic">;
def Rope_FactorsShort : I32EnumAttrCase<"Short", 1, "short">;
def Rope_FactorsLong : I32EnumAttrCase<"Long", 2, "long">;
def Rope_LongRopeFactors : I32EnumAttr<"LongRopeFactors",
    "which LongRoPE factor list applies", [Rope_FactorsDynamic,
    Rope_FactorsShort, Rope_FactorsLong]> {
  let cppNamespace = "::mlir::rope";
  let genSpecializedAttr = 0;
}

def Rope_RoleTable : I32EnumAttrCase<"Table", 0, "table">;
def Rope_RoleRotate : I32EnumAttrCase<"Rotate", 1, "rotate">;
def Rope_RoleCopy : I32EnumAttrCase<"Copy", 2, "copy">;
def Rope_RoleFused : I32EnumAttrCase<"Fused", 3, "fused">;
def Rope_Role : I32EnumAttr<"Role",
    "what a linalg op of the rope lowering computes", [Rope_RoleTable,
    Rope_RoleRotate, Rope_RoleCopy, Rope_RoleFused]> {
  let cppNamespace = "::mlir::rope";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

// A double printed in its shortest round-tripping decimal form.
class Rope_F64Parameter<string desc> : AttrParameter<"double", desc> {
  let parser = [{ ::mlir::rope::parseF64($_parser) }];
  let printer = [{ ::mlir::rope::printF64($_printer, $_self) }];
}
class Rope_DefaultF64Parameter<string value, string desc>
    : Rope_F64Parameter<desc> {
  let defaultValue = value;
}
class Rope_OptionalF64Parameter<string desc>
    : OptionalParameter<"std::optional<double>", desc> {
  let parser = [{ ::mlir::rope::parseOptionalF64($_parser) }];
  let printer = [{ ::mlir::rope::printF64($_printer, *$_self) }];
}
// An optional double where 0 means unset, as in HF configs (`mscale = 0`).
class Rope_ZeroUnsetF64Parameter<string desc>
    : Rope_OptionalF64Parameter<desc> {
  let parser = [{ ::mlir::rope::parseOptionalF64(
      $_parser, /*zeroIsUnset=*/true) }];
}
// A boolean written `true`/`false` (also Python's `True`/`False`, or 0/1).
class Rope_BoolParameter<string value, string desc>
    : AttrParameter<"bool", desc> {
  let parser = [{ ::mlir::rope::parseBool($_parser) }];
  let printer = [{ $_printer << ($_self ? "true" : "false") }];
  let defaultValue = value;
}
// An optional Role, written by its keyword (`rotate`).
class Rope_OptionalRoleParameter<string desc>
    : OptionalParameter<"std::optional<::mlir::rope::Role>", desc> {
  let parser = [{ ::mlir::rope::parseOptionalRole($_parser) }];
  let printer = [{ $_printer << ::mlir::rope::stringifyRole(*$_self) }];
}
// A bracketed list of doubles: `[1.0, 2.5]`.
class Rope_F64ArrayParameter<string desc> : ArrayRefParameter<"double", desc> {
  let parser = [{ ::mlir::rope::parseF64List($_parser) }];
  let printer = [{ ::mlir::rope::printF64List($_printer, $_self) }];
}

//===----------------------------------------------------------------------===//
// Frequency attributes
//===----------------------------------------------------------------------===//

class Rope_FreqAttr<string name, string attrMnemonic>
    : AttrDef<Rope_Dialect, name,
              [DeclareAttrInterfaceMethods<Rope_FrequencyAttrInterface>]> {
  let mnemonic = attrMnemonic;
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Rope_DefaultFreqsAttr : Rope_FreqAttr<"DefaultFreqs", "default"> {
  let summary = "RoFormer frequencies `f_i = base^(-2i/R)`";
  let description = [{
    The unscaled frequencies of RoFormer: `f_i = base^(-2i/R)` for
    `i = 0 .. R/2-1`, where `R` is the op's `rotary_dim`. `attention_factor`
    (default 1) scales cos and sin.

    Parameters, with their names in a Hugging Face `config.json`:

    | parameter | HF name | default |
    |---|---|---|
    | `base` | `rope_theta` (GPT-NeoX: `rotary_emb_base`) | none: required |
    | `attention_factor` | `rope_scaling.attention_factor` | 1 |

    ```mlir
    #rope.default<base = 10000.0>
    #rope.default<base = 1000000.0>   // Qwen2
    ```
  }];
  let parameters = (ins Rope_F64Parameter<"frequency base">:$base,
      Rope_OptionalF64Parameter<"attention factor">:$attention_factor);
}

def Rope_LinearFreqsAttr : Rope_FreqAttr<"LinearFreqs", "linear"> {
  let summary = "position interpolation: `f_i = base^(-2i/R) / factor`";
  let description = [{
    Linear scaling (position interpolation, HF `rope_type = "linear"`).

    Parameters, with their names in a Hugging Face `config.json`:

    | parameter | HF name | default |
    |---|---|---|
    | `base` | `rope_theta` (GPT-NeoX: `rotary_emb_base`) | none: required |
    | `factor` | `rope_scaling.factor` | none: required |
    | `attention_factor` | `rope_scaling.attention_factor` | 1 |

    ```mlir
    #rope.linear<base = 10000.0, factor = 4.0>
    ```
  }];
  let parameters = (ins Rope_F64Parameter<"frequency base">:$base,
      Rope_F64Parameter<"scaling factor">:$factor,
      Rope_OptionalF64Parameter<"attention factor">:$attention_factor);
}

def Rope_DynamicNTKFreqsAttr : Rope_FreqAttr<"DynamicNTKFreqs", "dynamic_ntk"> {
  let summary = "dynamic NTK scaling, chosen at run time from the length";
  let description = [{
    HF `rope_type = "dynamic"`. With `n` the current sequence length (largest
    position + 1), when `n > original_max_position` the base becomes
    `base * ((factor * n / L0) - (factor - 1)) ^ (R / (R - 2))`, otherwise
    it stays. The frequencies depend on run-time data and do not fold.

    Parameters, with their names in a Hugging Face `config.json`:

    | parameter | HF name | default |
    |---|---|---|
    | `base` | `rope_theta` (GPT-NeoX: `rotary_emb_base`) | none: required |
    | `factor` | `rope_scaling.factor` | none: required |
    | `original_max_position` | `max_position_embeddings` (HF's `L0` for `dynamic`) | none: required |
    | `attention_factor` | `rope_scaling.attention_factor` | 1 |

    ```mlir
    #rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>
    ```
  }];
  let parameters = (ins Rope_F64Parameter<"frequency base">:$base,
      Rope_F64Parameter<"scaling factor">:$factor,
      "int64_t":$original_max_position,
      Rope_OptionalF64Parameter<"attention factor">:$attention_factor);
}

def Rope_YarnFreqsAttr : Rope_FreqAttr<"YarnFreqs", "yarn"> {
  let summary = "YaRN frequency interpolation with a linear ramp";
  let description = [{
    HF `rope_type = "yarn"`: frequencies below `beta_slow` rotations over
    `original_max_position` are interpolated (`f / factor`), those above
    `beta_fast` are kept, with a linear ramp between. `truncate` (default
    true) floors/ceils the ramp bounds. The attention factor is
    `m(factor, mscale) / m(factor, mscale_all_dim)` when both are given
    (DeepSeek-V2/V3), else `m(factor, 1)`, with
    `m(s, k) = s <= 1 ? 1 : 0.1 * k * ln(s) + 1`, unless `attention_factor`
    is given.

    Parameters, with their names in a Hugging Face `config.json`:

    | parameter | HF name | default |
    |---|---|---|
    | `base` | `rope_theta` (GPT-NeoX: `rotary_emb_base`) | none: required |
    | `factor` | `rope_scaling.factor` | none: required |
    | `original_max_position` | `rope_scaling.original_max_position_embeddings`, else `max_position_embeddings` | none: required |
    | `beta_fast` | `rope_scaling.beta_fast` | 32 |
    | `beta_slow` | `rope_scaling.beta_slow` | 1 |
    | `mscale` | `rope_scaling.mscale` | unset |
    | `mscale_all_dim` | `rope_scaling.mscale_all_dim` | unset |
    | `attention_factor` | `rope_scaling.attention_factor` | from `mscale`, `mscale_all_dim` (above) |
    | `truncate` | `rope_scaling.truncate` | true |

    ```mlir
    // DeepSeek-V3
    #rope.yarn<base = 10000.0, factor = 40.0, original_max_position = 4096,
               beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0,
               mscale_all_dim = 1.0>
    ```
  }];
  let parameters = (ins Rope_F64Parameter<"frequency base">:$base,
      Rope_F64Parameter<"scaling factor">:$factor,
      "int64_t":$original_max_position,
      Rope_DefaultF64Parameter<"32.0", "fast rotation boundary">:$beta_fast,
      Rope_DefaultF64Parameter<"1.0", "slow rotation boundary">:$beta_slow,
      Rope_ZeroUnsetF64Parameter<"mscale (0: unset)">:$mscale,
      Rope_ZeroUnsetF64Parameter<"mscale_all_dim (0: unset)">:$mscale_all_dim,
      Rope_OptionalF64Parameter<"attention factor">:$attention_factor,
      Rope_BoolParameter<"true", "floor/ceil the ramp">:$truncate);
}

def Rope_LongRopeFreqsAttr : Rope_FreqAttr<"LongRopeFreqs", "longrope"> {
  let summary = "LongRoPE per-frequency short/long factors (Phi-3)";
  let description = [{
    HF `rope_type = "longrope"`: `f_i = 1 / (ext_i * base^(2i/R))` where
    `ext` is `long_factor` when the sequence is longer than
    `original_max_position`, else `short_factor`. `factors` picks one list at
    compile time (`short` or `long`); the default `dynamic` chooses at run
    time from the largest position. The attention factor is
    `sqrt(1 + ln(s) / ln(L0))` with `s = max_position / L0` (1 if `s <= 1`),
    unless `attention_factor` is given.

    Parameters, with their names in a Hugging Face `config.json`:

    | parameter | HF name | default |
    |---|---|---|
    | `base` | `rope_theta` (GPT-NeoX: `rotary_emb_base`) | none: required |
    | `original_max_position` | `original_max_position_embeddings` (top level, Phi-3) or `rope_scaling.original_max_position_embeddings` | none: required |
    | `max_position` | `max_position_embeddings` | none: required |
    | `short_factor` | `rope_scaling.short_factor` | none: required |
    | `long_factor` | `rope_scaling.long_factor` | none: required |
    | `factors` | (none: HF chooses at run time) | `dynamic` |
    | `attention_factor` | `rope_scaling.attention_factor` | from `max_position` (above) |

    ```mlir
    #rope.longrope<base = 10000.0, original_max_position = 4096,
                   max_position = 131072, short_factor = [1.0, 1.02],
                   long_factor = [1.08, 1.1], factors = long>
    ```
  }];
  let parameters = (ins Rope_F64Parameter<"frequency base">:$base,
      "int64_t":$original_max_position,
      "int64_t":$max_position,
      Rope_F64ArrayParameter<"per-frequency short factors">:$short_factor,
      Rope_F64ArrayParameter<"per-frequency long factors">:$long_factor,
      DefaultValuedParameter<"::mlir::rope::LongRopeFactors",
          "::mlir::rope::LongRopeFactors::Dynamic",
          "factor list selection">:$factors,
      Rope_OptionalF64Parameter<"attention factor">:$attention_factor);
}

def Rope_Llama3FreqsAttr : Rope_FreqAttr<"Llama3Freqs", "llama3"> {
  let summary = "Llama 3.1 wavelength-dependent frequency scaling";
  let description = [{
    HF `rope_type = "llama3"`: with `wl_i = 2*pi / f_i`, wavelengths shorter
    than `L0 / high_freq_factor` keep `f_i`, longer than
    `L0 / low_freq_factor` use `f_i / factor`, and the band between
    interpolates smoothly.

    Parameters, with their names in a Hugging Face `config.json`:

    | parameter | HF name | default |
    |---|---|---|
    | `base` | `rope_theta` (GPT-NeoX: `rotary_emb_base`) | none: required |
    | `factor` | `rope_scaling.factor` | none: required |
    | `low_freq_factor` | `rope_scaling.low_freq_factor` | none: required |
    | `high_freq_factor` | `rope_scaling.high_freq_factor` | none: required |
    | `original_max_position` | `rope_scaling.original_max_position_embeddings` | none: required |
    | `attention_factor` | `rope_scaling.attention_factor` | 1 |

    ```mlir
    // Llama-3.1-8B
    #rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0,
                 high_freq_factor = 4.0, original_max_position = 8192>
    ```
  }];
  let parameters = (ins Rope_F64Parameter<"frequency base">:$base,
      Rope_F64Parameter<"scaling factor">:$factor,
      Rope_F64Parameter<"low frequency factor">:$low_freq_factor,
      Rope_F64Parameter<"high frequency factor">:$high_freq_factor,
      "int64_t":$original_max_position,
      Rope_OptionalF64Parameter<"attention factor">:$attention_factor);
}

def Rope_InvFreqsAttr : Rope_FreqAttr<"InvFreqs", "inv_freqs"> {
  let summary = "explicit inverse frequencies";
  let description = [{
    The `R/2` inverse frequencies themselves, and the attention factor
    (default 1). Every frequency specification known at compile time
    canonicalizes to this form, computed in double precision.

    Parameters, with their names in a Hugging Face `config.json`:

    | parameter | HF name | default |
    |---|---|---|
    | `values` | (none: HF computes `inv_freq` from the above) | none: required |
    | `attention_factor` | `attention_scaling` of HF's rotary embedding | 1 |

    ```mlir
    #rope.inv_freqs<values = [1.0, 0.1, 0.01, 0.001], attention_factor = 1.2>
    ```
  }];
  let parameters = (ins Rope_F64ArrayParameter<"inverse frequencies">:$values,
      Rope_DefaultF64Parameter<"1.0", "attention factor">:$attention_factor);
}

def Rope_FreqFactorsAttr : Rope_FreqAttr<"FreqFactors", "freq_factors"> {
  let summary = "RoFormer frequencies with per-frequency divisors";
  let description = [{
    llama.cpp `freq_factors`: `f_i = base^(-2i/R) / divisors[i]`.

    Parameters, with their names in a Hugging Face `config.json`:

    | parameter | HF name | default |
    |---|---|---|
    | `base` | `rope_theta` (GPT-NeoX: `rotary_emb_base`) | none: required |
    | `divisors` | (llama.cpp `rope_freqs`; none in HF) | none: required |
    | `attention_factor` | `rope_scaling.attention_factor` | 1 |

    ```mlir
    #rope.freq_factors<base = 10000.0, divisors = [1.0, 1.0, 2.0, 4.0]>
    ```
  }];
  let parameters = (ins Rope_F64Parameter<"frequency base">:$base,
      Rope_F64ArrayParameter<"per-frequency divisors">:$divisors,
      Rope_OptionalF64Parameter<"attention factor">:$attention_factor);
}

//===----------------------------------------------------------------------===//
// Lowering configuration
//===----------------------------------------------------------------------===//

def Rope_LoweringAttr : AttrDef<Rope_Dialect, "Lowering"> {
  let mnemonic = "lowering";
  let summary = "what the rope lowering decided about an op, for later passes";
  let description = [{
    The one configuration the rope lowering and the CPU passes leave on the
    ops they create, under the discardable attribute `rope.lowering`. Each
    field is set once, by the pass that creates the op or loop it describes,
    and read by the passes named below; nothing else carries decisions
    between rope passes.

    | field | on | set by | read by |
    |---|---|---|---|
    | `role` (`table`, `rotate`, `copy`) | linalg ops of the lowering | convert-rope-to-linalg | rope-vectorize (which touches no other op) |
    | `role` (`fused`) | a neighbour's linalg op fused into a rope op's tiles (a QK-norm before it) | rope-tile-and-fuse | rope-vectorize |
    | `bf16_operands` | `arith.truncf` to bf16 | convert-rope-to-linalg | rope-expand-bf16, rope-x86-pack-bf16 |
    | `store_alignment` (bytes) | `scf.forall` over token tiles | rope-tile-and-fuse | rope-nontemporal-stores |
    | `independent_iterations` | tile loops of a parallel dimension | rope-vectorize | rope-pipeline-row-loads, rope-page-walk |
    | `page_walk` (bytes) | loops of rope-page-walk | rope-page-walk | rope-prefetch |

    `bf16_operands` marks a truncation whose operand is computed by IEEE
    arithmetic from bf16 values and finite f32 values only: any NaN it
    rounds is then one of the bf16 operands or the target's default NaN, so
    on targets whose default NaN has zero low 16 bits rounding cannot carry
    a NaN into an infinity. `independent_iterations` marks loops whose
    iterations touch disjoint memory, which may be software-pipelined.
    `page_walk` is the bytes each walked tensor advances per iteration: how
    far ahead rope-prefetch fetches. `store_alignment` is the alignment of
    every row segment a tile loop writes, relative to its outputs: it marks
    the loops rope-nontemporal-stores versions, which proves each store's
    alignment from the store's own view chain (an output may itself be a
    view at an offset).

    ```mlir
    %r = linalg.generic {...} ins(...) outs(...)
        {rope.lowering = #rope.lowering<role = rotate>} {...}
    scf.forall (%t) in (16) {...}
        {rope.lowering = #rope.lowering<store_alignment = 64>}
    ```
  }];
  let parameters = (ins
      Rope_OptionalRoleParameter<"role of a linalg op">:$role,
      Rope_BoolParameter<"false", "truncation of IEEE results">:$bf16_operands,
      Rope_BoolParameter<"false", "disjoint iterations">:$independent_iterations,
      OptionalParameter<"std::optional<int64_t>", "row alignment in bytes">:$store_alignment,
      OptionalParameter<"std::optional<int64_t>", "prefetch distance in bytes">:$page_walk);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The configuration that sets nothing.
    static LoweringAttr get(::mlir::MLIRContext *context);
    /// This configuration with one more field set (or store_alignment unset).
    LoweringAttr withRole(Role role) const;
    LoweringAttr withBF16Operands() const;
    LoweringAttr withIndependentIterations() const;
    LoweringAttr withStoreAlignment(std::optional<int64_t> bytes) const;
    LoweringAttr withPageWalk(int64_t bytes) const;
    bool isEmpty() const;
    /// `op`'s configuration (under `rope.lowering`), or the empty one.
    static LoweringAttr of(::mlir::Operation *op);
    /// Attaches `config` to `op`; one that sets nothing removes the attribute.
    static void set(::mlir::Operation *op, LoweringAttr config);
    /// Whether `op`'s configuration has `role`.
    static bool hasRole(::mlir::Operation *op, Role role);
  }];
}

#endif // ROPE_DIALECT_ROPE_IR_ROPEATTRS_TD
