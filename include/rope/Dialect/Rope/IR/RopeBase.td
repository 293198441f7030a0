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
  }];
  // What the lowering and the CPU passes decide about the ops they create,
  // for later passes (LoweringAttr documents each field); on a function
  // whose failed run-time checks return a status (rope-checks-to-status),
  // the message of status k at index k-1, for the ahead-of-time header.
  let discardableAttrs = (ins
    "::mlir::rope::LoweringAttr":$lowering,
    "::mlir::ArrayAttr":$status_messages
  );
}

class Rope_Op<string mnemonic, list<Trait> traits = []>
    : Op<Rope_Dialect, mnemonic, traits>;

#endif // ROPE_DIALECT_ROPE_IR_ROPEBASE_TD
