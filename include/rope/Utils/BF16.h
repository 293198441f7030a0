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

/// Rewrites extf(vector.deinterleave) from bf16 pairs to f32 into a shift
/// (even elements) and a mask (odd elements) of 32-bit words (one word holds
/// a pair), instead of shuffles.
void populateBF16PairWidenPatterns(RewritePatternSet &patterns);

/// Rewrites vector.interleave(truncf, truncf) from f32 to bf16 pairs into
/// the integer rounding of both and a merge of the rounded 32-bit words, a
/// mask and an or (with `funnelShiftMerge`, `llvm.intr.fshr`, LLVM dialect).
void populateBF16PairMergePatterns(RewritePatternSet &patterns,
                                   llvm::StringRef noNaNCheckAttr = {},
                                   bool funnelShiftMerge = false);
} // namespace rope
} // namespace mlir

#endif // ROPE_UTILS_BF16_H
