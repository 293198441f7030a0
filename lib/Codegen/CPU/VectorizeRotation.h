//===- VectorizeRotation.h - custom vectorizers of rotation tiles -*- C++ -*-===//

#ifndef LIB_DIALECT_ROPE_TRANSFORMS_VECTORIZEROTATION_H
#define LIB_DIALECT_ROPE_TRANSFORMS_VECTORIZEROTATION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::rope {

/// Vectorizes one tile [1, ..., 1, N, 2] of an interleaved rotation generic
/// (tagged rope.stage = "rotate", reading even/odd elements through stride-2
/// slices and per-token cos/sin tables): reads the 2N contiguous elements
/// once, splits them with vector.deinterleave, evaluates the generic's body
/// for both pair elements on N-lane vectors and writes them back
/// re-interleaved. Upstream's vectorizer would turn the stride-2 reads into
/// gathers. Fails (changing nothing) when the tile does not have that form.
FailureOr<Value> vectorizeInterleavedRotation(RewriterBase &rewriter,
                                              linalg::GenericOp tile);

/// Vectorizes one tile [1, ..., 1, 2, N] of a half-pairing rotation generic
/// with bf16 inputs and output: reads x0, x1, cos and sin as N-lane vectors,
/// splits each into even and odd lanes (vector.deinterleave), evaluates the
/// body on the N/2-lane halves and writes each pair element re-interleaved.
/// The result is the same lane by lane; the point is that rope-expand-bf16
/// then turns the bf16 splits and merges into shifts and masks on 32-bit
/// words (fewer instructions than widening 16-bit lanes). Fails (changing
/// nothing) for other tiles.
FailureOr<Value> vectorizeHalfRotationBF16(RewriterBase &rewriter,
                                           linalg::GenericOp tile);

} // namespace mlir::rope

#endif // LIB_DIALECT_ROPE_TRANSFORMS_VECTORIZEROTATION_H
