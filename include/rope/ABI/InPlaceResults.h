//===- InPlaceResults.h - results that update an argument -------*- C++ -*-===//
//
// A function result that is one of its tensor arguments updated (a KV cache
// written with tensor.insert_slice) is, in the ahead-of-time ABI, that
// argument's buffer written in place rather than a caller-provided output.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_ABI_INPLACERESULTS_H
#define ROPE_ABI_INPLACERESULTS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>

namespace mlir::rope {

/// Result attribute of a result that updates argument N (set by
/// rope-destination-results, read by rope-drop-in-place-results).
constexpr llvm::StringLiteral kInPlaceAttrName = "rope.in_place";

/// The argument that result `index` of `func` updates: the root of the
/// chain of destinations it is built on (tensor.insert_slice destinations,
/// scf.forall shared outputs), when that is an argument of the function's
/// body that no other result updates. Else none.
std::optional<unsigned> inPlaceArgument(func::FuncOp func, unsigned index);

} // namespace mlir::rope

#endif // ROPE_ABI_INPLACERESULTS_H
