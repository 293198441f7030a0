//===- ForwardRowCopies.cpp - rope-forward-row-copies pass ----------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "BufferRoots.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
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

/// Ops that take a row view as an operand whatever its strides.
bool acceptsAnyLayout(Operation *op) {
  return isa<vector::TransferReadOp, vector::TransferWriteOp, vector::LoadOp,
             vector::StoreOp, memref::LoadOp, memref::StoreOp,
             memref::CopyOp, linalg::LinalgOp>(op);
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

/// `op`, a view of the chain, rebuilt on `source`; with `toRow`, its dim 0
/// becomes the one row `source` has (offset 0, size 1).
Value replayView(OpBuilder &b, Operation *op, Value source, bool toRow) {
  Location loc = op->getLoc();
  if (auto sub = dyn_cast<memref::SubViewOp>(op)) {
    SmallVector<OpFoldResult> offsets = sub.getMixedOffsets(),
                              sizes = sub.getMixedSizes();
    if (toRow) {
      offsets[0] = b.getIndexAttr(0);
      sizes[0] = b.getIndexAttr(1);
    }
    auto sourceType = cast<MemRefType>(source.getType());
    auto type = memref::SubViewOp::inferRankReducedResultType(
        sub.getType().getShape(), sourceType, offsets, sizes,
        sub.getMixedStrides());
    // All of the source (a tile view replayed on one row): no view needed.
    if (type == sourceType && type.hasStaticShape() &&
        llvm::all_of(offsets, [](OpFoldResult o) { return isZeroInteger(o); }))
      return source;
    return memref::SubViewOp::create(b, loc, type, source, offsets, sizes,
                                     sub.getMixedStrides());
  }
  if (auto expand = dyn_cast<memref::ExpandShapeOp>(op)) {
    SmallVector<int64_t> shape(expand.getResultType().getShape());
    SmallVector<OpFoldResult> outputShape = expand.getMixedOutputShape();
    if (toRow) {
      shape[0] = 1;
      outputShape[0] = b.getIndexAttr(1);
    }
    return memref::ExpandShapeOp::create(b, loc, shape, source,
                                         expand.getReassociationIndices(),
                                         outputShape);
  }
  auto collapse = cast<memref::CollapseShapeOp>(op);
  return memref::CollapseShapeOp::create(b, loc, source,
                                         collapse.getReassociationIndices());
}

/// Points `view`'s users at `replacement`, a view of the same shape with
/// other strides: views are rebuilt on it, accesses take it as it is.
void retarget(OpBuilder &b, Value view, Value replacement) {
  for (OpOperand &use : llvm::make_early_inc_range(view.getUses())) {
    Operation *user = use.getOwner();
    if (acceptsAnyLayout(user)) {
      use.set(replacement);
      continue;
    }
    b.setInsertionPoint(user);
    retarget(b, user->getResult(0),
             replayView(b, user, replacement, /*toRow=*/false));
    user->erase();
  }
}

/// Whether every user of a row view (through further views) takes any
/// layout.
bool rowUsersRetargetable(Value view) {
  return llvm::all_of(view.getUsers(), [](Operation *user) {
    if (acceptsAnyLayout(user))
      return true;
    return isa<memref::SubViewOp, memref::ExpandShapeOp,
               memref::CollapseShapeOp>(user) &&
           rowUsersRetargetable(user->getResult(0));
  });
}

/// A row view of the buffer and the views from the buffer's tile view to it.
struct RowAccess {
  SmallVector<Operation *> chain; // tile view first, row view last
  SmallVector<OpFoldResult> token; // its row: the sum of the dim-0 offsets
};

/// The row views reached from `view` (chain so far in `access`), or failure
/// when an access or a view spans several rows.
LogicalResult collectRows(Value view, RowAccess access,
                          SmallVectorImpl<RowAccess> &rows) {
  for (Operation *user : view.getUsers()) {
    if (!keepsDim0(user) && !isRowView(user))
      return failure();
    RowAccess next = access;
    next.chain.push_back(user);
    if (auto sub = dyn_cast<memref::SubViewOp>(user))
      if (!isZeroInteger(sub.getMixedOffsets()[0]))
        next.token.push_back(sub.getMixedOffsets()[0]);
    if (isRowView(user)) {
      if (!rowUsersRetargetable(user->getResult(0)))
        return failure();
      rows.push_back(std::move(next));
      continue;
    }
    if (failed(collectRows(user->getResult(0), std::move(next), rows)))
      return failure();
  }
  return success();
}

/// Whether `op` reads or writes memory rooted at `root` (unknown effects
/// count as both).
bool touches(Operation *op, Value root, bool writesOnly) {
  auto iface = dyn_cast<MemoryEffectOpInterface>(op);
  if (!iface)
    return !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
           !(op->hasTrait<OpTrait::IsTerminator>() && op->getNumOperands() == 0);
  SmallVector<MemoryEffects::EffectInstance> effects;
  iface.getEffects(effects);
  for (const MemoryEffects::EffectInstance &e : effects) {
    bool write = isa<MemoryEffects::Write, MemoryEffects::Free>(e.getEffect());
    if (writesOnly && !write && !isa<MemoryEffects::Allocate>(e.getEffect()))
      continue;
    if (isa<MemoryEffects::Allocate>(e.getEffect()) && e.getValue() &&
        llvm::is_contained(op->getResults(), e.getValue()))
      continue;
    Value v = e.getValue();
    if (!v || !isa<BaseMemRefType>(v.getType()) || rope::rootBuffer(v) == root)
      return true;
  }
  return false;
}

/// Whether anything in `loop` but `except` accesses `root` (writes only
/// with `writesOnly`).
bool loopTouches(Operation *loop, Value root, Operation *except,
                 bool writesOnly) {
  return loop
      ->walk([&](Operation *op) {
        if (op == loop || op == except)
          return WalkResult::advance();
        return touches(op, root, writesOnly) ? WalkResult::interrupt()
                                             : WalkResult::advance();
      })
      .wasInterrupted();
}

/// The ops of `rows`'s body that `value` depends on, in order, if they can
/// run anywhere in `tile`: free of effects, or reads of buffers the tile
/// does not write.
FailureOr<SmallVector<Operation *>> sliceOf(Value value, scf::ForOp rows,
                                            scf::ForallOp tile) {
  llvm::SetVector<Operation *> slice;
  SmallVector<Value> work{value};
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || def->getBlock() != rows.getBody() || slice.contains(def))
      continue;
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
    slice.insert(def);
    llvm::append_range(work, def->getOperands());
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

  // The buffer is written and read only by the tile, through row views of
  // tile views at %t, and copied out here.
  SmallVector<RowAccess> rowAccesses;
  SmallVector<Operation *> deallocs;
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
    RowAccess access;
    access.chain.push_back(view);
    access.token.push_back(tile.getInductionVar(0));
    if (failed(collectRows(view.getResult(), access, rowAccesses)))
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
  llvm::SetVector<Operation *> dead;
  for (RowAccess &access : rowAccesses)
    dead.insert(access.chain.begin(), access.chain.end());
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
