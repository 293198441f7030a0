//===- RopeBase.td - Rope dialect definition ---------------*- tablegen -*-===//
//
// The rope dialect: rotary position embedding as a first-class operation.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_DIALECT_ROPE_IR_ROPEBASE_TD
#define ROPE_DIALECT_ROPE_IR_ROPEBASE_TD

include "mlir/IR/OpBase.td"

def Rope_Dialect : Dialect {
  let name = "rope";
  let cppNamespace = "::mlir::rope";
  let summary = "Rotary position embedding (RoPE) as a first-class operation";
  let description = [{
    The `rope` dialect captures every form of rotary position embedding used
    by current models in one operation, `rope.rotate`, so that compilers can
    verify, fold, tile and lower it as a unit instead of pattern-matching a
    decomposed sequence of gathers, trigonometry and element-wise arithmetic.

    A rotation is described by four independent choices:

    * the *pairing* of head elements (`half`, GPT-NeoX style, or
      `interleaved`, GPT-J style) and the number of rotated elements
      `rotary_dim` (the rest pass through);
    * the *positions*: an explicit integer tensor, an implicit
      `offset + sequence index`, or three positions per token (mrope);
    * the *frequencies*: an attribute implementing
      `FrequencyAttrInterface` (`#rope.default`, `#rope.linear`,
      `#rope.dynamic_ntk`, `#rope.yarn`, `#rope.longrope`, `#rope.llama3`,
      `#rope.inv_freqs`, `#rope.freq_factors`) or explicit cos/sin cache
      operands gathered by position;
    * the *tensor layout* (`thd`, `bshd`, `bhsd`) of each rotated tensor.

    The semantics follow HF transformers, vLLM, ONNX RotaryEmbedding-23 and
    llama.cpp; `docs/design.md` states them and explains the design.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  // The discardable attributes below are verified wherever they appear.
  let hasOperationAttrVerify = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let extraClassDeclaration = [{
    /// Registers the attributes (defined next to their storage classes).
    void registerAttributes();

    /// Discardable attributes the lowering leaves for later rope passes:
    /// the role of a linalg op ("table", "rotate" or "copy" of the pass-through
    /// part; read by rope-vectorize, which touches no other op)
    /// and the byte alignment of the rows a token-tile loop writes (read by
    /// rope-nontemporal-stores).
    static constexpr ::llvm::StringLiteral getStageAttrName() {
      return "rope.stage";
    }
    static constexpr ::llvm::StringLiteral getStoreAlignmentAttrName() {
      return "rope.store_alignment";
    }
    /// Marks loops whose iterations touch disjoint memory (the tile loops
    /// of a parallel dimension, set by rope-vectorize): they may be
    /// software-pipelined (rope-pipeline-row-loads).
    static constexpr ::llvm::StringLiteral getIndependentIterationsAttrName() {
      return "rope.independent_iterations";
    }
    /// Marks the loops of rope-page-walk, whose iterations read several
    /// pages at once; its value is the bytes each walked tensor advances
    /// per iteration, how far ahead rope-prefetch fetches in them.
    static constexpr ::llvm::StringLiteral getPageWalkAttrName() {
      return "rope.page_walk";
    }
    /// Marks an `arith.truncf` to bf16 whose operand is computed by IEEE
    /// arithmetic from bf16 values and finite f32 values only (set by the
    /// lowering on rotations of bf16 data with cos/sin computed in the
    /// kernel or read from bf16 caches). Any NaN it rounds is then one of
    /// the bf16 operands or the target's default NaN, so on targets whose
    /// default NaN has zero low 16 bits, rounding cannot carry a NaN into
    /// an infinity (read by rope-expand-bf16).
    static constexpr ::llvm::StringLiteral getBF16OperandsAttrName() {
      return "rope.bf16_operands";
    }
    /// On a function whose failed run-time checks return a status
    /// (rope-checks-to-status): the message of status k at index k-1, an
    /// array of strings, for the ahead-of-time header.
    static constexpr ::llvm::StringLiteral getStatusMessagesAttrName() {
      return "rope.status_messages";
    }
  }];
}

class Rope_Op<string mnemonic, list<Trait> traits = []>
    : Op<Rope_Dialect, mnemonic, traits>;

#endif // ROPE_DIALECT_ROPE_IR_ROPEBASE_TD
