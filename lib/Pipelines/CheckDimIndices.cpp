//===- CheckDimIndices.cpp - rope-check-dim-indices pass ------------------===//

#include "rope/Pipelines/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/ShapedOpInterfaces.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKDIMINDICESPASS
#include "rope/Pipelines/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeCheckDimIndicesPass
    : rope::impl::RopeCheckDimIndicesPassBase<RopeCheckDimIndicesPass> {
  void runOnOperation() override {
    // tensor.dim and memref.dim share ShapedDimOpInterface.
    WalkResult result = getOperation()->walk([](ShapedDimOpInterface op) {
      std::optional<int64_t> index = getConstantIntValue(op.getDimension());
      auto type = dyn_cast<ShapedType>(op.getShapedValue().getType());
      if (!index || !type || !type.hasRank() ||
          (*index >= 0 && *index < type.getRank()))
        return WalkResult::advance();
      op->emitOpError("index ")
          << *index << " is out of range for a rank-" << type.getRank()
          << " operand";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
