//===- FuseRowForalls.cpp - rope-fuse-row-foralls pass --------------------===//

#include "rope/Dialect/Rope/IR/RopeAttrs.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"
#include "rope/Utils/RowLoops.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSEROWFORALLSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {

/// A one-dimensional loop from 0, step 1.
bool isUnitLoop(scf::ForallOp loop) {
  return loop.getRank() == 1 && isZeroInteger(loop.getMixedLowerBound()[0]) &&
         isOneInteger(loop.getMixedStep()[0]);
}

/// Whether a slice is the row at `iv`: offsets [iv, 0, ...], unit strides.
bool isRowAt(OffsetSizeAndStrideOpInterface slice, Value iv) {
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
  return offsets[0] == OpFoldResult(iv) &&
         llvm::all_of(ArrayRef(offsets).drop_front(), isZeroInteger) &&
         llvm::all_of(slice.getMixedStrides(), isOneInteger);
}

/// The token loop's insert of its result `result` at its own token.
tensor::ParallelInsertSliceOp insertOf(scf::ForallOp tokens, OpResult result) {
  BlockArgument out = tokens.getTiedBlockArgument(
      &tokens.getOutputsMutable()[result.getResultNumber()]);
  for (Operation *user : out.getUsers())
    if (auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(user))
      if (insert.getDest() == out &&
          isRowAt(insert, tokens.getInductionVar(0)))
        return insert;
  return nullptr;
}

/// The extracts of the token loop's rows in `rows`, each with the insert it
/// reads; failure when `rows` reads the token loop's results otherwise.
FailureOr<SmallVector<std::pair<tensor::ExtractSliceOp,
                                tensor::ParallelInsertSliceOp>>>
rowReads(scf::ForallOp tokens, scf::ForallOp rows) {
  SmallVector<std::pair<tensor::ExtractSliceOp, tensor::ParallelInsertSliceOp>>
      reads;
  for (OpResult result : tokens.getResults())
    for (OpOperand &use : result.getUses()) {
      if (!rows->isProperAncestor(use.getOwner()))
        continue;
      auto extract = dyn_cast<tensor::ExtractSliceOp>(use.getOwner());
      tensor::ParallelInsertSliceOp insert = insertOf(tokens, result);
      if (!extract || !insert || extract->getParentOp() != rows ||
          insert.getSource().getParentRegion() != &tokens.getRegion() ||
          !isRowAt(extract, rows.getInductionVar(0)) ||
          extract.getType() != insert.getSourceType() ||
          !llvm::equal(extract.getMixedSizes(), insert.getMixedSizes()))
        return failure();
      reads.push_back({extract, insert});
    }
  return reads;
}

/// The slice of the token loop's output that the op computing `insert`'s
/// row writes into (through reshapes and the tied inits of linalg ops), if
/// it is that output's row at the token and has no other use.
tensor::ExtractSliceOp destinationOf(scf::ForallOp tokens,
                                     tensor::ParallelInsertSliceOp insert) {
  Value v = insert.getSource();
  bool writtenWhole = false;
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    // A linalg op that writes every element of its init without reading it
    // (all loops parallel, a permutation onto the init, no payload use).
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(def)) {
      OpOperand *init = linalgOp.getDpsInitOperand(
          cast<OpResult>(v).getResultNumber());
      if (linalgOp.payloadUsesValueFromOperand(init) ||
          !linalgOp.getMatchingIndexingMap(init).isPermutation() ||
          linalgOp.getNumParallelLoops() != linalgOp.getNumLoops())
        return nullptr;
      v = init->get();
      writtenWhole = true;
      continue;
    }
    auto slice = dyn_cast<tensor::ExtractSliceOp>(def);
    if (writtenWhole && slice && slice.getSource() == insert.getDest() &&
        isRowAt(slice, tokens.getInductionVar(0)) && slice->hasOneUse())
      return slice;
    return nullptr;
  }
  return nullptr;
}

