//===- RopeToLinalg.h - rope to linalg lowering -----------------*- C++ -*-===//

#ifndef ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H
#define ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H

#include <cstdint>

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Adds the patterns that lower rope.rotate to linalg/tensor/arith/math.
/// With `tokenTile > 0` the lowering is an scf.forall over tiles of that many
/// tokens, each computing its cos/sin table once for all inputs and heads.
void populateRopeToLinalgConversionPatterns(RewritePatternSet &patterns,
                                            int64_t tokenTile = 0,
                                            int64_t minTiles = 1);
} // namespace rope
} // namespace mlir

#endif // ROPE_CONVERSION_ROPETOLINALG_ROPETOLINALG_H
