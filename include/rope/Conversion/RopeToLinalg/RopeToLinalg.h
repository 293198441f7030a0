//===- RopeToLinalg.h - rope to linalg lowering -----------------*- C++ -*-===//

#ifndef ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H
#define ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Adds the patterns that lower rope.rotate to linalg/tensor/arith/math.
void populateRopeToLinalgConversionPatterns(RewritePatternSet &patterns);
} // namespace rope
} // namespace mlir

#endif // ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H
