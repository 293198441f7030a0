//===- FuseElementwiseNeighbours.cpp - rope-fuse-elementwise-neighbours ---===//

#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSEELEMENTWISENEIGHBOURSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// Ops a frontend writes around rope ops that this pass joins: generics and
/// the named ops that are generics with a fixed body (no fills or copies:
/// later passes take those as they are; no contractions).
bool isNeighbourKind(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics())
    return false;
  if (isa<linalg::GenericOp, linalg::MapOp, linalg::BroadcastOp,
          linalg::TransposeOp, linalg::ReduceOp>(op))
    return true;
  return !isa<linalg::FillOp, linalg::CopyOp>(op) &&
         linalg::isElementwise(linalgOp);
}

/// The ops of `func` connected to a rope op through neighbour ops.
llvm::SetVector<Operation *> neighbourhood(func::FuncOp func, Dialect *rope) {
  llvm::SetVector<Operation *> seen;
  SmallVector<Operation *> work;
  func.walk([&](Operation *op) {
    if (op->getDialect() == rope)
      work.push_back(op);
  });
  // Views of a neighbour's result (q, k and v sliced from a biased QKV
  // projection) are passed through, not collected.
  llvm::SmallPtrSet<Operation *, 16> views;
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    auto visit = [&](Operation *next) {
      if (!next)
        return;
      if (isa<tensor::ExtractSliceOp, tensor::ExpandShapeOp,
              tensor::CollapseShapeOp>(next)) {
        if (views.insert(next).second)
          work.push_back(next);
        return;
      }
      if (isNeighbourKind(next) && seen.insert(next))
        work.push_back(next);
    };
    for (Value operand : op->getOperands())
      visit(operand.getDefiningOp());
    for (Operation *user : op->getUsers())
      visit(user);
  }
  return seen;
}

/// A body that only converts or forwards its inputs: computing it again
/// in each consumer costs less than storing it.
bool onlyConverts(linalg::GenericOp op) {
  return llvm::all_of(op.getBody()->without_terminator(),
                      [](Operation &o) { return isa<CastOpInterface>(o); });
}

/// A producer with several generic consumers gets a copy for each: upstream
/// fusion would otherwise keep its result as a result of the fused op.
void cloneForEachConsumer(RewriterBase &rewriter, linalg::GenericOp op) {
  if (op->getNumResults() != 1 || !onlyConverts(op))
    return;
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : op->getResult(0).getUses())
    if (isa<linalg::GenericOp>(use.getOwner()))
      uses.push_back(&use);
  if (uses.empty() || op->getResult(0).hasOneUse())
    return;
  for (OpOperand *use : uses) {
    rewriter.setInsertionPoint(op);
    Operation *copy = rewriter.clone(*op);
    rewriter.modifyOpInPlace(use->getOwner(),
                             [&] { use->set(copy->getResult(0)); });
  }
  if (op->use_empty())
    rewriter.eraseOp(op);
}

/// Whether the producer of `operand` is fused into its consumer: upstream's
/// own rule (its only use), a row's value broadcast over the row included
/// (rope-fuse-into-rotation computes it once per row again).
bool shouldFuse(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp<linalg::GenericOp>();
  return producer && producer->hasOneUse() &&
         linalg::areElementwiseOpsFusable(operand);
}

/// The one value every element of `tensor` holds, if it is made so: a
/// fill, the element of a one-element tensor, a splat constant (built at
/// the builder's point).
Value theElement(OpBuilder &b, Value tensor) {
  if (auto fill = tensor.getDefiningOp<linalg::FillOp>())
    return fill.hasPureTensorSemantics() ? fill.getInputs()[0] : Value();
  if (auto elements = tensor.getDefiningOp<tensor::FromElementsOp>())
    return elements.getElements().size() == 1 ? elements.getElements()[0]
                                              : Value();
  SplatElementsAttr splat;
  if (matchPattern(tensor, m_Constant(&splat)))
    return arith::ConstantOp::create(
        b, tensor.getLoc(), cast<TypedAttr>(splat.getSplatValue<Attribute>()));
  return {};
}

/// Inputs whose elements are one scalar (a fill: torch's exponent 2.0
/// broadcast by a frontend; a scale made a 0-d tensor) read as that
/// scalar; the operand then goes.
void readFillsAsScalars(RewriterBase &rewriter, linalg::GenericOp op) {
  bool changed = false;
  SmallVector<Operation *> sources;
  for (OpOperand *input : op.getDpsInputOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(input);
    if (arg.use_empty())
      continue;
    rewriter.setInsertionPoint(op);
    Value scalar = theElement(rewriter, input->get());
    if (!scalar)
      continue;
    if (scalar.getType() != arg.getType()) {
      if (scalar.getDefiningOp<arith::ConstantOp>() && scalar.use_empty())
        rewriter.eraseOp(scalar.getDefiningOp());
      continue;
    }
    rewriter.replaceAllUsesWith(arg, scalar);
    sources.push_back(input->get().getDefiningOp());
    changed = true;
  }
  if (!changed)
    return;
  (void)linalg::deduplicateOperandsAndRemoveDeadResults(
      rewriter, op, /*removeOutputs=*/false);
  // Nothing else left reading them (a tensor kernels would have to make).
  for (Operation *source : sources)
    if (source && source->use_empty())
      rewriter.eraseOp(source);
}

