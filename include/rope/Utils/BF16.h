//===- BF16.h - Vector-friendly bf16 conversions ----------------*- C++ -*-===//

#ifndef ROPE_UTILS_BF16_H
#define ROPE_UTILS_BF16_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Rewrites arith.truncf f32 -> bf16 (scalar or vector) into 32-bit integer
/// rounding (nearest even, NaN preserved) that LLVM vectorizes on targets
/// without native bf16 conversions. Truncs carrying the unit attribute
/// `noNaNCheckAttr` skip the NaN fix-up: the caller guarantees that every
/// NaN they round has zero low 16 bits (see rope-expand-bf16).
void populateExpandBF16TruncPatterns(RewritePatternSet &patterns,
                                     llvm::StringRef noNaNCheckAttr = {});

/// Rewrites extf(vector.deinterleave) from bf16 pairs to f32 and
/// vector.interleave(truncf, truncf) from f32 to bf16 pairs into shifts and
/// masks on 32-bit words (one word holds a pair), instead of shuffles. With
/// `funnelShiftMerge`, the two rounded words of an interleave are merged
/// with `llvm.intr.fshr` (LLVM dialect) instead of a mask and an or.
void populateBF16PairWordPatterns(RewritePatternSet &patterns,
                                  llvm::StringRef noNaNCheckAttr = {},
                                  bool funnelShiftMerge = false);
} // namespace rope
} // namespace mlir

#endif // ROPE_UTILS_BF16_H
