//===- TileLoops.h - The tile loops of the rope lowering --------*- C++ -*-===//

#ifndef LIB_CODEGEN_CPU_TILELOOPS_H
#define LIB_CODEGEN_CPU_TILELOOPS_H

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::rope {

/// The outermost scf.forall loops without results under `root`: after
/// bufferization, the token-tile loops of rope-tile-and-fuse.
SmallVector<scf::ForallOp> collectTileLoops(Operation *root);

/// A forall's bounds as values, built before it.
struct ForallIterations {
  SmallVector<Value> lowerBounds, steps;
  /// max(ceildiv(ub - lb, step), 0) per dimension (folded where constant).
  SmallVector<Value> tripCounts;
  /// Their product: the number of iterations.
  Value total;
};
ForallIterations buildForallIterations(OpBuilder &b, scf::ForallOp loop);

} // namespace mlir::rope

#endif // LIB_CODEGEN_CPU_TILELOOPS_H
