//===- BF16.h - Vector-friendly bf16 conversions ----------------*- C++ -*-===//

#ifndef ROPE_UTILS_BF16_H
#define ROPE_UTILS_BF16_H

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Rewrites arith.truncf f32 -> bf16 (scalar or vector) into 32-bit integer
/// rounding (nearest even, NaN preserved) that LLVM vectorizes on targets
/// without native bf16 conversions.
void populateExpandBF16TruncPatterns(RewritePatternSet &patterns);
} // namespace rope
} // namespace mlir

#endif // ROPE_UTILS_BF16_H
