//===- RopeAttrs.h - Rope attributes and enums ------------------*- C++ -*-===//

#ifndef ROPE_DIALECT_ROPE_IR_ROPEATTRS_H
#define ROPE_DIALECT_ROPE_IR_ROPEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

// Frequency attributes store doubles; hash them by their bytes so that
// attribute uniquing works (verifiers reject NaN and infinities).
template <>
struct llvm::hashing::detail::is_hashable_data<double> : std::true_type {};

namespace mlir::rope {
/// Parameter parsers/printers shared by the frequency attributes.
FailureOr<double> parseF64(AsmParser &parser);
FailureOr<std::optional<double>> parseOptionalF64(AsmParser &parser,
                                                  bool zeroIsUnset = false);
FailureOr<bool> parseBool(AsmParser &parser);
FailureOr<SmallVector<double>> parseF64List(AsmParser &parser);
void printF64(AsmPrinter &printer, double value);
void printF64List(AsmPrinter &printer, ArrayRef<double> values);
} // namespace mlir::rope

#include "rope/Dialect/Rope/IR/RopeEnums.h.inc"
#include "rope/Dialect/Rope/IR/RopeAttrInterfaces.h.inc"

namespace mlir::rope {
FailureOr<std::optional<Role>> parseOptionalRole(AsmParser &parser);
} // namespace mlir::rope

#define GET_ATTRDEF_CLASSES
#include "rope/Dialect/Rope/IR/RopeAttrs.h.inc"

#endif // ROPE_DIALECT_ROPE_IR_ROPEATTRS_H
