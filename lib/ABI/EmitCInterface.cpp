//===- EmitCInterface.cpp - rope-emit-c-interface pass --------------------===//

#include "rope/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEEMITCINTERFACEPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeEmitCInterfacePass
    : rope::impl::RopeEmitCInterfacePassBase<RopeEmitCInterfacePass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                      UnitAttr::get(&getContext()));
  }
};
} // namespace
