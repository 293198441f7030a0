//===- LoweringHelpers.h - Pieces shared by the rope lowerings --*- C++ -*-===//

#ifndef ROPE_CONVERSION_UTILS_LOWERINGHELPERS_H
#define ROPE_CONVERSION_UTILS_LOWERINGHELPERS_H

#include "rope/Utils/SinCos.h"

#include "mlir/IR/Builders.h"

namespace mlir::rope {

/// mrope: `choices[k]` for the position axis k of frequency `i` (index).
/// Consecutive sections [s0, ..., s(N-1)]: k with s0 + ... + s(k-1) <= i <
/// s0 + ... + sk. `interleaved` (Qwen3-VL): k >= 1 when i % N == k and
/// i < N * sk, else 0.
Value selectMRopeSection(OpBuilder &b, Location loc, Value i,
                         ArrayRef<int64_t> sections, bool interleaved,
                         ValueRange choices);

/// `v` (index or a signless integer) as i64: index_cast, sign extension, or
/// `v` itself.
Value castToI64(OpBuilder &b, Location loc, Value v);

/// Multiplies cos and sin (f32 scalars or vectors) by the attention factor
/// `a`; no-op for a = 1.
SinCos scaleByAttentionFactor(OpBuilder &b, Location loc, SinCos sc, double a);

/// The row (index) of position `pos` (i64) in a table of `rows` rows (i64),
/// clamped into [0, rows - 1] so that no position reads out of bounds.
Value buildClampedRow(OpBuilder &b, Location loc, Value pos, Value rows);

/// The rotation of one element of a pair, the one formula of every lowering:
/// y = fma(x, c, p * s), where `p` is `-x1` for the first element of the
/// pair (x = x0) and `x0` for the second (x = x1), so that
///   y0 = x0 c - x1 s,   y1 = x1 c + x0 s.
/// f32 scalars or vectors; `s` already negated for the inverse rotation.
Value buildPairElementRotation(OpBuilder &b, Location loc, Value x, Value p,
                               Value c, Value s);
/// Both elements of a pair (x0, x1): (x0 c - x1 s, x1 c + x0 s).
std::pair<Value, Value> buildPairRotation(OpBuilder &b, Location loc, Value x0,
                                          Value x1, Value c, Value s);
} // namespace mlir::rope

#endif // ROPE_CONVERSION_UTILS_LOWERINGHELPERS_H
