//===- FuseConsumers.cpp - rope-fuse-consumers pass -----------------------===//
//
// An elementwise op after a rope op (fp8 quantization) joins the rope op's
// token loop (upstream tileAndFuseConsumer), and a rope result nothing else
// reads is no longer written whole.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSECONSUMERSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
bool hasRopeTile(scf::ForallOp loop) {
  return llvm::any_of(loop.getBody()->without_terminator(),
                      [](Operation &op) { return isa<ApplyOp>(op); });
}

/// The operands of `op` and the values its body reads from above.
SetVector<Value> usedValues(Operation *op) {
  SetVector<Value> values(op->getOperands().begin(), op->getOperands().end());
  getUsedValuesDefinedAbove(op->getRegions(), values);
  return values;
}

/// An elementwise linalg op that reads `result` once (at the same
/// element); else null. Other users keep reading the loop's result (the
/// rotated k returned as well as quantized into a cache).
linalg::LinalgOp fusableConsumer(OpResult result) {
  for (OpOperand &use : result.getUses()) {
    auto consumer = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!consumer || !consumer.hasPureTensorSemantics() ||
        consumer.getNumLoops() != consumer.getNumParallelLoops() ||
        consumer->getNumResults() != 1 ||
        !llvm::all_of(
            consumer.getIndexingMapsArray(),
            [](AffineMap map) { return map.isProjectedPermutation(); }) ||
        !consumer.getMatchingIndexingMap(&use).isIdentity() ||
        !consumer.getIndexingMapMatchingResult(consumer->getResult(0))
             .isIdentity() ||
        consumer.isDpsInit(&use) ||
        llvm::count(consumer->getOperands(), result) != 1)
      continue;
    return consumer;
  }
  return {};
}

/// The tile of loop result `index` is now read in the loop only: the rope
/// tile writes a tile-sized tensor, not the whole result (the shared output
/// then folds away).
void stopWritingWhole(RewriterBase &rewriter, scf::ForallOp loop,
                      unsigned index) {
  BlockArgument out = loop.getRegionIterArgs()[index];
  for (Operation *user : llvm::make_early_inc_range(out.getUsers())) {
    if (auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(user)) {
      rewriter.eraseOp(insert);
      continue;
    }
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    if (!slice)
      continue;
    rewriter.setInsertionPoint(slice);
    rewriter.replaceOpWithNewOp<tensor::EmptyOp>(
        slice, slice.getMixedSizes(), slice.getType().getElementType());
  }
}

struct RopeFuseConsumersPass
    : rope::impl::RopeFuseConsumersPassBase<RopeFuseConsumersPass> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation()->walk([&](scf::ForallOp loop) {
      if (hasRopeTile(loop))
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp loop : loops) {
      bool changed = true;
      while (changed) {
        changed = false;
        DominanceInfo dominance;
        for (OpResult result : loop->getResults()) {
          linalg::LinalgOp consumer = fusableConsumer(result);
          if (!consumer)
            continue;
          // What else it reads (its empty destination, the scale, the
          // constants) defined before the loop (upstream's
          // moveValueDefinitions: pure ops only, all or nothing).
          SmallVector<Value> others = llvm::to_vector(llvm::make_filter_range(
              usedValues(consumer), [&](Value v) { return v != result; }));
          if (llvm::any_of(others,
                           [&](Value v) { return v.getDefiningOp() == loop; }) ||
              failed(moveValueDefinitions(rewriter, others, loop, dominance)))
            continue;
          unsigned index = result.getResultNumber();
          LoweringAttr config = LoweringAttr::of(loop);
          SmallVector<LoopLikeOpInterface> nest = {
              cast<LoopLikeOpInterface>(loop.getOperation())};
          FailureOr<scf::SCFFuseConsumerOfSliceResult> fused =
              scf::tileAndFuseConsumer(rewriter, consumer, nest);
          if (failed(fused) || fused->tiledOps.empty())
            continue;
          for (Operation *op : fused->tiledOps)
            LoweringAttr::set(op, LoweringAttr::of(op).withRole(Role::Fused));
          rewriter.eraseOp(consumer);
          loop = fused->tiledOps.front()->getParentOfType<scf::ForallOp>();
          LoweringAttr::set(loop, config);
          if (loop->getResult(index).use_empty())
            stopWritingWhole(rewriter, loop, index);
          changed = true;
          break;
        }
      }
    }
  }
};
} // namespace
