//===- ForwardRowCopies.cpp - rope-forward-row-copies pass ----------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "BufferRoots.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

#include <functional>
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFORWARDROWCOPIESPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {

/// Whether `rows` is `scf.for %i = %t to min(%t + step, n) step 1` directly
/// in the one-dimensional `tile` loop `(%t) = (0) to (n) step (step)`: the
/// loop rope-fuse-row-loops makes over a tile's rows, which visits each row
/// a tile view at %t of at most `step` rows can reach.
bool isTileRowLoop(scf::ForOp rows, scf::ForallOp tile) {
  if (rows->getParentOp() != tile || tile.getRank() != 1 ||
      !tile.getOutputs().empty() ||
      !isZeroInteger(tile.getMixedLowerBound()[0]) ||
      rows.getLowerBound() != tile.getInductionVar(0) ||
      !isOneInteger(getAsOpFoldResult(rows.getStep())))
    return false;
  auto end = rows.getUpperBound().getDefiningOp<arith::MinSIOp>();
  if (!end)
    return false;
  auto add = end.getLhs().getDefiningOp<arith::AddIOp>();
  return add && add.getLhs() == tile.getInductionVar(0) &&
         isEqualConstantIntOrValue(getAsOpFoldResult(add.getRhs()),
                                   tile.getMixedStep()[0]) &&
         isEqualConstantIntOrValue(getAsOpFoldResult(end.getRhs()),
                                   tile.getMixedUpperBound()[0]);
}

/// Ops that take a row view as an operand whatever its strides (vector
/// loads and stores: with a unit innermost stride).
bool acceptsLayout(Operation *op, MemRefType type) {
  if (isa<vector::LoadOp, vector::StoreOp>(op))
    return type.isLastDimUnitStride();
  return isa<vector::TransferReadOp, vector::TransferWriteOp, memref::LoadOp,
             memref::StoreOp, memref::CopyOp, linalg::LinalgOp>(op);
}

/// The views a row's accesses go through, all keeping dim 0 a dimension of
/// its own (a token).
bool keepsDim0(Operation *op) {
  if (auto sub = dyn_cast<memref::SubViewOp>(op))
    return isOneInteger(sub.getMixedStrides()[0]) &&
           sub.getType().getRank() == sub.getSourceType().getRank();
  if (auto expand = dyn_cast<memref::ExpandShapeOp>(op))
    return expand.getReassociationIndices()[0] == ReassociationIndices{0};
  if (auto collapse = dyn_cast<memref::CollapseShapeOp>(op))
    return collapse.getReassociationIndices()[0] == ReassociationIndices{0};
  return false;
}

/// A view of one row: a subview of size 1 at dim 0.
bool isRowView(Operation *op) {
  auto sub = dyn_cast<memref::SubViewOp>(op);
  return sub && isOneInteger(sub.getMixedSizes()[0]) &&
         isOneInteger(sub.getMixedStrides()[0]);
}

/// `op`'s offsets and sizes, with `toRow` those of the one row (dim 0 at
/// offset 0, size 1) of a source that has one.
std::pair<SmallVector<OpFoldResult>, SmallVector<OpFoldResult>>
subviewOperands(memref::SubViewOp sub, bool toRow) {
  SmallVector<OpFoldResult> offsets = sub.getMixedOffsets(),
                            sizes = sub.getMixedSizes();
  if (toRow) {
    Builder b(sub.getContext());
    offsets[0] = b.getIndexAttr(0);
    sizes[0] = b.getIndexAttr(1);
  }
  return {offsets, sizes};
}

/// The type of view `op` rebuilt on a `source` of type `type` (see
/// replayView), or failure when that view cannot be taken of it (a collapse
/// of dimensions the source's strides do not keep contiguous).
FailureOr<MemRefType> replayType(Operation *op, MemRefType type, bool toRow) {
  if (auto sub = dyn_cast<memref::SubViewOp>(op)) {
    auto [offsets, sizes] = subviewOperands(sub, toRow);
    auto result = memref::SubViewOp::inferRankReducedResultType(
        sub.getType().getShape(), type, offsets, sizes, sub.getMixedStrides());
    if (!result)
      return failure();
    // All of the source (a tile view replayed on one row): no view needed.
    if (result == type && type.hasStaticShape() &&
        llvm::all_of(offsets, [](OpFoldResult o) { return isZeroInteger(o); }))
      return type;
    return result;
  }
  if (auto expand = dyn_cast<memref::ExpandShapeOp>(op)) {
    SmallVector<int64_t> shape(expand.getResultType().getShape());
    if (toRow)
      shape[0] = 1;
    return memref::ExpandShapeOp::computeExpandedType(
        type, shape, expand.getReassociationIndices());
  }
  auto collapse = cast<memref::CollapseShapeOp>(op);
  if (!memref::CollapseShapeOp::isGuaranteedCollapsible(
          type, collapse.getReassociationIndices()))
    return failure();
  return memref::CollapseShapeOp::computeCollapsedType(
      type, collapse.getReassociationIndices());
}

/// `op`, a view of the chain, rebuilt on `source` (replayType succeeded for
/// it); with `toRow`, its dim 0 becomes the one row `source` has.
Value replayView(OpBuilder &b, Operation *op, Value source, bool toRow) {
  Location loc = op->getLoc();
  auto sourceType = cast<MemRefType>(source.getType());
  MemRefType type = *replayType(op, sourceType, toRow);
  if (auto sub = dyn_cast<memref::SubViewOp>(op)) {
    auto [offsets, sizes] = subviewOperands(sub, toRow);
    if (type == sourceType && type.hasStaticShape() &&
        llvm::all_of(offsets, [](OpFoldResult o) { return isZeroInteger(o); }))
      return source;
    return memref::SubViewOp::create(b, loc, type, source, offsets, sizes,
                                     sub.getMixedStrides());
  }
  if (auto expand = dyn_cast<memref::ExpandShapeOp>(op)) {
    SmallVector<OpFoldResult> outputShape = expand.getMixedOutputShape();
    if (toRow)
      outputShape[0] = b.getIndexAttr(1);
    return memref::ExpandShapeOp::create(
        b, loc, type, source, expand.getReassociationIndices(), outputShape);
  }
  auto collapse = cast<memref::CollapseShapeOp>(op);
  return memref::CollapseShapeOp::create(b, loc, type, source,
                                         collapse.getReassociationIndices());
}

/// Whether `view`'s users, views rebuilt on a view of type `type` and
/// accesses, all take it.
bool retargetable(Value view, MemRefType type) {
  return llvm::all_of(view.getUsers(), [&](Operation *user) {
    if (acceptsLayout(user, type))
      return true;
    if (!isa<memref::SubViewOp, memref::ExpandShapeOp,
             memref::CollapseShapeOp>(user))
      return false;
    FailureOr<MemRefType> next = replayType(user, type, /*toRow=*/false);
    return succeeded(next) && retargetable(user->getResult(0), *next);
  });
}

/// Points `view`'s users at `replacement`, a view of the same shape with
/// other strides (retargetable): views are rebuilt on it, accesses take it
/// as it is.
void retarget(OpBuilder &b, Value view, Value replacement) {
  for (OpOperand &use : llvm::make_early_inc_range(view.getUses())) {
    Operation *user = use.getOwner();
    if (acceptsLayout(user, cast<MemRefType>(replacement.getType()))) {
      use.set(replacement);
      continue;
    }
    b.setInsertionPoint(user);
    retarget(b, user->getResult(0),
             replayView(b, user, replacement, /*toRow=*/false));
    user->erase();
  }
}

/// A row view of the buffer and the views from the buffer's tile view to it.
struct RowAccess {
  SmallVector<Operation *> chain; // tile view first, row view last
  SmallVector<OpFoldResult> token; // its row: the sum of the dim-0 offsets
};

/// The row views reached from `view` (chain so far in `access`), or failure
/// when an access or a view spans several rows. Every view passed is added
/// to `views`.
LogicalResult collectRows(Value view, RowAccess access,
                          SmallVectorImpl<RowAccess> &rows,
                          llvm::SetVector<Operation *> &views) {
  for (Operation *user : view.getUsers()) {
    if (!keepsDim0(user) && !isRowView(user))
      return failure();
    views.insert(user);
    RowAccess next = access;
    next.chain.push_back(user);
    if (auto sub = dyn_cast<memref::SubViewOp>(user))
      if (!isZeroInteger(sub.getMixedOffsets()[0]))
        next.token.push_back(sub.getMixedOffsets()[0]);
    if (isRowView(user)) {
      rows.push_back(std::move(next));
      continue;
    }
    if (failed(collectRows(user->getResult(0), std::move(next), rows, views)))
      return failure();
  }
  return success();
}

/// Whether anything in `loop` but `except` accesses `root` (writes only
/// with `writesOnly`); accesses that cannot be placed count.
bool loopTouches(Operation *loop, Value root, Operation *except,
                 bool writesOnly) {
  FailureOr<SmallVector<rope::MemoryAccess>> accesses =
      rope::memoryAccessesIn(loop);
  if (failed(accesses))
    return true;
  return llvm::any_of(*accesses, [&](const rope::MemoryAccess &a) {
    return a.op != except && (a.write || !writesOnly) &&
           rope::rootBuffer(a.memref) == root;
  });
}

/// The ops of `rows`'s body that `value` depends on, in order, if they can
/// run anywhere in `tile`: free of effects, or reads of buffers the tile
/// does not write.
FailureOr<SmallVector<Operation *>> sliceOf(Value value, scf::ForOp rows,
                                            scf::ForallOp tile) {
  BackwardSliceOptions options;
  options.inclusive = true;
  options.omitBlockArguments = true;
  options.filter = [&](Operation *op) {
    return op->getBlock() == rows.getBody();
  };
  llvm::SetVector<Operation *> slice;
  if (failed(getBackwardSlice(value, &slice, options)))
    return failure();
  for (Operation *def : slice) {
    if (def->getNumRegions())
      return failure();
    if (!isMemoryEffectFree(def)) {
      auto load = dyn_cast<memref::LoadOp>(def);
      Value root = load ? rope::rootBuffer(load.getMemRef()) : Value();
      if (!load || loopTouches(tile, root, nullptr, /*writesOnly=*/true))
        return failure();
    }
    // Captured values must be there wherever in the tile the clone goes.
    for (Value operand : def->getOperands())
      if (operand.getParentBlock() != rows.getBody() &&
          tile->isAncestor(operand.getParentRegion()->getParentOp()))
        return failure();
  }
  SmallVector<Operation *> ordered = slice.takeVector();
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return ordered;
}

/// Where a value computed from `terms` can first be built: after the one
/// defined last. They all dominate the row view, so their blocks nest.
OpBuilder::InsertPoint firstPointAfter(ArrayRef<OpFoldResult> terms,
                                       scf::ForallOp tile) {
  Block *block = tile.getBody();
  Block::iterator point = block->begin();
  for (OpFoldResult term : terms) {
    auto v = dyn_cast<Value>(term);
    if (!v)
      continue;
    Block *b = v.getParentBlock();
    Block::iterator p = isa<BlockArgument>(v)
                            ? b->begin()
                            : std::next(v.getDefiningOp()->getIterator());
    bool later;
    if (b != block)
      later = block->getParentOp()->isProperAncestor(b->getParentOp());
    else if (p == point || point == b->end())
      later = false;
    else
      later = p == b->end() || point->isBeforeInBlock(&*p);
    if (later) {
      block = b;
      point = p;
    }
  }
  return OpBuilder::InsertPoint(block, point);
}

/// Forwards one row copy: the tile writes the rows straight to where the
/// copy would put them.
LogicalResult forward(memref::CopyOp copy) {
  auto rows = dyn_cast<scf::ForOp>(copy->getParentOp());
  auto tile = rows ? dyn_cast<scf::ForallOp>(rows->getParentOp()) : nullptr;
  if (!tile || !isTileRowLoop(rows, tile))
    return failure();
  // The source: row %i, whole, of a buffer of this function.
  auto rowOfBuffer = copy.getSource().getDefiningOp<memref::SubViewOp>();
  if (!rowOfBuffer)
    return failure();
  Value buffer = rowOfBuffer.getSource();
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  MemRefType bufferType = alloc ? alloc.getType() : nullptr;
  if (!alloc || !bufferType.getLayout().isIdentity() ||
      rowOfBuffer.getType().getRank() != bufferType.getRank() ||
      rowOfBuffer.getMixedOffsets()[0] != OpFoldResult(rows.getInductionVar()))
    return failure();
  for (int64_t d = 0; d < bufferType.getRank(); ++d) {
    if (!isOneInteger(rowOfBuffer.getMixedStrides()[d]))
      return failure();
    if (d == 0)
      continue;
    if (!isZeroInteger(rowOfBuffer.getMixedOffsets()[d]) ||
        bufferType.isDynamicDim(d) ||
        getConstantIntValue(rowOfBuffer.getMixedSizes()[d]) !=
            bufferType.getDimSize(d))
      return failure();
  }
  if (!isOneInteger(rowOfBuffer.getMixedSizes()[0]))
    return failure();

  // The buffer has no more rows than the tile loop has tokens: a tile view
  // of at most a step of rows at %t holds only rows the row loop copies.
  OpFoldResult bufferRows =
      bufferType.isDynamicDim(0)
          ? OpFoldResult(alloc.getDynamicSizes()[0])
          : OpFoldResult(Builder(alloc.getContext())
                             .getIndexAttr(bufferType.getDimSize(0)));
  if (!ValueBoundsConstraintSet::compare(bufferRows,
                                         ValueBoundsConstraintSet::LE,
                                         tile.getMixedUpperBound()[0]))
    return failure();

  // The buffer is written and read only by the tile, through row views of
  // tile views at %t, before the row loop copies it out.
  SmallVector<RowAccess> rowAccesses;
  llvm::SetVector<Operation *> views;
  SmallVector<Operation *> deallocs;
  auto beforeRows = [&](Operation *op) {
    Operation *inTile = tile.getBody()->findAncestorOpInBlock(*op);
    return inTile && inTile->isBeforeInBlock(rows);
  };
  std::function<bool(Operation *)> allBeforeRows = [&](Operation *op) {
    if (!beforeRows(op))
      return false;
    for (Value result : op->getResults())
      for (Operation *user : result.getUsers())
        if (!allBeforeRows(user))
          return false;
    return true;
  };
  for (Operation *user : buffer.getUsers()) {
    if (user == rowOfBuffer)
      continue;
    if (isa<memref::DeallocOp>(user)) {
      deallocs.push_back(user);
      continue;
    }
    // A tile view: rows [%t, %t + step) at most, those the row loop copies.
    auto view = dyn_cast<memref::SubViewOp>(user);
    if (!view || !tile->isProperAncestor(view) || !keepsDim0(view) ||
        view.getMixedOffsets()[0] != OpFoldResult(tile.getInductionVar(0)) ||
        !ValueBoundsConstraintSet::compare(view.getMixedSizes()[0],
                                           ValueBoundsConstraintSet::LE,
                                           tile.getMixedStep()[0]))
      return failure();
    if (!allBeforeRows(view))
      return failure();
    views.insert(view);
    RowAccess access;
    access.chain.push_back(view);
    access.token.push_back(tile.getInductionVar(0));
    if (failed(collectRows(view.getResult(), access, rowAccesses, views)))
      return failure();
  }
  if (!rowOfBuffer->hasOneUse())
    return failure();

  // The destination: a view of a buffer nothing else in the tile touches,
  // computed from %i by ops that may run earlier in the tile.
  Value target = copy.getTarget();
  Value destination = rope::rootBuffer(target);
  auto arg = dyn_cast<BlockArgument>(destination);
  bool traced = destination.getDefiningOp<memref::AllocOp>() ||
                (arg && isa<func::FuncOp>(arg.getOwner()->getParentOp()));
  if (!traced || destination == buffer ||
      loopTouches(tile, destination, copy, /*writesOnly=*/false))
    return failure();
  FailureOr<SmallVector<Operation *>> slice = sliceOf(target, rows, tile);
  if (failed(slice))
    return failure();
  // Each row's views can be taken of its destination, with the layout its
  // accesses need.
  for (RowAccess &access : rowAccesses) {
    auto type = cast<MemRefType>(target.getType());
    for (Operation *op : access.chain) {
      FailureOr<MemRefType> next = replayType(op, type, /*toRow=*/true);
      if (failed(next))
        return failure();
      type = *next;
    }
    if (!retargetable(access.chain.back()->getResult(0), type))
      return failure();
  }

  // Each row view becomes the same view of the row's destination.
  OpBuilder b(copy);
  // A row's destination, once per token (its place follows from the token).
  SmallVector<std::pair<SmallVector<OpFoldResult>, Value>> targets;
  for (RowAccess &access : rowAccesses) {
    auto known = llvm::find_if(targets, [&](const auto &t) {
      return isEqualConstantIntOrValueArray(t.first, access.token);
    });
    Value row;
    if (known != targets.end()) {
      row = known->second;
    } else {
      b.restoreInsertionPoint(firstPointAfter(access.token, tile));
      Location loc = copy.getLoc();
      Value token = getValueOrCreateConstantIndexOp(b, loc, access.token[0]);
      for (OpFoldResult term : ArrayRef(access.token).drop_front())
        token = arith::AddIOp::create(
            b, loc, token, getValueOrCreateConstantIndexOp(b, loc, term));
      IRMapping map;
      map.map(rows.getInductionVar(), token);
      for (Operation *op : *slice)
        b.clone(*op, map);
      row = map.lookup(target);
      targets.push_back({access.token, row});
    }
    Operation *rowView = access.chain.back();
    b.setInsertionPoint(rowView);
    for (Operation *op : access.chain)
      row = replayView(b, op, row, /*toRow=*/true);
    retarget(b, rowView->getResult(0), row);
  }

  // What is left: the copy, the old views, the buffer.
  copy.erase();
  rowOfBuffer.erase();
  llvm::SetVector<Operation *> dead = std::move(views);
  // Users come after their sources in no particular chain: erase what is
  // unused until nothing is.
  for (bool erased = true; erased;) {
    erased = false;
    for (Operation *op : dead.takeVector()) {
      if (!op->use_empty()) {
        dead.insert(op);
        continue;
      }
      op->erase();
      erased = true;
    }
  }
  for (Operation *op : deallocs)
    op->erase();
  if (!alloc->use_empty())
    return failure(); // unreachable: every use was a tile view or the copy
  alloc.erase();
  SmallVector<Operation *> body;
  for (Operation &op : rows.getBody()->without_terminator())
    body.push_back(&op);
  for (Operation *op : llvm::reverse(body))
    if (isOpTriviallyDead(op))
      op->erase();
  return success();
}

struct RopeForwardRowCopiesPass
    : rope::impl::RopeForwardRowCopiesPassBase<RopeForwardRowCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies)
      (void)forward(copy);
  }
};

} // namespace