/// No memory effect but fresh allocations (a tile's table:
/// `bufferization.alloc_tensor` without a copy).
bool onlyAllocates(Operation *op) {
  if (auto alloc = dyn_cast<bufferization::AllocTensorOp>(op))
    return !alloc.getCopy();
  return isMemoryEffectFree(op);
}

LogicalResult merge(scf::ForallOp rows, RewriterBase &rewriter,
                    DominanceInfo &dom) {
  scf::ForallOp tokens;
  for (Operation *op = rows->getPrevNode(); op && !tokens;
       op = op->getPrevNode())
    tokens = dyn_cast<scf::ForallOp>(op);
  // The token loop of the rope ops (their tiling marks it).
  if (!tokens || LoweringAttr::of(tokens).isEmpty() || !isUnitLoop(tokens) ||
      !isUnitLoop(rows) ||
      !ValueBoundsConstraintSet::compare(tokens.getMixedUpperBound()[0],
                                         ValueBoundsConstraintSet::EQ,
                                         rows.getMixedUpperBound()[0]))
    return failure();
  // The merged loop stands where the token loop does: what the row loop
  // uses, apart from the token loop's rows, must be defined before it.
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(rows.getRegion(), captured);
  captured.insert_range(rows.getOutputs());
  for (Value v : captured)
    if (v.getDefiningOp() != tokens && !dom.properlyDominates(v, tokens))
      return failure();
  for (Value v : rows.getOutputs())
    if (v.getDefiningOp() == tokens)
      return failure();
  // Tensors only: nothing between or inside the loops touches memory that
  // the reordering could make visible.
  for (Operation *op = tokens->getNextNode(); op != rows; op = op->getNextNode())
    if (!onlyAllocates(op))
      return failure();
  auto bodyIsPure = [](scf::ForallOp loop) {
    return llvm::all_of(loop.getBody()->without_terminator(),
                        [](Operation &op) { return onlyAllocates(&op); });
  };
  if (!bodyIsPure(tokens) || !bodyIsPure(rows))
    return failure();
  FailureOr<SmallVector<
      std::pair<tensor::ExtractSliceOp, tensor::ParallelInsertSliceOp>>>
      reads = rowReads(tokens, rows);
  if (failed(reads))
    return failure();
  // The rows read from the token loop are only copied to the row loop's
  // destinations (one parallel insert each).
  for (auto [extract, insert] : *reads) {
    if (!extract->hasOneUse())
      return failure();
    auto rowInsert =
        dyn_cast<tensor::ParallelInsertSliceOp>(*extract->getUsers().begin());
    if (!rowInsert || rowInsert.getSource() != extract.getResult())
      return failure();
  }

  Location loc = rows.getLoc();
  SmallVector<Value> outputs(tokens.getOutputs());
  llvm::append_range(outputs, rows.getOutputs());
  rewriter.setInsertionPoint(tokens);
  auto fused = scf::ForallOp::create(
      rewriter, loc, tokens.getMixedLowerBound(), tokens.getMixedUpperBound(),
      tokens.getMixedStep(), outputs, tokens.getMapping());
  for (NamedAttribute attr : tokens->getDiscardableAttrs())
    fused->setAttr(attr.getName(), attr.getValue());
  Block *body = fused.getBody();
  IRMapping map;
  map.map(tokens.getInductionVar(0), fused.getInductionVar(0));
  map.map(rows.getInductionVar(0), fused.getInductionVar(0));
  unsigned n = tokens.getOutputs().size();
  for (auto [i, arg] : llvm::enumerate(tokens.getRegionIterArgs()))
    map.map(arg, fused.getRegionIterArgs()[i]);
  for (auto [i, arg] : llvm::enumerate(rows.getRegionIterArgs()))
    map.map(arg, fused.getRegionIterArgs()[n + i]);

  // The row loop's rows that are copies of the token loop's rows: the token
  // loop computes them in their destinations (no tile buffer, no copy).
  // Their destinations' offsets come from the row loop's body, which then
  // goes first: apart from those rows it uses nothing of the token loop.
  llvm::SmallPtrSet<Operation *, 4> replaced;
  DenseMap<Operation *, tensor::ParallelInsertSliceOp> retarget;
  llvm::SmallPtrSet<Operation *, 4> retargetedRows;
  for (auto [extract, insert] : *reads) {
    replaced.insert(extract);
    auto rowInsert =
        cast<tensor::ParallelInsertSliceOp>(*extract->getUsers().begin());
    if (tensor::ExtractSliceOp dest = destinationOf(tokens, insert))
      if (dest.getType() == insert.getSourceType()) {
        retarget[dest] = rowInsert;
        retargetedRows.insert(rowInsert);
      }
  }
  auto mapped = [&](ArrayRef<OpFoldResult> values) {
    return llvm::map_to_vector(values, [&](OpFoldResult o) -> OpFoldResult {
      if (auto v = dyn_cast<Value>(o))
        return map.lookupOrDefault(v);
      return o;
    });
  };

  rewriter.setInsertionPoint(body->getTerminator());
  for (Operation &op : rows.getBody()->without_terminator())
    if (!replaced.contains(&op))
      rewriter.clone(op, map);
  for (Operation &op : tokens.getBody()->without_terminator()) {
    auto it = retarget.find(&op);
    if (it == retarget.end()) {
      rewriter.clone(op, map);
      continue;
    }
    tensor::ParallelInsertSliceOp rowInsert = it->second;
    auto slot = tensor::ExtractSliceOp::create(
        rewriter, rowInsert.getLoc(), cast<tensor::ExtractSliceOp>(op).getType(),
        map.lookup(rowInsert.getDest()), mapped(rowInsert.getMixedOffsets()),
        mapped(rowInsert.getMixedSizes()), mapped(rowInsert.getMixedStrides()));
    map.map(op.getResult(0), slot.getResult());
  }
  for (auto [extract, insert] : *reads)
    map.map(extract.getResult(), map.lookupOrDefault(insert.getSource()));
  // The other rows it writes: a copy into their destination slices.
  SmallVector<std::pair<tensor::ParallelInsertSliceOp, Value>> rowInserts;
  for (Operation &op : rows.getTerminator().getYieldingOps()) {
    auto insert = cast<tensor::ParallelInsertSliceOp>(op);
    if (retargetedRows.contains(insert)) {
      rowInserts.push_back({insert, map.lookupOrDefault(insert.getSource())});
      continue;
    }
    auto slot = tensor::ExtractSliceOp::create(
        rewriter, insert.getLoc(), insert.getSourceType(),
        map.lookup(insert.getDest()), mapped(insert.getMixedOffsets()),
        mapped(insert.getMixedSizes()), mapped(insert.getMixedStrides()));
    auto copy = linalg::CopyOp::create(rewriter, insert.getLoc(),
                                       map.lookupOrDefault(insert.getSource()),
                                       slot.getResult());
    LoweringAttr::set(copy, LoweringAttr::get(rewriter.getContext())
                                .withRole(Role::Copy));
    rowInserts.push_back({insert, copy.getResult(0)});
  }
  rewriter.setInsertionPointToEnd(&fused.getTerminator().getRegion().front());
  for (Operation &op : tokens.getTerminator().getYieldingOps())
    rewriter.clone(op, map);
  for (auto [insert, row] : rowInserts) {
    map.map(insert.getSource(), row);
    rewriter.clone(*insert, map);
  }
  rewriter.replaceOp(rows, fused.getResults().drop_front(n));
  rewriter.replaceOp(tokens, fused.getResults().take_front(n));
  return success();
}

struct RopeFuseRowForallsPass
    : rope::impl::RopeFuseRowForallsPassBase<RopeFuseRowForallsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation()->walk([&](scf::ForallOp loop) {
      if (LoweringAttr::of(loop).isEmpty() && isRowLoop(loop))
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    DominanceInfo dom(getOperation());
    for (scf::ForallOp loop : loops)
      if (failed(merge(loop, rewriter, dom)) && required) {
        loop.emitOpError()
            << "is a loop over rows that could not join the token loop of "
               "the rope ops (same tokens, one per iteration, rows read only "
               "at their own token, its inputs defined before that loop)";
        return signalPassFailure();
      }
  }
};

} // namespace
