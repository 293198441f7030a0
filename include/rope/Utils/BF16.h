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

/// Rewrites extf(vector.deinterleave) from bf16 pairs to f32 and
/// vector.interleave(truncf, truncf) from f32 to bf16 pairs into shifts and
/// masks on 32-bit words (one word holds a pair), instead of shuffles.
void populateBF16PairWordPatterns(RewritePatternSet &patterns);
} // namespace rope
} // namespace mlir

#endif // ROPE_UTILS_BF16_H
