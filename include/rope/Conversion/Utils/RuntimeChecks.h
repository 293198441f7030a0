//===- RuntimeChecks.h - Run-time checks of rope.rotate operands -*- C++ -*-===//
//
// Shared by the CPU and GPU lowerings: the verifier checks static shapes,
// these checks cover what only the data can tell.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_CONVERSION_UTILS_RUNTIMECHECKS_H
#define ROPE_CONVERSION_UTILS_RUNTIMECHECKS_H

#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::rope {

/// Emits a cf.assert that every dynamic dimension shared between operands
/// (token dims of all inputs, inits, positions, per-token caches) agrees.
void buildShapeChecks(OpBuilder &b, Location loc, RotateOp op);

/// Emits a cf.assert that positions [minPos, maxPos] (i64) index rows of the
/// cos/sin cache.
void buildCacheBoundsCheck(OpBuilder &b, Location loc, RotateOp op,
                           Value minPos, Value maxPos);

/// Whether the position `pos` (i64) satisfies |pos| < RotateOp::kPositionLimit
/// (an i1).
Value buildPositionInRange(OpBuilder &b, Location loc, Value pos);

/// Emits a cf.assert that positions [minPos, maxPos] (i64) used with
/// frequencies are within RotateOp::kPositionLimit, unless `empty` (i1)
/// says there are none.
void buildPositionRangeCheck(OpBuilder &b, Location loc, Value minPos,
                             Value maxPos, Value empty);

} // namespace mlir::rope

#endif // ROPE_CONVERSION_UTILS_RUNTIMECHECKS_H
