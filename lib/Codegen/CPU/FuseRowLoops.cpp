//===- FuseRowLoops.cpp - rope-fuse-row-loops pass ------------------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "BufferRoots.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSEROWLOOPSPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {

/// The buffers a loop reads and writes (their roots), or failure when an op
/// in it has effects we cannot see.
struct Accesses {
  llvm::SmallPtrSet<Value, 8> read, written;
  /// Every memref a read or write goes through (before rooting).
  SmallVector<std::pair<Value, bool>> uses; // (memref, isWrite)
};

/// A buffer no other value aliases except through views: an allocation or
/// a function argument (function arguments do not alias each other).
bool isTracedRoot(Value root) {
  if (root.getDefiningOp<memref::AllocOp>() ||
      root.getDefiningOp<memref::AllocaOp>())
    return true;
  auto arg = dyn_cast<BlockArgument>(root);
  return arg && isa<func::FuncOp>(arg.getOwner()->getParentOp());
}

/// Views whose accesses stay inside the view they are taken of
/// (isContainedView) all the way to `root`.
bool isTracedChain(Value memref, Value root) {
  for (Value v = memref; v != root;) {
    Operation *def = v.getDefiningOp();
    if (!rope::isContainedView(def))
      return false;
    v = def->getOperand(0);
  }
  return true;
}

FailureOr<Accesses> accessesOf(scf::ForallOp loop) {
  FailureOr<SmallVector<rope::MemoryAccess>> accesses =
      rope::memoryAccessesIn(loop);
  if (failed(accesses))
    return failure();
  Accesses a;
  for (const rope::MemoryAccess &access : *accesses) {
    Value root = rope::rootBuffer(access.memref);
    // Globals (constant tables) are read through get_global ops that
    // alias one another: read-only use only.
    bool readGlobal =
        !access.write && root.getDefiningOp<memref::GetGlobalOp>();
    if ((!readGlobal && !isTracedRoot(root)) ||
        !isTracedChain(access.memref, root))
      return failure();
    (access.write ? a.written : a.read).insert(root);
    a.uses.push_back({access.memref, access.write});
  }
  return a;
}

/// The step of a one-dimensional loop from 0 without results.
std::optional<OpFoldResult> stepOf(scf::ForallOp loop) {
  if (loop.getRank() != 1 || !loop.getOutputs().empty() ||
      !isZeroInteger(loop.getMixedLowerBound()[0]))
    return std::nullopt;
  return loop.getMixedStep()[0];
}

/// The subview taken directly of `memref`'s root buffer on the way to it,
/// if its dim-0 offset is `iv` with stride 1: every access through `memref`
/// then stays in the rows that subview selects.
memref::SubViewOp subviewAt(Value memref, Value iv) {
  Value root = rope::rootBuffer(memref);
  for (Value v = memref; v != root;) {
    Operation *def = v.getDefiningOp();
    Value source = isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def)
                       ? def->getOperand(0)
                       : cast<ViewLikeOpInterface>(def).getViewSource();
    if (source == root) {
      auto sub = dyn_cast<memref::SubViewOp>(def);
      if (!sub || sub.getMixedOffsets()[0] != OpFoldResult(iv) ||
          !isOneInteger(sub.getMixedStrides()[0]))
        return nullptr;
      return sub;
    }
    v = source;
  }
  return nullptr;
}

/// Every access of `tile` to a buffer in `roots` goes through a view at
/// the tile's induction variable of at most `step` rows.
bool tileAccessesOwnRows(scf::ForallOp tile, const Accesses &a,
                         const llvm::SmallPtrSetImpl<Value> &roots,
                         OpFoldResult step) {
  Value iv = tile.getInductionVar(0);
  for (auto [memref, write] : a.uses) {
    if (!roots.contains(rope::rootBuffer(memref)))
      continue;
    memref::SubViewOp sub = subviewAt(memref, iv);
    if (!sub)
      return false;
    if (!ValueBoundsConstraintSet::compare(
            sub.getMixedSizes()[0], ValueBoundsConstraintSet::LE, step))
      return false;
  }
  return true;
}

