//===- RopeToLinalg.h - rope to linalg lowering -----------------*- C++ -*-===//

#ifndef ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H
#define ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H

#include "rope/Utils/SinCos.h"

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Adds the patterns that lower the rope ops to linalg/tensor/arith/math,
/// one linalg.generic per op (rope.rotate through its decomposition). The
/// ops may be tiles of rope-tile-and-fuse; run-time checks are not part of
/// the lowering (rope-insert-runtime-checks).
/// `poisonInvalidPositions`: table entries of positions outside what the
/// run-time checks allow are NaN (for callers that cannot check them).
/// `rounding`: how the cos/sin range reduction rounds the quadrant.
/// `positionMaxAsReduction`: max(positions) of run-time frequencies as a
/// linalg reduction, not a host loop (for callers whose positions are
/// device data).
void populateRopeToLinalgConversionPatterns(
    RewritePatternSet &patterns, bool poisonInvalidPositions = false,
    QuadrantRounding rounding = QuadrantRounding::RoundEven,
    bool positionMaxAsReduction = false);
} // namespace rope
} // namespace mlir

#endif // ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H
