//===- FrequencyTensors.h - Frequencies as f64 tensors ----------*- C++ -*-===//
//
// Shared by the CPU (linalg) and GPU lowerings: the inverse frequencies of
// a frequency attribute as tensors, computed at run time (on the host) for
// the scaling types that depend on the sequence length.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_CONVERSION_UTILS_FREQUENCYTENSORS_H
#define ROPE_CONVERSION_UTILS_FREQUENCYTENSORS_H

#include "rope/Dialect/Rope/IR/RopeAttrs.h"

#include "mlir/IR/Builders.h"

namespace mlir::rope {

/// Inverse frequencies as a tensor<R/2 x f64> (the angle is formed in f64,
/// see SinCos.h) and the attention factor applied to cos and sin.
struct FrequencyTensors {
  Value freqs;
  double attentionFactor = 1.0;
};

/// Whether the frequencies of `freqs` depend on the sequence length n.
bool needsSequenceLength(FrequencyAttrInterface freqs);

/// Builds the frequency tensors of `freqs` for rotary dimension `rotaryDim`.
/// `seqLen` (i64, largest position + 1) is only used by run-time specs.
FrequencyTensors buildFrequencyTensors(OpBuilder &b, Location loc,
                                       FrequencyAttrInterface freqs,
                                       int64_t rotaryDim, Value seqLen);

/// Smallest and largest element (as i64) of an integer tensor, computed by
/// a loop nest without allocating. Empty tensors give (INT64_MAX, INT64_MIN).
std::pair<Value, Value> buildMinMax(OpBuilder &b, Location loc, Value tensor);

/// Smallest and largest position (i64) and whether there is none (i1).
struct PositionRange {
  Value min, max, empty;
};
/// The range of `positions`: for rope.positions `offset + s`, offset and
/// offset + S - 1 without reading them; otherwise a scan (buildMinMax).
PositionRange buildPositionRange(OpBuilder &b, Location loc, Value positions);
/// [offset, offset + seqLen - 1] of positions `offset + s` (offset i64,
/// seqLen index); `empty` is left to the caller.
PositionRange buildOffsetPositionRange(OpBuilder &b, Location loc,
                                       Value offset, Value seqLen);

} // namespace mlir::rope

#endif // ROPE_CONVERSION_UTILS_FREQUENCYTENSORS_H
