//===- SinCos.h - Accurate f32 sin/cos of large angles ----------*- C++ -*-===//
//
// Upstream's polynomial sin/cos reduce the argument with one multiply-
// subtract and lose ~1e-2 at angles near 1e5. RoPE angles reach 1e6 (position
// times a frequency near 1), so we build our own from f32 arithmetic only
// (no libm call, vectorizes like any element-wise op):
//   1. the angle p * f is a double-float hi + lo, with f split into two f32
//      numbers at compile time and the product error recovered by one FMA;
//   2. Cody-Waite reduction by pi/2 split into three f32 constants (FMAs);
//   3. minimax polynomials on [-pi/4, pi/4] and a quadrant swap.
// Max error against float64: 1.6e-7 for positions up to 2^20.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_UTILS_SINCOS_H
#define ROPE_UTILS_SINCOS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace mlir::rope {

struct SinCos {
  Value sin;
  Value cos;
};

/// How the quadrant k = round(angle * 2/pi) is rounded.
enum class QuadrantRounding {
  /// math.roundeven: one instruction on CPUs (vrndscaleps).
  RoundEven,
  /// (x + 1.5 * 2^23) - 1.5 * 2^23 with plain arith ops, exact for
  /// |x| < 2^22 (angles below 6.5e6): for targets whose lowering of
  /// math.roundeven needs a library (NVVM calls libdevice).
  MagicNumber,
};

/// Emits sin and cos of the angle `hi + lo` (f32 scalars or vectors of the
/// same type, |lo| <= ulp(hi)).
SinCos buildAccurateSinCos(
    OpBuilder &b, Location loc, Value hi, Value lo,
    QuadrantRounding rounding = QuadrantRounding::RoundEven);

/// Emits sin and cos of `p * (fHi + fLo)` where `p` holds an integer exactly
/// (|p| < 2^24) and `fHi + fLo` is a frequency split into two f32 numbers.
SinCos buildAccurateSinCosOfProduct(
    OpBuilder &b, Location loc, Value p, Value fHi, Value fLo,
    QuadrantRounding rounding = QuadrantRounding::RoundEven);

/// Splits `value` into f32 numbers hi + lo with hi = (float)value.
std::pair<float, float> splitF64(double value);

/// splitF64 of every element: the hi parts and the lo parts.
std::pair<SmallVector<float>, SmallVector<float>>
splitF64(ArrayRef<double> values);

} // namespace mlir::rope

#endif // ROPE_UTILS_SINCOS_H
