//===- DropConstantUnitDims.cpp - rope-drop-constant-unit-dims pass -------===//

#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEDROPCONSTANTUNITDIMSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// Whether an operand of `op` is indexed by a constant in some dimension.
bool hasConstantIndex(linalg::GenericOp op) {
  return llvm::any_of(op.getIndexingMapsArray(), [](AffineMap map) {
    return llvm::any_of(map.getResults(), [](AffineExpr e) {
      return isa<AffineConstantExpr>(e);
    });
  });
}

struct RopeDropConstantUnitDimsPass
    : rope::impl::RopeDropConstantUnitDimsPassBase<
          RopeDropConstantUnitDimsPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics() && hasConstantIndex(op))
        generics.push_back(op);
    });
    // Only operand dimensions read at a constant 0 go: no loop dimension
    // is dropped (a batch of 1 keeps its loop, as the rope ops keep it).
    linalg::ControlDropUnitDims options;
    // Upstream drops the unit loops among these (none: only the others are
    // offered) and the operand dimensions read at a constant 0.
    options.controlFn = [](Operation *op) {
      SmallVector<unsigned> dims;
      for (auto [d, range] : llvm::enumerate(
               cast<linalg::GenericOp>(op).getStaticLoopRanges()))
        if (range != 1)
          dims.push_back(d);
      return dims;
    };
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : generics) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::DropUnitDimsResult> result =
          linalg::dropUnitDims(rewriter, op, options);
      if (succeeded(result))
        rewriter.replaceOp(op, result->replacements);
    }
  }
};
} // namespace
