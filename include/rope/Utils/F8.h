//===- F8.h - fp8 conversions as integer arithmetic -------------*- C++ -*-===//

#ifndef ROPE_UTILS_F8_H
#define ROPE_UTILS_F8_H

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Rewrites the conversions LLVM has no instructions for, between f32 (and
/// the floats that extend to it exactly: f16, bf16) and f8E4M3FN or f8E5M2,
/// scalar or vector, into 32-bit integer arithmetic on the bits, and fp8
/// constants into i8 constants; fp8 values then live as i8, which the LLVM
/// type conversion already makes of them. arith.truncf rounds to nearest
/// even as APFloat does: subnormals kept, NaN to NaN; past the largest
/// finite value f8E4M3FN (no infinities) gives NaN and f8E5M2 infinity, so a
/// saturating quantization clamps first. arith.extf is exact.
void populateExpandF8Patterns(RewritePatternSet &patterns);
} // namespace rope
} // namespace mlir

#endif // ROPE_UTILS_F8_H
