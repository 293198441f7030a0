//===- DropInPlaceResults.cpp - rope-drop-in-place-results pass -----------===//
//
// Results that update an argument are that argument's buffer after
// bufferization: the caller already has it.
//
//===----------------------------------------------------------------------===//

#include "rope/ABI/InPlaceResults.h"
#include "rope/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEDROPINPLACERESULTSPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeDropInPlaceResultsPass
    : rope::impl::RopeDropInPlaceResultsPassBase<RopeDropInPlaceResultsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal() || !func.getBody().hasOneBlock())
        continue;
      BitVector drop(func.getNumResults());
      auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
      for (unsigned i = 0; i < func.getNumResults(); ++i) {
        auto arg = func.getResultAttrOfType<IntegerAttr>(i, rope::kInPlaceAttrName);
        if (!arg)
          continue;
        Value value = ret.getOperand(i);
        Value target = func.getArgument(arg.getInt());
        if (value != target) {
          if (value.getType() != target.getType()) {
            func.emitOpError("result ")
                << i << " updates argument " << arg.getInt()
                << " but has type " << value.getType() << ", not "
                << target.getType();
            return signalPassFailure();
          }
          OpBuilder b(ret);
          memref::CopyOp::create(b, ret.getLoc(), value, target);
        }
        drop.set(i);
      }
      if (drop.none())
        continue;
      ret->eraseOperands(drop);
      if (failed(func.eraseResults(drop)))
        return signalPassFailure();
    }
  }
};
} // namespace