/// The row loop reads the buffers `tile` writes only at its own row.
bool rowReadsOwnRow(scf::ForallOp rows, const Accesses &a,
                    const Accesses &tile) {
  Value iv = rows.getInductionVar(0);
  for (auto [memref, write] : a.uses) {
    Value root = rope::rootBuffer(memref);
    if (write) {
      if (tile.read.contains(root) || tile.written.contains(root))
        return false;
      continue;
    }
    if (!tile.written.contains(root))
      continue;
    memref::SubViewOp sub = subviewAt(memref, iv);
    if (!sub || getConstantIntValue(sub.getMixedSizes()[0]) != 1)
      return false;
  }
  return true;
}

/// The loop before `rows` in its block, if only ops free of memory effects
/// lie between them.
scf::ForallOp previousLoop(scf::ForallOp rows) {
  for (Operation *op = rows->getPrevNode(); op; op = op->getPrevNode()) {
    if (auto loop = dyn_cast<scf::ForallOp>(op))
      return loop;
    if (!isMemoryEffectFree(op))
      return nullptr;
  }
  return nullptr;
}

LogicalResult fuse(scf::ForallOp rows, DominanceInfo &dom) {
  std::optional<OpFoldResult> rowStep = stepOf(rows);
  scf::ForallOp tile = previousLoop(rows);
  if (!tile || !rowStep || !isOneInteger(*rowStep))
    return failure();
  // The tile step may be a run-time value (short sequences are cut into as
  // many tiles as threads).
  std::optional<OpFoldResult> step = stepOf(tile);
  if (!step || !ValueBoundsConstraintSet::compare(
                   tile.getMixedUpperBound()[0], ValueBoundsConstraintSet::EQ,
                   rows.getMixedUpperBound()[0]))
    return failure();
  // The row body, cloned into the tile, may use only values defined before
  // the tile loop; effect-free ops between the loops it uses (a broadcast
  // of the scale the row body quantizes with) move there first.
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(rows.getRegion(), captured);
  for (Value v : captured) {
    Operation *def = v.getDefiningOp();
    if (def && def->getBlock() == rows->getBlock() &&
        tile->isBeforeInBlock(def) && def->getNumRegions() == 0 &&
        isMemoryEffectFree(def) &&
        llvm::all_of(def->getOperands(),
                     [&](Value o) { return dom.properlyDominates(o, tile); }))
      def->moveBefore(tile);
  }
  if (llvm::any_of(captured,
                   [&](Value v) { return !dom.properlyDominates(v, tile); }))
    return failure();
  FailureOr<Accesses> tileAccesses = accessesOf(tile);
  FailureOr<Accesses> rowAccesses = accessesOf(rows);
  if (failed(tileAccesses) || failed(rowAccesses) ||
      !rowReadsOwnRow(rows, *rowAccesses, *tileAccesses))
    return failure();
  llvm::SmallPtrSet<Value, 8> shared;
  for (auto [memref, write] : rowAccesses->uses)
    if (tileAccesses->written.contains(rope::rootBuffer(memref)))
      shared.insert(rope::rootBuffer(memref));
  // Rows of a shared buffer do not overlap (row-major, no strided rows).
  for (Value root : shared)
    if (!cast<MemRefType>(root.getType()).getLayout().isIdentity())
      return failure();
  if (!tileAccessesOwnRows(tile, *tileAccesses, shared, *step))
    return failure();

  // The tile's rows [t, min(t + step, n)), after the tile's own work.
  OpBuilder b(tile.getBody()->getTerminator());
  Location loc = rows.getLoc();
  Value t = tile.getInductionVar(0);
  Value n = getValueOrCreateConstantIndexOp(b, loc,
                                            tile.getMixedUpperBound()[0]);
  Value end = arith::MinSIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, t,
                            getValueOrCreateConstantIndexOp(b, loc, *step)),
      n);
  auto loop = scf::ForOp::create(b, loc, t, end,
                                 arith::ConstantIndexOp::create(b, loc, 1));
  b.setInsertionPointToStart(loop.getBody());
  IRMapping map;
  map.map(rows.getInductionVar(0), loop.getInductionVar());
  for (Operation &op : rows.getBody()->without_terminator())
    b.clone(op, map);
  rows.erase();
  return success();
}

struct RopeFuseRowLoopsPass
    : rope::impl::RopeFuseRowLoopsPassBase<RopeFuseRowLoopsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation().walk([&](scf::ForallOp loop) { loops.push_back(loop); });
    DominanceInfo dom(getOperation());
    // In program order: a row loop fused into a tile loop leaves that tile
    // loop as the predecessor of the next row loop.
    for (scf::ForallOp loop : loops)
      (void)fuse(loop, dom);
  }
};

} // namespace
