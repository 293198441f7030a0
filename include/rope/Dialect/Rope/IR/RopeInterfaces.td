//===- RopeInterfaces.td - Rope attribute interfaces -------*- tablegen -*-===//

#ifndef ROPE_DIALECT_ROPE_IR_ROPEINTERFACES_TD
#define ROPE_DIALECT_ROPE_IR_ROPEINTERFACES_TD

include "mlir/IR/OpBase.td"

def Rope_FrequencyAttrInterface : AttrInterface<"FrequencyAttrInterface"> {
  let cppNamespace = "::mlir::rope";
  let description = [{
    A specification of the `rotary_dim / 2` inverse frequencies `f_i` and the
    attention factor `A` of a rotary embedding. Implemented by every
    frequency attribute of the rope dialect; lowerings and folders only talk
    to this interface, so new scaling types plug in without touching them.
  }];
  let methods = [
    InterfaceMethod<[{
        Checks that the specification is consistent with `rotaryDim`
        (e.g. per-frequency lists have `rotaryDim / 2` entries).
      }], "::llvm::LogicalResult", "verifyForRotaryDim",
      (ins "int64_t":$rotaryDim,
           "::llvm::function_ref<::mlir::InFlightDiagnostic()>":$emitError)>,
    InterfaceMethod<[{
        Returns the inverse frequencies computed in double precision, or
        std::nullopt when they depend on run-time data (dynamic NTK, LongRoPE
        with run-time factor selection).
      }], "std::optional<::llvm::SmallVector<double>>",
      "getStaticInverseFrequencies", (ins "int64_t":$rotaryDim)>,
    InterfaceMethod<[{
        Returns the attention factor `A` that scales cos and sin.
      }], "double", "getEffectiveAttentionFactor", (ins)>,
  ];
}

#endif // ROPE_DIALECT_ROPE_IR_ROPEINTERFACES_TD
