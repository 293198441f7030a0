//===- BufferRoots.cpp - Where a memref view's data lives -----------------===//

#include "BufferRoots.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
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

FailureOr<SmallVector<rope::MemoryAccess>>
mlir::rope::memoryAccessesIn(Operation *op) {
  SmallVector<MemoryAccess> accesses;
  WalkResult result = op->walk([&](Operation *nested) {
    if (nested == op)
      return WalkResult::advance();
    auto iface = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!iface) {
      bool nothing = nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                     (nested->hasTrait<OpTrait::IsTerminator>() &&
                      nested->getNumOperands() == 0);
      return nothing ? WalkResult::advance() : WalkResult::interrupt();
    }
    SmallVector<MemoryEffects::EffectInstance> effects;
    iface.getEffects(effects);
    for (const MemoryEffects::EffectInstance &e : effects) {
      bool write =
          isa<MemoryEffects::Write, MemoryEffects::Free>(e.getEffect());
      bool read = isa<MemoryEffects::Read>(e.getEffect());
      Value v = e.getValue();
      if (!v) {
        if (read || isa<MemoryEffects::Write>(e.getEffect()))
          return WalkResult::interrupt();
        continue; // an allocation or a free of no particular buffer
      }
      if (!isa<BaseMemRefType>(v.getType()))
        return WalkResult::interrupt();
      if (write || read)
        accesses.push_back({nested, v, write});
    }
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  return accesses;
}
