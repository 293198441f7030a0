//===- HoistLoopAllocas.cpp - rope-hoist-loop-allocas pass ----------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEHOISTLOOPALLOCASPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeHoistLoopAllocasPass
    : rope::impl::RopeHoistLoopAllocasPassBase<RopeHoistLoopAllocasPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    SmallVector<memref::AllocaOp> allocas;
    func.walk([&](memref::AllocaOp alloca) {
      if (alloca.getType().hasStaticShape() && alloca->getNumOperands() == 0 &&
          alloca->getParentOfType<LoopLikeOpInterface>())
        allocas.push_back(alloca);
    });
    Block &entry = func.getBody().front();
    for (memref::AllocaOp alloca : allocas)
      alloca->moveBefore(&entry, entry.begin());
  }
};
} // namespace
