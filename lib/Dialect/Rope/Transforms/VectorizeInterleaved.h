//===- VectorizeInterleaved.h - interleaved rotation vectorizer -*- C++ -*-===//

#ifndef LIB_DIALECT_ROPE_TRANSFORMS_VECTORIZEINTERLEAVED_H
#define LIB_DIALECT_ROPE_TRANSFORMS_VECTORIZEINTERLEAVED_H

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

} // namespace mlir::rope

#endif // LIB_DIALECT_ROPE_TRANSFORMS_VECTORIZEINTERLEAVED_H
