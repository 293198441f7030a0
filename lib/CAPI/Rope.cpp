//===- Rope.cpp - C API for the rope dialect ------------------------------===//

#include "rope-c/Dialect/Rope.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Dialect/Rope/IR/RopeAttrs.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rope;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Rope, rope, RopeDialect)

bool mlirAttributeIsARopeFrequencies(MlirAttribute attr) {
  return isa<FrequencyAttrInterface>(unwrap(attr));
}

MlirAttribute mlirRopeFrequenciesAttrParse(MlirContext ctx,
                                           MlirStringRef text) {
  MLIRContext *context = unwrap(ctx);
  context->getOrLoadDialect<RopeDialect>();
  Attribute attr = parseAttribute(unwrap(text), context);
  if (attr && !isa<FrequencyAttrInterface>(attr)) {
    emitError(UnknownLoc::get(context))
        << "expected a rope frequency attribute, got " << attr;
    attr = {};
  }
  return wrap(attr);
}

namespace {
/// `getChecked` with diagnostics at an unknown location of `ctx`.
template <typename AttrT, typename... Args>
MlirAttribute getChecked(MlirContext ctx, Args... args) {
  MLIRContext *context = unwrap(ctx);
  context->getOrLoadDialect<RopeDialect>();
  auto emitter = [context] { return emitError(UnknownLoc::get(context)); };
  return wrap(AttrT::getChecked(emitter, context, args...));
}

std::optional<double> given(double attentionFactor) {
  if (std::isnan(attentionFactor))
    return std::nullopt;
  return attentionFactor;
}
} // namespace

MlirAttribute mlirRopeDefaultFreqsAttrGet(MlirContext ctx, double base,
                                          double attentionFactor) {
  return getChecked<DefaultFreqsAttr>(ctx, base, given(attentionFactor));
}

MlirAttribute mlirRopeLinearFreqsAttrGet(MlirContext ctx, double base,
                                         double factor,
                                         double attentionFactor) {
  return getChecked<LinearFreqsAttr>(ctx, base, factor,
                                     given(attentionFactor));
}

MlirAttribute mlirRopeLlama3FreqsAttrGet(MlirContext ctx, double base,
                                         double factor, double lowFreqFactor,
                                         double highFreqFactor,
                                         int64_t originalMaxPosition,
                                         double attentionFactor) {
  return getChecked<Llama3FreqsAttr>(ctx, base, factor, lowFreqFactor,
                                     highFreqFactor, originalMaxPosition,
                                     given(attentionFactor));
}
