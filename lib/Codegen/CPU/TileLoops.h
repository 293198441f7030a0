//===- TileLoops.h - The tile loops of the rope lowering --------*- C++ -*-===//

#ifndef LIB_CODEGEN_CPU_TILELOOPS_H
#define LIB_CODEGEN_CPU_TILELOOPS_H

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::rope {

/// The outermost scf.forall loops without results under `root`: after
/// bufferization, the token-tile loops of rope-tile-and-fuse.
inline SmallVector<scf::ForallOp> collectTileLoops(Operation *root) {
  SmallVector<scf::ForallOp> loops;
  root->walk([&](scf::ForallOp loop) {
    if (loop->getNumResults() == 0 && !loop->getParentOfType<scf::ForallOp>())
      loops.push_back(loop);
  });
  return loops;
}

} // namespace mlir::rope

#endif // LIB_CODEGEN_CPU_TILELOOPS_H
