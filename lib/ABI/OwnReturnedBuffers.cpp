//===- OwnReturnedBuffers.cpp - rope-own-returned-buffers pass ------------===//
//
// The caller frees what a public function returns, except the arguments it
// returns whole (updated in place): only the function's own allocations
// and those arguments may be returned.
//
//===----------------------------------------------------------------------===//

#include "rope/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEOWNRETURNEDBUFFERSPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeOwnReturnedBuffersPass
    : rope::impl::RopeOwnReturnedBuffersPassBase<RopeOwnReturnedBuffersPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      llvm::SmallPtrSet<Value, 4> returned;
      func.walk([&](func::ReturnOp ret) {
        OpBuilder b(ret);
        for (OpOperand &operand : ret->getOpOperands()) {
          auto value = dyn_cast<TypedValue<MemRefType>>(operand.get());
          if (!value)
            continue;
          // Globals and arguments are not the function's to give away, nor
          // an allocation already returned; others (memref.alloc,
          // gpu.alloc, views of them) are.
          Value root = memref::skipViewLikeOps(value);
          // An argument returned whole was updated in place (a KV cache
          // written through tensor.insert_slice): the caller knows it by
          // its allocated pointer, its own, and does not free it.
          if (value == root && isa<BlockArgument>(root))
            continue;
          bool foreign = isa<BlockArgument>(root) ||
                         root.getDefiningOp<memref::GetGlobalOp>();
          if (!foreign && returned.insert(root).second)
            continue;
          MemRefType type = value.getType();
          auto identity =
              MemRefType::get(type.getShape(), type.getElementType(),
                              MemRefLayoutAttrInterface(),
                              type.getMemorySpace());
          if (identity != type)
            continue; // a non-identity result type: not what we return
          SmallVector<Value> sizes;
          for (int64_t d = 0; d < type.getRank(); ++d)
            if (type.isDynamicDim(d))
              sizes.push_back(
                  memref::DimOp::create(b, ret.getLoc(), value, d));
          Value copy =
              memref::AllocOp::create(b, ret.getLoc(), type, sizes);
          memref::CopyOp::create(b, ret.getLoc(), value, copy);
          operand.set(copy);
        }
      });
    }
  }
};
} // namespace
