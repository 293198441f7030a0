//===- BF16VectorMemoryAsI16.cpp - rope-bf16-vector-memory-as-i16 ---------===//

#include "rope/Codegen/CPU/Passes.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEBF16VECTORMEMORYASI16PASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

/// The i16 vector type of the same shape, for a vector of bf16.
static VectorType asI16(Type t) {
  auto v = dyn_cast<VectorType>(t);
  if (!v || !v.getElementType().isBF16())
    return {};
  return v.clone(IntegerType::get(t.getContext(), 16));
}

namespace {
struct RopeBF16VectorMemoryAsI16Pass
    : rope::impl::RopeBF16VectorMemoryAsI16PassBase<
          RopeBF16VectorMemoryAsI16Pass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](Operation *op) {
      if (auto store = dyn_cast<LLVM::StoreOp>(op)) {
        VectorType i16 = asI16(store.getValue().getType());
        if (!i16)
          return;
        rewriter.setInsertionPoint(store);
        Value cast = LLVM::BitcastOp::create(rewriter, store.getLoc(), i16,
                                             store.getValue());
        rewriter.modifyOpInPlace(
            store, [&] { store.getValueMutable().assign(cast); });
      } else if (auto load = dyn_cast<LLVM::LoadOp>(op)) {
        Type bf16 = load.getType();
        VectorType i16 = asI16(bf16);
        if (!i16)
          return;
        rewriter.setInsertionPointAfter(load);
        rewriter.modifyOpInPlace(load, [&] { load.getResult().setType(i16); });
        auto cast = LLVM::BitcastOp::create(rewriter, load.getLoc(), bf16,
                                            load.getResult());
        rewriter.replaceAllUsesExcept(load.getResult(), cast.getResult(),
                                      cast);
      }
    });
  }
};
} // namespace