/// Fuses one producer into its consumer; false when none is left.
bool fuseOne(RewriterBase &rewriter, const llvm::SetVector<Operation *> &ops) {
  for (Operation *op : ops) {
    auto consumer = dyn_cast<linalg::GenericOp>(op);
    if (!consumer)
      continue;
    for (OpOperand &operand : consumer->getOpOperands()) {
      if (!ops.contains(operand.get().getDefiningOp()) || !shouldFuse(&operand))
        continue;
      Operation *producer = operand.get().getDefiningOp();
      rewriter.setInsertionPoint(consumer);
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, &operand);
      if (failed(fused))
        continue;
      for (auto [from, to] : fused->replacements)
        rewriter.replaceUsesWithIf(from, to, [&](OpOperand &use) {
          return use.get().getDefiningOp() != producer;
        });
      rewriter.eraseOp(consumer);
      if (producer->use_empty())
        rewriter.eraseOp(producer);
      // A square of an upcast reads the input twice: once is enough.
      (void)linalg::deduplicateOperandsAndRemoveDeadResults(
          rewriter, cast<linalg::GenericOp>(fused->fusedOp),
          /*removeOutputs=*/false);
      return true;
    }
  }
  return false;
}

/// Whether `op` computes each element of its one result from the same
/// element of its loops (an elementwise op with an identity result map).
bool isElementwiseGeneric(linalg::GenericOp op) {
  return op->getNumResults() == 1 && op.hasPureTensorSemantics() &&
         op.getNumLoops() == op.getNumParallelLoops() &&
         op.getIndexingMapMatchingResult(op->getResult(0)).isIdentity();
}

/// An elementwise op read only through slices (q, k and v of a biased QKV
/// projection) becomes the op on the slices of its operands, one per slice
/// (upstream replaceExtractSliceWithTiledProducer): each part then joins
/// the loop that reads it.
void splitBySlices(RewriterBase &rewriter, linalg::GenericOp op,
                   llvm::SetVector<Operation *> &parts) {
  if (!isElementwiseGeneric(op) || op->use_empty() ||
      !llvm::all_of(op->getUsers(), [&](Operation *user) {
        // Slices beside the op, not rows taken in a loop (a paged cache's
        // row loop reads its rows there, rope-fuse-into-row-loops' case).
        auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
        return slice && slice->getBlock() == op->getBlock() &&
               slice.hasUnitStride() &&
               slice.getSourceType().getRank() == slice.getType().getRank();
      }))
    return;
  for (Operation *user : llvm::to_vector(op->getUsers())) {
    auto slice = cast<tensor::ExtractSliceOp>(user);
    rewriter.setInsertionPoint(slice);
    FailureOr<TilingResult> tiled =
        tensor::replaceExtractSliceWithTiledProducer(
            rewriter, slice, cast<OpResult>(slice.getSource()));
    if (failed(tiled))
      return;
    parts.insert(tiled->tiledOps.begin(), tiled->tiledOps.end());
    rewriter.replaceOp(slice, tiled->tiledValues);
  }
  if (op->use_empty())
    rewriter.eraseOp(op);
}

struct RopeFuseElementwiseNeighboursPass
    : rope::impl::RopeFuseElementwiseNeighboursPassBase<
          RopeFuseElementwiseNeighboursPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    Dialect *rope = getContext().getLoadedDialect<rope::RopeDialect>();
    IRRewriter rewriter(&getContext());
    for (Operation *op : neighbourhood(func, rope)) {
      auto named = dyn_cast<linalg::LinalgOp>(op);
      if (isa<linalg::GenericOp>(op))
        continue;
      rewriter.setInsertionPoint(op);
      // Named ops without a region builder stay as they are.
      (void)linalg::generalizeNamedOp(rewriter, named);
    }
    for (Operation *op : neighbourhood(func, rope))
      if (auto generic = dyn_cast<linalg::GenericOp>(op))
        readFillsAsScalars(rewriter, generic);
    for (Operation *op : neighbourhood(func, rope))
      if (auto generic = dyn_cast<linalg::GenericOp>(op))
        cloneForEachConsumer(rewriter, generic);
    while (fuseOne(rewriter, neighbourhood(func, rope))) {
    }
    // Slices of an elementwise op as that op on slices, then the op moved
    // past the reshape to the rope op's shape (upstream's propagation by
    // expansion), so that it is the rope op's producer.
    // (A part may read no rope op's tile: v, copied into its cache.)
    llvm::SetVector<Operation *> parts;
    for (Operation *op : neighbourhood(func, rope))
      if (auto generic = dyn_cast<linalg::GenericOp>(op))
        splitBySlices(rewriter, generic, parts);
    RewritePatternSet reshapes(&getContext());
    linalg::populateFoldReshapeOpsByExpansionPatterns(
        reshapes, [&](OpOperand *operand) {
          Operation *producer = operand->get().getDefiningOp();
          auto generic = dyn_cast_or_null<linalg::GenericOp>(producer);
          return generic && parts.contains(generic) &&
                 isElementwiseGeneric(generic) &&
                 isa<tensor::ExpandShapeOp>(operand->getOwner());
        });
    // The parts' destinations, views of an empty tensor, as empty tensors.
    tensor::populateFoldTensorEmptyPatterns(reshapes);
    if (failed(applyPatternsGreedily(func, std::move(reshapes))))
      return signalPassFailure();
  }
};
} // namespace
