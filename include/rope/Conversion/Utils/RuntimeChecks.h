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

} // namespace mlir::rope

#endif // ROPE_CONVERSION_UTILS_RUNTIMECHECKS_H
