//===- FreeLocalBuffers.cpp - rope-free-local-buffers pass ----------------===//

#include "rope/ABI/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFREELOCALBUFFERSPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

/// Whether every use of `buffer` and of the views of it only reads or
/// writes memory: no return, yield, call, store of the pointer or any op
/// whose use we cannot classify. Uses may sit in nested regions (a loop
/// body), which finish before the block's terminator runs.
static bool staysLocal(Value buffer, Block *block) {
  SmallVector<Value> worklist{buffer};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (user == block->getTerminator())
        return false;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
        if (view.getViewSource() == v) {
          for (Value result : user->getResults())
            worklist.push_back(result);
          continue;
        }
        return false;
      }
      if (isa<memref::DimOp>(user))
        continue;
      // Ops that touch the buffer's memory and return no buffer (loads
      // return values, not aliases).
      auto effects = dyn_cast<MemoryEffectOpInterface>(user);
      if (!effects || user->hasTrait<OpTrait::IsTerminator>() ||
          llvm::any_of(user->getResultTypes(), llvm::IsaPred<BaseMemRefType>))
        return false;
      SmallVector<MemoryEffects::EffectInstance> list;
      effects.getEffectsOnValue(v, list);
      if (list.empty() ||
          llvm::any_of(list, [](const MemoryEffects::EffectInstance &e) {
            return isa<MemoryEffects::Allocate, MemoryEffects::Free>(
                e.getEffect());
          }))
        return false;
    }
  }
  return true;
}

namespace {
struct RopeFreeLocalBuffersPass
    : rope::impl::RopeFreeLocalBuffersPassBase<RopeFreeLocalBuffersPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation()->walk([&](memref::AllocOp op) { allocs.push_back(op); });
    for (memref::AllocOp alloc : allocs) {
      Block *block = alloc->getBlock();
      if (!block->mightHaveTerminator() || !staysLocal(alloc, block))
        continue;
      OpBuilder b(block->getTerminator());
      memref::DeallocOp::create(b, alloc.getLoc(), alloc);
    }
  }
};
} // namespace
