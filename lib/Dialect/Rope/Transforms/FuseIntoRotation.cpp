//===- FuseIntoRotation.cpp - rope-fuse-into-rotation ----------------------===//
//
// A neighbour's elementwise op fused into a rope tile (role fused) still
// writes a whole intermediate tensor that the rotation then reads. Moving
// the rotation's half slices above it (upstream's bubble-up of
// extract_slice) and fusing it into the rotation generic (upstream's
// elementwise fusion) computes it in the rotation's body instead.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSEINTOROTATIONPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
bool isFused(Operation *op) {
  return op && LoweringAttr::hasRole(op, Role::Fused);
}

/// Sizes read from the rotation's result (the reshape propagation's output
/// shapes) read from its destination: the fused op that replaces the
/// rotation may come after them.
void readShapesFromDestination(RewriterBase &rewriter,
                               linalg::GenericOp rotation) {
  for (Operation *user : llvm::make_early_inc_range(rotation->getUsers()))
    if (auto dim = dyn_cast<tensor::DimOp>(user)) {
      rewriter.setInsertionPoint(dim);
      rewriter.replaceOpWithNewOp<tensor::DimOp>(
          dim, rotation.getDpsInits().front(), dim.getIndex());
    }
}

/// Upstream's elementwise fusion of `operand`'s producer into its owner,
/// one of the two the rotation: the fused op, placed at the owner, keeps the
/// rotation's configuration (upstream builds a new generic without it) and
/// replaces the owner and the producer.
LogicalResult fuseWithRotation(RewriterBase &rewriter, OpOperand *operand,
                               linalg::GenericOp rotation) {
  Operation *consumer = operand->getOwner();
  Operation *producer = operand->get().getDefiningOp();
  readShapesFromDestination(rewriter, rotation);
  // A producer read elsewhere too (the rotated k also returned) is replaced
  // by the fused op, which then comes where the producer is: what else the
  // consumer reads moves before it (pure ops only, all or nothing).
  bool readElsewhere = llvm::any_of(
      producer->getUsers(), [&](Operation *op) { return op != consumer; });
  if (readElsewhere) {
    SmallVector<Value> others;
    for (Value v : consumer->getOperands())
      if (v.getDefiningOp() != producer)
        others.push_back(v);
    DominanceInfo dominance;
    if (failed(moveValueDefinitions(rewriter, others, producer, dominance)))
      return failure();
  }
  rewriter.setInsertionPoint(consumer);
  FailureOr<linalg::ElementwiseOpFusionResult> fused =
      linalg::fuseElementwiseOps(rewriter, operand);
  if (failed(fused))
    return failure();
  if (readElsewhere)
    rewriter.moveOpAfter(fused->fusedOp, producer);
  LoweringAttr::set(fused->fusedOp, LoweringAttr::of(rotation));
  for (OpResult result : consumer->getResults())
    rewriter.replaceAllUsesWith(result, fused->replacements.lookup(result));
  rewriter.eraseOp(consumer);
  // A producer read elsewhere too (the rotated k also returned) is one of
  // the fused op's results: computed once, not again by the producer.
  for (OpResult result : producer->getResults())
    if (Value kept = fused->replacements.lookup(result))
      rewriter.replaceAllUsesWith(result, kept);
  if (producer->use_empty())
    rewriter.eraseOp(producer);
  return success();
}

