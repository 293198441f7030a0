//===- Transforms.h - Rope rewrite patterns ---------------------*- C++ -*-===//

#ifndef ROPE_DIALECT_ROPE_TRANSFORMS_TRANSFORMS_H
#define ROPE_DIALECT_ROPE_TRANSFORMS_TRANSFORMS_H

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Adds the pattern rewriting rope.rotate as rope.positions / rope.inv_freq /
/// rope.cos_sin / rope.gather and rope.apply (the op's definition).
void populateDecomposeRotatePatterns(RewritePatternSet &patterns);
} // namespace rope
} // namespace mlir

#endif // ROPE_DIALECT_ROPE_TRANSFORMS_TRANSFORMS_H
