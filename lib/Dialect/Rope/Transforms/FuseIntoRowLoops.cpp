//===- FuseIntoRowLoops.cpp - rope-fuse-into-row-loops pass ---------------===//

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSEINTOROWLOOPSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// A row loop: one-dimensional, one row per iteration, writing its
/// results with parallel_insert_slice (a paged cache's writes).
bool isRowLoop(scf::ForallOp loop) {
  return loop.getRank() == 1 && !loop.getOutputs().empty() &&
         llvm::all_of(loop.getMixedStep(),
                      [](OpFoldResult s) { return isOneInteger(s); });
}

/// The elementwise producer whose rows `slice` reads, if the row loop is
/// its only reader (fused, it is computed once, row by row).
linalg::LinalgOp fusableProducer(tensor::ExtractSliceOp slice,
                                 scf::ForallOp loop) {
  auto producer = slice.getSource().getDefiningOp<linalg::LinalgOp>();
  if (!producer || !producer.hasPureTensorSemantics() ||
      producer->getNumResults() != 1 ||
      producer.getNumParallelLoops() != producer.getNumLoops() ||
      !producer->getBlock() || producer->getBlock() != loop->getBlock() ||
      !slice.hasUnitStride())
    return nullptr;
  for (Operation *user : producer->getResult(0).getUsers())
    if (!isa<tensor::ExtractSliceOp>(user) || user->getParentOp() != loop)
      return nullptr;
  return producer;
}

struct RopeFuseIntoRowLoopsPass
    : rope::impl::RopeFuseIntoRowLoopsPassBase<RopeFuseIntoRowLoopsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation()->walk([&](scf::ForallOp loop) {
      if (isRowLoop(loop))
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp loop : loops) {
      SmallVector<tensor::ExtractSliceOp> slices;
      for (Operation &op : loop.getBody()->without_terminator())
        if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
          if (fusableProducer(slice, loop))
            slices.push_back(slice);
      for (tensor::ExtractSliceOp slice : slices) {
        linalg::LinalgOp producer = fusableProducer(slice, loop);
        if (!producer)
          continue;
        SmallVector<LoopLikeOpInterface> nest{loop};
        rewriter.setInsertionPoint(slice);
        std::optional<scf::SCFFuseProducerOfSliceResult> fused =
            scf::tileAndFuseProducerOfSlice(rewriter, slice, nest);
        if (!fused)
          continue;
        for (Operation *tiled : fused->tiledOps) {
          // Vectorized with the rope lowering's ops (rope-vectorize).
          rope::LoweringAttr::set(
              tiled,
              rope::LoweringAttr::of(tiled).withRole(rope::Role::Fused));
          // A row of an empty tensor is an empty row: empty tensor
          // elimination then computes it in the slot it is inserted into.
          auto dps = dyn_cast<DestinationStyleOpInterface>(tiled);
          for (OpOperand &init : dps ? dps.getDpsInitsMutable()
                                     : MutableOperandRange(tiled, 0, 0)) {
            auto row = init.get().getDefiningOp<tensor::ExtractSliceOp>();
            if (!row || !row.getSource().getDefiningOp<tensor::EmptyOp>())
              continue;
            rewriter.setInsertionPoint(tiled);
            SmallVector<OpFoldResult> sizes;
            for (int64_t d = 0; d < row.getType().getRank(); ++d)
              sizes.push_back(row.getType().isDynamicDim(d)
                                  ? OpFoldResult(tensor::DimOp::create(
                                        rewriter, row.getLoc(), row, d))
                                  : rewriter.getIndexAttr(
                                        row.getType().getDimSize(d)));
            Value empty = tensor::EmptyOp::create(
                rewriter, row.getLoc(), sizes, row.getType().getElementType());
            rewriter.modifyOpInPlace(tiled, [&] { init.set(empty); });
          }
        }
        if (slice->use_empty())
          rewriter.eraseOp(slice);
        if (producer->use_empty())
          rewriter.eraseOp(producer);
      }
    }
  }
};
} // namespace
