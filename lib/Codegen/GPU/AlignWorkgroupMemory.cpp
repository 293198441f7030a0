//===- AlignWorkgroupMemory.cpp - rope-align-workgroup-memory pass --------===//

#include "rope/Codegen/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEALIGNWORKGROUPMEMORYPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeAlignWorkgroupMemoryPass
    : rope::impl::RopeAlignWorkgroupMemoryPassBase<
          RopeAlignWorkgroupMemoryPass> {
  using Base::Base;
  void runOnOperation() override {
    Builder b(&getContext());
    StringAttr alignName =
        b.getStringAttr(LLVM::LLVMDialect::getAlignAttrName());
    getOperation()->walk([&](gpu::GPUFuncOp func) {
      for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i) {
        int64_t current = 0;
        if (auto attr = dyn_cast_or_null<IntegerAttr>(
                func.getWorkgroupAttributionAttr(i, alignName)))
          current = attr.getInt();
        if (current < alignment)
          func.setWorkgroupAttributionAttr(
              i, alignName, b.getI64IntegerAttr(alignment));
      }
    });
  }
};
} // namespace
