//===- BF16.h - Vector-friendly bf16 conversions ----------------*- C++ -*-===//

#ifndef ROPE_UTILS_BF16_H
#define ROPE_UTILS_BF16_H

#include <functional>

namespace mlir {
class Operation;
class RewritePatternSet;
namespace rope {
/// Whether an arith.truncf to bf16 may skip the NaN fix-up: the caller
/// guarantees that every NaN it rounds has zero low 16 bits.
using NoNaNCheck = std::function<bool(Operation *trunc)>;

/// Rewrites arith.truncf f32 -> bf16 (scalar or vector) into 32-bit integer
/// rounding (nearest even, NaN preserved) that LLVM vectorizes on targets
/// without native bf16 conversions. Truncs for which `noNaNCheck` holds skip
/// the NaN fix-up (see rope-expand-bf16).
void populateExpandBF16TruncPatterns(RewritePatternSet &patterns,
                                     NoNaNCheck noNaNCheck = nullptr);

/// Rewrites extf(vector.deinterleave) from bf16 pairs to f32 into a shift
/// (even elements) and a mask (odd elements) of 32-bit words (one word holds
/// a pair), instead of shuffles.
void populateBF16PairWidenPatterns(RewritePatternSet &patterns);

/// Rewrites vector.interleave(truncf, truncf) from f32 to bf16 pairs into
/// the integer rounding of both and a merge of the rounded 32-bit words, a
/// mask and an or (with `funnelShiftMerge`, `llvm.intr.fshr`, LLVM dialect).
void populateBF16PairMergePatterns(RewritePatternSet &patterns,
                                   NoNaNCheck noNaNCheck = nullptr,
                                   bool funnelShiftMerge = false);
} // namespace rope
} // namespace mlir

#endif // ROPE_UTILS_BF16_H
