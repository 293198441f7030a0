//===- RopeOps.h - Rope operations ------------------------------*- C++ -*-===//

#ifndef ROPE_DIALECT_ROPE_IR_ROPEOPS_H
#define ROPE_DIALECT_ROPE_IR_ROPEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "rope/Dialect/Rope/IR/RopeAttrs.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

#define GET_OP_CLASSES
#include "rope/Dialect/Rope/IR/RopeOps.h.inc"

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Indices of the token dimensions of a rotated tensor in `layout`: {0} for
/// thd, {0, 1} for bshd, {0, 2} for bhsd.
SmallVector<int64_t> getTokenDims(Layout layout);
/// Index of the head-count dimension in `layout`.
int64_t getHeadCountDim(Layout layout);
/// Rank of every rotated tensor in `layout`.
int64_t getTensorRank(Layout layout);

/// Adds the canonicalization that folds every frequency specification known
/// at compile time into `#rope.inv_freqs` (computed in double precision).
void populateFoldStaticFrequenciesPatterns(RewritePatternSet &patterns);
} // namespace rope
} // namespace mlir

#endif // ROPE_DIALECT_ROPE_IR_ROPEOPS_H
