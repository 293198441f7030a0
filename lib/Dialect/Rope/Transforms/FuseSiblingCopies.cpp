//===- FuseSiblingCopies.cpp - rope-fuse-sibling-copies pass --------------===//
//
// A slice insertion that only copies input data (v into its KV cache) runs
// in the rope op's token loop: tiled like it (upstream tileUsingSCF) and
// fused with it (upstream fuseIndependentSiblingForallLoops).
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSESIBLINGCOPIESPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Whether `value` is input data seen through view-like tensor ops.
bool isInputView(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def))
      value = slice.getSource();
    else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def))
      value = expand.getSrc();
    else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def))
      value = collapse.getSrc();
    else
      return false;
  }
  return true;
}

/// The rope op's token loop: an scf.forall whose body holds a rope.apply
/// tiled over its token dimensions, from 0.
struct TokenLoop {
  scf::ForallOp loop;
  SmallVector<int64_t> tokenDims;
  int64_t rank;
};

std::optional<TokenLoop> tokenLoopOf(scf::ForallOp loop) {
  ApplyOp apply;
  for (Operation &op : loop.getBody()->without_terminator())
    if (auto a = dyn_cast<ApplyOp>(op))
      apply = a;
  if (!apply)
    return std::nullopt;
  SmallVector<int64_t> dims = rope::getTokenDims(apply.getLayout());
  if (loop.getRank() != int64_t(dims.size()) ||
      !llvm::all_of(loop.getMixedLowerBound(),
                    [](OpFoldResult lb) { return isZeroInteger(lb); }))
    return std::nullopt;
  int64_t rank = cast<ShapedType>(apply.getInputs().front().getType()).getRank();
  return TokenLoop{loop, dims, rank};
}

/// The elementwise linalg op (a quantization of v) that alone makes
/// `value` into an empty tensor, everything else it reads defined before
/// `loop`; else null.
linalg::LinalgOp elementwiseOfInputs(Value value, scf::ForallOp loop,
                                     DominanceInfo &dominance) {
  auto op = value.getDefiningOp<linalg::LinalgOp>();
  if (!op || !value.hasOneUse() || !op.hasPureTensorSemantics() ||
      op->getNumResults() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops() ||
      !op.getIndexingMapMatchingResult(op->getResult(0)).isIdentity() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }) ||
      !op.getDpsInits().front().getDefiningOp<tensor::EmptyOp>())
    return {};
  SetVector<Value> used(op->getOperands().begin(), op->getOperands().end());
  getUsedValuesDefinedAbove(op->getRegions(), used);
  for (Value v : used)
    if (v != op.getDpsInits().front() &&
        !dominance.properlyDominates(v, loop))
      return {};
  return op;
}

/// Whether `insert` copies input data, or an elementwise function of it,
/// whose token dimensions span the loop's tokens, with everything else
/// defined before the loop.
bool fitsLoop(tensor::InsertSliceOp insert, TokenLoop tokens,
              DominanceInfo &dominance) {
  RankedTensorType type = insert.getSourceType();
  if (type.getRank() != tokens.rank || !insert.hasUnitStride())
    return false;
  for (Value operand : insert->getOperands()) {
    if (operand == insert.getSource() &&
        elementwiseOfInputs(operand, tokens.loop, dominance))
      continue;
    if (!dominance.properlyDominates(operand, tokens.loop))
      return false;
    if (operand == insert.getSource() && !isInputView(operand))
      return false;
  }
  // The slice's size is its source's (insert_slice's contract), and with
  // dynamic token counts often the very value the loop runs to.
  for (auto [iv, dim] : llvm::enumerate(tokens.tokenDims)) {
    OpFoldResult bound = tokens.loop.getMixedUpperBound()[iv];
    auto equals = [&](ValueBoundsConstraintSet::Variable other) {
      FailureOr<bool> equal = ValueBoundsConstraintSet::areEqual(bound, other);
      return succeeded(equal) && *equal;
    };
    if (!equals(insert.getMixedSizes()[dim]) &&
        !equals({insert.getSource(), dim}))
      return false;
  }
  return true;
}

