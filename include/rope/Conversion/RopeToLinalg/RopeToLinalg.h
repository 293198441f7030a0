//===- RopeToLinalg.h - rope to linalg lowering -----------------*- C++ -*-===//

#ifndef ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H
#define ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Adds the patterns that lower the rope ops to linalg/tensor/arith/math,
/// one linalg.generic per op (rope.rotate through its decomposition). The
/// ops may be tiles of rope-tile-and-fuse; run-time checks are not part of
/// the lowering (rope-insert-runtime-checks).
void populateRopeToLinalgConversionPatterns(RewritePatternSet &patterns);
} // namespace rope
} // namespace mlir

#endif // ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H
