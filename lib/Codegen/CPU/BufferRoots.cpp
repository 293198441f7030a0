//===- BufferRoots.cpp - Where a memref view's data lives -----------------===//

#include "BufferRoots.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

Value mlir::rope::rootBuffer(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def))
      memref = view.getViewSource();
    else if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
      memref = def->getOperand(0);
    else
      break;
  }
  return memref;
}

bool mlir::rope::isContainedView(Operation *op) {
  return isa_and_nonnull<memref::SubViewOp, memref::ExpandShapeOp,
                         memref::CollapseShapeOp, memref::CastOp>(op);
}

bool mlir::rope::isOnStack(Value memref) {
  return rootBuffer(memref).getDefiningOp<memref::AllocaOp>() != nullptr;
}

bool mlir::rope::isStreamedBuffer(Value memref) {
  Value root = rootBuffer(memref);
  if (root.getDefiningOp<memref::AllocOp>())
    return true;
  auto arg = dyn_cast<BlockArgument>(root);
  return arg && isa<FunctionOpInterface>(arg.getOwner()->getParentOp());
}