/// Rewrites `insert` as a copy tiled and fused into the token loop; returns
/// the fused loop.
FailureOr<scf::ForallOp> fuseCopy(RewriterBase &rewriter,
                                  tensor::InsertSliceOp insert,
                                  TokenLoop tokens) {
  Location loc = insert.getLoc();
  rewriter.setInsertionPointAfter(tokens.loop);
  Value dest = tensor::ExtractSliceOp::create(
      rewriter, loc, insert.getSourceType(), insert.getDest(),
      insert.getMixedOffsets(), insert.getMixedSizes(),
      insert.getMixedStrides());
  // A copy of input data, or the op that computes the inserted tensor from
  // it, writing into the slice.
  Operation *copy;
  if (auto op = insert.getSource().getDefiningOp<linalg::LinalgOp>();
      op && !isInputView(insert.getSource())) {
    rewriter.moveOpAfter(op, dest.getDefiningOp());
    rewriter.modifyOpInPlace(
        op, [&] { op.getDpsInitsMutable()[0].assign(dest); });
    LoweringAttr::set(op, LoweringAttr::of(op).withRole(Role::Fused));
    copy = op;
  } else {
    copy = linalg::CopyOp::create(rewriter, loc, insert.getSource(), dest);
    LoweringAttr::set(copy, LoweringAttr::get(rewriter.getContext())
                                .withRole(Role::Copy));
  }
  SmallVector<OpFoldResult> sizes(tokens.rank, rewriter.getIndexAttr(0));
  for (auto [iv, dim] : llvm::enumerate(tokens.tokenDims))
    sizes[dim] = tokens.loop.getMixedStep()[iv];
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  options.setTileSizes(sizes);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(copy), options);
  if (failed(tiled) || tiled->loops.size() != 1)
    return failure();
  rewriter.replaceOp(copy, tiled->replacements);
  rewriter.modifyOpInPlace(insert, [&] {
    insert.getSourceMutable().assign(tiled->replacements.front());
  });
  auto copyLoop = cast<scf::ForallOp>(tiled->loops.front().getOperation());
  LoweringAttr config = LoweringAttr::of(tokens.loop);
  // Upstream's sibling fusion drops the mapping (the GPU path's blocks).
  std::optional<ArrayAttr> mapping = tokens.loop.getMapping();
  scf::ForallOp fused =
      fuseIndependentSiblingForallLoops(tokens.loop, copyLoop, rewriter);
  LoweringAttr::set(fused, config);
  if (mapping)
    fused.setMappingAttr(*mapping);
  return fused;
}

struct RopeFuseSiblingCopiesPass
    : rope::impl::RopeFuseSiblingCopiesPassBase<RopeFuseSiblingCopiesPass> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation()->walk([&](scf::ForallOp loop) { loops.push_back(loop); });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp loop : loops) {
      std::optional<TokenLoop> tokens = tokenLoopOf(loop);
      if (!tokens)
        continue;
      SmallVector<tensor::InsertSliceOp> inserts;
      for (Operation *op = loop->getNextNode(); op; op = op->getNextNode())
        if (auto insert = dyn_cast<tensor::InsertSliceOp>(op))
          inserts.push_back(insert);
      for (tensor::InsertSliceOp insert : inserts) {
        DominanceInfo dominance;
        if (!fitsLoop(insert, *tokens, dominance))
          continue;
        FailureOr<scf::ForallOp> fused = fuseCopy(rewriter, insert, *tokens);
        if (failed(fused)) {
          insert.emitOpError("could not be tiled with the rope op's tokens");
          return signalPassFailure();
        }
        tokens->loop = *fused;
      }
    }
  }
};
} // namespace
