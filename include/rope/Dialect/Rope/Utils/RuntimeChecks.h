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
/// With `printSizes`, a mismatch first prints both sizes (printf: a
/// cf.assert message cannot carry them); without, the check is the assert
/// alone (for callers that turn asserts into statuses).
void buildShapeChecks(OpBuilder &b, Location loc, RotateOp op,
                      bool printSizes = true);

/// The same for rope.apply: ins vs outs, token counts of ins and tables.
void buildShapeChecks(OpBuilder &b, Location loc, ApplyOp op,
                      bool printSizes = true);
/// The same for a table producer (rope.cos_sin, rope.gather): positions vs
/// outs, and for rope.gather the widths and row counts of its tables.
void buildTableShapeChecks(OpBuilder &b, Location loc, Operation *op,
                           Value positions, Value cosInit, Value sinInit,
                           bool mrope, Value cosTable = {},
                           Value sinTable = {}, bool printSizes = true);
/// Emits a cf.assert with `message` that every dynamic size of `buffer` (a
/// caller's memref) equals that of `tensor` (same rank): a smaller buffer
/// would be written out of bounds. Nothing when both are static.
void buildBufferSizeCheck(OpBuilder &b, Location loc, Value tensor,
                          Value buffer, const Twine &message);

/// Emits a cf.assert that positions [minPos, maxPos] (i64) index rows of the
/// cos/sin cache.
void buildCacheBoundsCheck(OpBuilder &b, Location loc, RotateOp op,
                           Value minPos, Value maxPos);
void buildCacheBoundsCheck(OpBuilder &b, Location loc, Value table,
                           Value minPos, Value maxPos, StringRef opName);

/// Whether the position `pos` (i64) satisfies |pos| < RotateOp::kPositionLimit
/// (an i1).
Value buildPositionInRange(OpBuilder &b, Location loc, Value pos);

/// Emits a cf.assert that positions [minPos, maxPos] (i64) used with
/// frequencies are within RotateOp::kPositionLimit, unless `empty` (i1)
/// says there are none.
void buildPositionRangeCheck(OpBuilder &b, Location loc, Value minPos,
                             Value maxPos, Value empty,
                             StringRef opName = "rope.rotate");

} // namespace mlir::rope

#endif // ROPE_CONVERSION_UTILS_RUNTIMECHECKS_H
