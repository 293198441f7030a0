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
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
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

/// Whether each tile of loop result `result` spans dimension `dim` whole
/// (static extent, offset 0), so that a reduction over it is complete in
/// the tile.
bool tileSpans(OpResult result, unsigned dim) {
  auto loop = cast<scf::ForallOp>(result.getOwner());
  auto type = cast<RankedTensorType>(result.getType());
  if (type.isDynamicDim(dim))
    return false;
  BlockArgument out = loop.getRegionIterArgs()[result.getResultNumber()];
  for (Operation *user : out.getUsers()) {
    auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(user);
    if (!insert)
      continue;
    if (!isZeroInteger(insert.getMixedOffsets()[dim]) ||
        !isConstantIntValue(insert.getMixedSizes()[dim], type.getDimSize(dim)))
      return false;
  }
  return true;
}

/// The linalg ops that read `result` once, at the same element: elementwise
/// (fp8 quantization), or reductions over dimensions every tile spans whole
/// (a per-token amax for a dynamic scale). Other users keep reading the
/// loop's result (the rotated k returned as well as quantized into a
/// cache).
SmallVector<linalg::LinalgOp> fusableConsumers(OpResult result) {
  SmallVector<linalg::LinalgOp> consumers;
  for (OpOperand &use : result.getUses()) {
    auto consumer = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!consumer || !consumer.hasPureTensorSemantics() ||
        consumer->getNumResults() != 1 ||
        !llvm::all_of(
            consumer.getIndexingMapsArray(),
            [](AffineMap map) { return map.isProjectedPermutation(); }) ||
        !consumer.getMatchingIndexingMap(&use).isIdentity() ||
        consumer.isDpsInit(&use) ||
        llvm::count(consumer->getOperands(), result) != 1)
      continue;
    // The token loop tiles dimension 0: it stays parallel, and what is
    // reduced is in each tile whole.
    SmallVector<utils::IteratorType> iterators =
        consumer.getIteratorTypesArray();
    bool reducesWhole = !linalg::isReductionIterator(iterators[0]);
    for (auto [dim, kind] : llvm::enumerate(iterators))
      if (linalg::isReductionIterator(kind) &&
          !tileSpans(cast<OpResult>(use.get()), dim))
        reducesWhole = false;
    if (reducesWhole)
      consumers.push_back(consumer);
  }
  return consumers;
}

/// The tile of loop result `index` is now read in the loop only: the tile
/// writes a tile-sized tensor, not the whole result (the shared output then
/// folds away). What the tile read of the shared output is the same slice
/// of its initial value (a reduction's fill), or nothing (an empty tensor).
void stopWritingWhole(RewriterBase &rewriter, scf::ForallOp loop,
                      unsigned index) {
  BlockArgument out = loop.getRegionIterArgs()[index];
  Value init = loop.getOutputs()[index];
  for (Operation *user : llvm::make_early_inc_range(out.getUsers())) {
    if (auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(user)) {
      rewriter.eraseOp(insert);
      continue;
    }
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    if (!slice)
      continue;
    rewriter.setInsertionPoint(slice);
    if (init.getDefiningOp<tensor::EmptyOp>()) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(
          slice, slice.getMixedSizes(), slice.getType().getElementType());
      continue;
    }
    rewriter.modifyOpInPlace(slice,
                             [&] { slice.getSourceMutable().assign(init); });
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
          // The first consumer whose other operands can be defined before
          // the loop (upstream's moveValueDefinitions: pure ops only, all
          // or nothing): its empty destination, the scale, the constants.
          linalg::LinalgOp consumer;
          for (linalg::LinalgOp candidate : fusableConsumers(result)) {
            // Other results of the same loop (a dynamic scale fused
            // before) are tiled with it by upstream.
            SmallVector<Value> others = llvm::to_vector(
                llvm::make_filter_range(usedValues(candidate), [&](Value v) {
                  return v.getDefiningOp() != loop;
                }));
            if (succeeded(
                    moveValueDefinitions(rewriter, others, loop, dominance))) {
              consumer = candidate;
              break;
            }
          }
          if (!consumer)
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