/// A fused neighbour's elementwise op whose body computes values that do
/// not depend on its innermost loop (a norm's rsqrt of a row's mean square)
/// computes them once per element. Those ops move into a generic over the
/// other loops (role fused, vectorized across rows like the rest), which
/// the op then reads: once per row, and no division or square root left in
/// the rotation's body.
struct HoistRowInvariants : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    const int64_t n = op.getNumLoops();
    if (!isFused(op) || !op.hasPureTensorSemantics() || n < 2 ||
        op.getNumParallelLoops() != unsigned(n) || op->getNumResults() != 1)
      return failure();
    const unsigned innerDim = n - 1;
    Block &body = op.getRegion().front();
    DenseSet<Value> variant;
    for (OpOperand &operand : op->getOpOperands())
      if (op.isDpsInit(&operand) ||
          op.getMatchingIndexingMap(&operand).isFunctionOfDim(innerDim))
        variant.insert(op.getMatchingBlockArgument(&operand));
    SmallVector<Operation *> moved;
    int64_t computing = 0;
    for (Operation &inner : body.without_terminator()) {
      bool dependent = inner.getNumRegions() || !isPure(&inner) ||
                       isa<linalg::IndexOp>(inner) ||
                       llvm::any_of(inner.getOperands(), [&](Value v) {
                         return variant.contains(v);
                       });
      if (dependent) {
        variant.insert(inner.result_begin(), inner.result_end());
        continue;
      }
      moved.push_back(&inner);
      computing += llvm::any_of(inner.getOperands(), [&](Value v) {
        return v.getParentBlock() == &body;
      });
    }
    // Worth a tensor of its own: a few ops computed from the inputs.
    if (computing < 2)
      return failure();
    SetVector<Value> needed;
    for (Operation *inner : moved)
      for (Value result : inner->getResults())
        for (Operation *user : result.getUsers())
          if (!llvm::is_contained(moved, user))
            needed.insert(result);
    if (needed.empty())
      return failure();

    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    // The row generic: every loop but the innermost.
    SmallVector<Range> ranges =
        cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(rewriter, loc);
    SmallVector<OpFoldResult> sizes;
    for (const Range &range : ArrayRef(ranges).drop_back())
      sizes.push_back(range.size);
    SmallVector<Value> rowInputs, rowInits;
    SmallVector<AffineMap> rowMaps;
    IRMapping mapping;
    for (OpOperand *input : op.getDpsInputOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(input);
      if (variant.contains(arg) || arg.use_empty())
        continue;
      rowInputs.push_back(input->get());
      rowMaps.push_back(AffineMap::get(
          n - 1, 0, op.getMatchingIndexingMap(input).getResults(), ctx));
    }
    for (Value value : needed) {
      rowInits.push_back(
          tensor::EmptyOp::create(rewriter, loc, sizes, value.getType()));
      rowMaps.push_back(rewriter.getMultiDimIdentityMap(n - 1));
    }
    SmallVector<utils::IteratorType> rowIterators(
        n - 1, utils::IteratorType::parallel);
    auto rows = linalg::GenericOp::create(
        rewriter, loc, ValueRange(rowInits).getTypes(), rowInputs, rowInits,
        rowMaps, rowIterators,
        [&](OpBuilder &b, Location, ValueRange args) {
          unsigned k = 0;
          for (OpOperand *input : op.getDpsInputOperands()) {
            BlockArgument arg = op.getMatchingBlockArgument(input);
            if (!variant.contains(arg) && !arg.use_empty())
              mapping.map(arg, args[k++]);
          }
          for (Operation *inner : moved)
            b.clone(*inner, mapping);
          SmallVector<Value> results;
          for (Value value : needed)
            results.push_back(mapping.lookup(value));
          linalg::YieldOp::create(b, loc, results);
        });
    LoweringAttr::set(rows, LoweringAttr::of(op));

    // The op reads the rows' values instead of computing them.
    SmallVector<Value> inputs(op.getDpsInputs());
    llvm::append_range(inputs, rows.getResults());
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands())
      maps.push_back(op.getMatchingIndexingMap(input));
    AffineMap rowMap = AffineMap::getMultiDimIdentityMap(n, ctx).dropResult(
        innerDim);
    maps.append(needed.size(), rowMap);
    for (OpOperand &init : op.getDpsInitsMutable())
      maps.push_back(op.getMatchingIndexingMap(&init));
    auto newOp = linalg::GenericOp::create(
        rewriter, loc, op.getResultTypes(), inputs, op.getDpsInits(), maps,
        op.getIteratorTypesArray());
    newOp->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.inlineRegionBefore(op.getRegion(), newOp.getRegion(),
                                newOp.getRegion().end());
    Block &block = newOp.getRegion().front();
    const unsigned first = op.getNumDpsInputs();
    for (auto [k, value] : llvm::enumerate(needed)) {
      BlockArgument arg =
          block.insertArgument(first + k, value.getType(), loc);
      rewriter.replaceAllUsesWith(value, arg);
    }
    for (Operation *inner : llvm::reverse(moved))
      rewriter.eraseOp(inner);
    rewriter.replaceOp(op, newOp->getResults());
    return success();
  }
};

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
    const unsigned innerDim = rotation.getNumLoops() - 1;
    for (OpOperand *operand : rotation.getDpsInputOperands()) {
      // Per element, not per row: a row's values (its norm's scale) stay
      // computed once per row.
      if (!isFused(operand->get().getDefiningOp()) ||
          !rotation.getMatchingIndexingMap(operand).isFunctionOfDim(innerDim) ||
          !linalg::areElementwiseOpsFusable(operand))
        continue;
      if (succeeded(fuseWithRotation(rewriter, operand, rotation)))
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
      if (succeeded(fuseWithRotation(rewriter, operand, rotation)))
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
    RewritePatternSet rows(&getContext());
    rows.add<HoistRowInvariants>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(rows))))
      return signalPassFailure();
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
    // Upstream rebuilds the expanded ops without their attributes: in a
    // rotation's tile a linalg op without a role is such a fused op (a
    // consumer reading the tile: fp8 quantization, a per-token amax).
    getOperation()->walk([](linalg::GenericOp rotation) {
      if (!LoweringAttr::hasRole(rotation, Role::Rotate))
        return;
      for (Operation &op : *rotation->getBlock())
        if (isa<linalg::LinalgOp>(op) && !LoweringAttr::of(&op).getRole())
          LoweringAttr::set(&op, LoweringAttr::of(&op).withRole(Role::Fused));
    });
    RewritePatternSet consumers(&getContext());
    consumers.add<FuseRotationIntoConsumer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(consumers))))
      signalPassFailure();
  }
};
} // namespace
