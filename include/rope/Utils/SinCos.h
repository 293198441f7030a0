//===- SinCos.h - Accurate f32 sin/cos of large angles ----------*- C++ -*-===//
//
// Upstream's polynomial sin/cos reduce the argument with one multiply-
// subtract and lose ~1e-2 at angles near 1e5. RoPE angles p * f reach 2^31
// (positions up to 2^31 - 1, frequencies up to 1), where one f32 ulp is 256
// and one f64 ulp 2.4e-7, so:
//   1. the angle p * f is formed in f64 as hi + err, the product's rounding
//      error recovered exactly by one FMA (p is an integer, exact in f64);
//   2. Cody-Waite reduction by pi/2 split into two f64 constants (FMAs),
//      exact for |k| < 2^52; the reduced angle is then rounded to f32;
//   3. minimax f32 polynomials on [-pi/4, pi/4] and a quadrant swap.
// Max error against float64: ~1.2e-7 for every |p| < 2^31 and f <= 1
// (docs/accuracy.md). The f64 part runs once per token and frequency, shared
// by every head.
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
  /// math.roundeven: one instruction on CPUs (vrndscalepd).
  RoundEven,
  /// (x + 1.5 * 2^52) - 1.5 * 2^52 with plain arith ops, exact for
  /// |x| < 2^51: for targets whose lowering of math.roundeven needs a
  /// library (NVVM calls libdevice).
  MagicNumber,
};

/// Emits sin and cos (f32) of `p * f`, where `p` (f64) holds an integer and
/// `f` is an f64 inverse frequency (scalars or vectors of one shape).
SinCos buildAccurateSinCosOfProduct(
    OpBuilder &b, Location loc, Value p, Value f,
    QuadrantRounding rounding = QuadrantRounding::RoundEven);

} // namespace mlir::rope

#endif // ROPE_UTILS_SINCOS_H
