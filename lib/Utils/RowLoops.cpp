//===- RowLoops.cpp - Loops that write rows of tensors --------------------===//

#include "rope/Utils/RowLoops.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

bool mlir::rope::isRowLoop(scf::ForallOp loop) {
  return !loop.getMapping() && !loop.getOutputs().empty() &&
         llvm::all_of(loop.getTerminator().getYieldingOps(), [](Operation &op) {
           return isa<tensor::ParallelInsertSliceOp>(op);
         });
}
