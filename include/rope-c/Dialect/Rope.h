/*===-- rope-c/Dialect/Rope.h - C API for the rope dialect --------*- C -*-===*\
|*                                                                            *|
|* The rope dialect's handle and builders of its frequency attributes, in the *|
|* style of MLIR's C API (mlir-c/Dialect/).                               *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef ROPE_C_DIALECT_ROPE_H
#define ROPE_C_DIALECT_ROPE_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Rope, rope);

/// True for every `#rope.*` frequency attribute (the `freqs` of rope.rotate
/// and rope.inv_freq).
MLIR_CAPI_EXPORTED bool mlirAttributeIsARopeFrequencies(MlirAttribute attr);

/// Parses a frequency attribute (`#rope.yarn<...>`, any kind the dialect
/// has). Returns a null attribute, after a diagnostic on the context, when
/// the text is not one or its parameters are invalid.
MLIR_CAPI_EXPORTED MlirAttribute
mlirRopeFrequenciesAttrParse(MlirContext ctx, MlirStringRef text);

/// Builders of the common kinds. Invalid parameters (a base <= 1, a factor
/// <= 0, ...) give a null attribute and a diagnostic on the context. A NaN
/// `attentionFactor` means "not given" (the kind's default).
MLIR_CAPI_EXPORTED MlirAttribute mlirRopeDefaultFreqsAttrGet(
    MlirContext ctx, double base, double attentionFactor);
MLIR_CAPI_EXPORTED MlirAttribute mlirRopeLinearFreqsAttrGet(
    MlirContext ctx, double base, double factor, double attentionFactor);
MLIR_CAPI_EXPORTED MlirAttribute mlirRopeLlama3FreqsAttrGet(
    MlirContext ctx, double base, double factor, double lowFreqFactor,
    double highFreqFactor, int64_t originalMaxPosition,
    double attentionFactor);

#ifdef __cplusplus
}
#endif

#endif /* ROPE_C_DIALECT_ROPE_H */
