//===- FuseIntoRotation.cpp - rope-fuse-into-rotation ----------------------===//
//
// A neighbour's elementwise op fused into a rope tile (role fused) still
// writes a whole intermediate tensor that the rotation then reads. Moving
// the rotation's half slices above it (upstream's bubble-up of
// extract_slice) and fusing it into the rotation generic (upstream's
// elementwise fusion) computes it in the rotation's body instead.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSEINTOROTATIONPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
bool isFused(Operation *op) {
  return op && LoweringAttr::hasRole(op, Role::Fused);
}

/// extract_slice of a fused neighbour's elementwise result, read by the
/// rotation: the neighbour computed on the slice's operands instead.
struct BubbleUpSliceOfFused : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto producer = slice.getSource().getDefiningOp<linalg::GenericOp>();
    if (!isFused(producer) || !producer.hasPureTensorSemantics() ||
        producer.getNumLoops() != producer.getNumParallelLoops() ||
        !slice.hasUnitStride() ||
        !llvm::all_of(slice->getUsers(), [](Operation *user) {
          return LoweringAttr::hasRole(user, Role::Rotate);
        }))
      return failure();
    // The producer's tile for the slice (upstream's swap of a slice with
    // its TilingInterface producer), one per slice: the rotation then reads
    // producers of one use each.
    FailureOr<TilingResult> tile = tensor::replaceExtractSliceWithTiledProducer(
        rewriter, slice, cast<OpResult>(slice.getSource()));
    if (failed(tile) || tile->tiledValues.size() != 1)
      return failure();
    for (Operation *op : tile->tiledOps)
      LoweringAttr::set(op, LoweringAttr::of(op).withRole(Role::Fused));
    rewriter.replaceOp(slice, tile->tiledValues.front());
    return success();
  }
};

/// A rotation generic reading a neighbour's tile (role fused, elementwise):
/// upstream's elementwise fusion of the two, the result keeping the
/// rotation's configuration (upstream builds a new generic without it).
struct FuseNeighbourIntoRotation : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp rotation,
                                PatternRewriter &rewriter) const override {
    if (!LoweringAttr::hasRole(rotation, Role::Rotate))
      return failure();
    for (OpOperand *operand : rotation.getDpsInputOperands()) {
      if (!isFused(operand->get().getDefiningOp()) ||
          !linalg::areElementwiseOpsFusable(operand))
        continue;
      // Sizes read from the rotation's result (the reshape propagation's
      // output shapes) are its destination's: the fused op comes later.
      for (Operation *user : llvm::make_early_inc_range(rotation->getUsers()))
        if (auto dim = dyn_cast<tensor::DimOp>(user)) {
          rewriter.setInsertionPoint(dim);
          rewriter.replaceOpWithNewOp<tensor::DimOp>(
              dim, rotation.getDpsInits().front(), dim.getIndex());
        }
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, operand);
      if (failed(fused))
        continue;
      LoweringAttr::set(fused->fusedOp, LoweringAttr::of(rotation));
      for (OpResult result : rotation->getResults())
        rewriter.replaceAllUsesWith(result, fused->replacements.lookup(result));
      rewriter.eraseOp(rotation);
      return success();
    }
    return failure();
  }
};

/// A fused consumer (fp8 quantization after rope) reading the rotation's
/// result: after upstream's reshape propagation it reads the rotation
/// generic itself, and upstream's elementwise fusion computes it in the
/// rotation's body; no rotated tile is stored.
struct FuseRotationIntoConsumer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    if (LoweringAttr::hasRole(consumer, Role::Rotate))
      return failure();
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      auto rotation = operand->get().getDefiningOp<linalg::GenericOp>();
      // In the rotation's tile (the consumer fused there), not a user's op.
      if (!rotation || !LoweringAttr::hasRole(rotation, Role::Rotate) ||
          rotation->getBlock() != consumer->getBlock() ||
          !linalg::areElementwiseOpsFusable(operand))
        continue;
      // Sizes read from the rotation's result (the reshape propagation's
      // output shapes) are its destination's: the fused op comes later.
      for (Operation *user : llvm::make_early_inc_range(rotation->getUsers()))
        if (auto dim = dyn_cast<tensor::DimOp>(user)) {
          rewriter.setInsertionPoint(dim);
          rewriter.replaceOpWithNewOp<tensor::DimOp>(
              dim, rotation.getDpsInits().front(), dim.getIndex());
        }
      rewriter.setInsertionPoint(consumer);
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, operand);
      if (failed(fused))
        continue;
      LoweringAttr::set(fused->fusedOp, LoweringAttr::of(rotation));
      for (Operation *op : {consumer.getOperation(), rotation.getOperation()})
        for (OpResult result : op->getResults())
          if (Value replacement = fused->replacements.lookup(result))
            rewriter.replaceAllUsesWith(result, replacement);
      rewriter.eraseOp(consumer);
      if (rotation->use_empty())
        rewriter.eraseOp(rotation);
      return success();
    }
    return failure();
  }
};

struct RopeFuseIntoRotationPass
    : rope::impl::RopeFuseIntoRotationPassBase<RopeFuseIntoRotationPass> {
  void runOnOperation() override {
    // First every half slice of a neighbour's result becomes the
    // neighbour's tile, then those tiles join the rotations.
    RewritePatternSet slices(&getContext());
    slices.add<BubbleUpSliceOfFused>(&getContext());
    RewritePatternSet fusion(&getContext());
    fusion.add<FuseNeighbourIntoRotation>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(slices))) ||
        failed(applyPatternsGreedily(getOperation(), std::move(fusion))))
      return signalPassFailure();

    // A fused consumer reads the rotation through the collapse of its pair
    // dimension: expanded (upstream's reshape propagation, only for such a
    // consumer), then fused with the rotation.
    RewritePatternSet reshapes(&getContext());
    linalg::populateFoldReshapeOpsByExpansionPatterns(
        reshapes, [](OpOperand *operand) {
          auto collapse =
              operand->get().getDefiningOp<tensor::CollapseShapeOp>();
          Operation *source = collapse ? collapse.getSrc().getDefiningOp()
                                       : nullptr;
          return source && isFused(operand->getOwner()) &&
                 LoweringAttr::hasRole(source, Role::Rotate);
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(reshapes))))
      return signalPassFailure();
    RewritePatternSet consumers(&getContext());
    consumers.add<FuseRotationIntoConsumer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(consumers))))
      signalPassFailure();
  }
};
} // namespace
