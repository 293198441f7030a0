//===- PageWalk.cpp - rope-page-walk pass ---------------------------------===//
//
// Reorders the rows of a token tile so that consecutive rows come from
// several 4 KiB pages: a token loop over a head loop
//
//   scf.for %t = 0 to %n { prologue(%t); scf.for %h = 0 to H { row(%t, %h) } }
//
// becomes, for G tokens at a time whose rows span `pages` pages,
//
//   scf.for %t0 = 0 to %n - %n mod G step G {
//     prologue(%t0), ..., prologue(%t0 + G - 1)
//     scf.for %o = 0 to RP {             // RP rows per page (or H)
//       row(%t0, %o), row(%t0, RP + %o), ..., row(%t0 + G - 1, .. + %o)
//     }
//   }
//   scf.for %t = %n - %n mod G to %n { original body }
//
// When P tokens share a page (k: 8 heads of 256 bytes, 2 per page), G is
// P times the row count and a loop %j < P around the prologue and the row
// loop takes the tokens of a page in turn: row(%t0 + %j, %o),
// row(%t0 + P + %j, %o), ..., so that every page is still walked in
// address order (with two interleaved streams per page, Llama k's walk was
// slower than no walk at all).
//
// With interleave-segments the rows of an iteration are then ordered
// segment by segment, each segment's reads first (interleaveRowSegments):
// this, not the page count, is what avoids 4K aliasing between loads and
// the streamed stores still in the store buffer.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Codegen/CPU/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/SetVector.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEPAGEWALKPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;


static bool isIndependent(scf::ForOp loop) {
  return LoweringAttr::of(loop).getIndependentIterations();
}

/// Bytes between the rows of consecutive iterations of `rowLoop`: the
/// stride of the memref dimension that its induction variable indexes in a
/// vector load, store or transfer, when static.
static std::optional<int64_t> rowBytes(scf::ForOp rowLoop) {
  std::optional<int64_t> result;
  auto visit = [&](Value base, ValueRange indices) {
    auto type = dyn_cast<MemRefType>(base.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (result || !type || failed(type.getStridesAndOffset(strides, offset)))
      return;
    for (auto [d, index] : llvm::enumerate(indices))
      if (index == rowLoop.getInductionVar() &&
          !ShapedType::isDynamic(strides[d]))
        result = strides[d] * type.getElementTypeBitWidth() / 8;
  };
  rowLoop.getBody()->walk([&](Operation *op) {
    if (auto xfer = dyn_cast<VectorTransferOpInterface>(op))
      visit(xfer.getBase(), xfer.getIndices());
    else if (auto load = dyn_cast<vector::LoadOp>(op))
      visit(load.getBase(), load.getIndices());
    else if (auto store = dyn_cast<vector::StoreOp>(op))
      visit(store.getBase(), store.getIndices());
  });
  return result;
}

/// The memref that the rows of `rowLoop` are read from: the base of its
/// first vector read, followed through views (subview, expand_shape, ...)
/// to the whole tensor, when that is defined outside `tokenLoop`.
static Value streamedMemRef(scf::ForOp rowLoop, scf::ForOp tokenLoop) {
  Value result;
  rowLoop.getBody()->walk([&](Operation *op) {
    Value base;
    if (auto read = dyn_cast<vector::TransferReadOp>(op))
      base = read.getBase();
    else if (auto load = dyn_cast<vector::LoadOp>(op))
      base = load.getBase();
    if (result || !base)
      return;
    while (auto view = base.getDefiningOp<ViewLikeOpInterface>())
      base = view.getViewSource();
    if (isa<MemRefType>(base.getType()) &&
        !tokenLoop->isAncestor(base.getParentBlock()->getParentOp()))
      result = base;
  });
  return result;
}

/// Bytes of `memref` (the product of its sizes times the element size),
/// computed at `b`'s insertion point.
static Value memrefBytes(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  Value bytes = arith::ConstantIndexOp::create(
      b, loc, type.getElementTypeBitWidth() / 8);
  for (int64_t d = 0; d < type.getRank(); ++d)
    bytes = arith::MulIOp::create(
        b, loc, bytes, memref::DimOp::create(b, loc, memref, d));
  return bytes;
}

/// Whether `op` reads memory and has no other effect.
static bool isRead(Operation *op) {
  return hasSingleEffect<MemoryEffects::Read>(op);
}

/// Whether `op` may have an effect other than reading memory.
static bool mayWrite(Operation *op) {
  return !isMemoryEffectFree(op) && !isRead(op);
}

/// Moves the reads among `ops` before `point`, with the ops of its block
/// after `point` that they depend on when those are pure.
static void hoistReads(ArrayRef<Operation *> ops, Operation *point) {
  BackwardSliceOptions options;
  options.omitBlockArguments = true;
  options.filter = [&](Operation *def) {
    return def->getBlock() == point->getBlock() &&
           !def->isBeforeInBlock(point);
  };
  for (Operation *op : ops) {
    if (!isRead(op) || op->getBlock() != point->getBlock() ||
        op->isBeforeInBlock(point))
      continue;
    llvm::SetVector<Operation *> slice;
    if (failed(getBackwardSlice(op, &slice, options)) ||
        !llvm::all_of(slice, [](Operation *def) {
          return def->getNumRegions() == 0 && isMemoryEffectFree(def);
        }))
      continue;
    for (Operation *def : slice) // topologically sorted
      def->moveBefore(point);
    op->moveBefore(point);
  }
}

/// The first op among `ops` that may write memory, or null.
static Operation *firstWrite(ArrayRef<Operation *> ops) {
  auto it = llvm::find_if(ops, mayWrite);
  return it == ops.end() ? nullptr : *it;
}

/// Each row's loads go before the previous row's first store: a load right
/// after a store to the same offset of another page (the next row here,
/// when outputs and inputs lie at the same page offset) waits on the store
/// (4K aliasing). Rows are disjoint, so the order is free.
static void hoistRowReads(ArrayRef<SmallVector<Operation *>> rowOps) {
  for (size_t r = 1; r < rowOps.size(); ++r)
    if (Operation *write = firstWrite(rowOps[r - 1]))
      hoistReads(rowOps[r], write);
}

/// Splits each row into segments, a new one at each read that follows a
/// write (a vectorized row's chunks: the reads, arithmetic and stores of
/// one vector of each half),
/// then orders the loop body segment by segment, segment s of every row
/// together, each group's reads before its first write. Every page's rows
/// then load a few lines at one page offset before any row stores to it:
/// the stores still in the store buffer lie at earlier offsets and no load
/// waits on a 4K-aliased store, which row-at-a-time orders cannot avoid
/// (the store buffer holds more than a page of streamed lines). Rows are
/// clones of one body and disjoint in memory; each row keeps its order.
static void interleaveRowSegments(ArrayRef<SmallVector<Operation *>> rowOps,
                                  Operation *end) {
  SmallVector<SmallVector<SmallVector<Operation *>>> segments;
  for (ArrayRef<Operation *> row : rowOps) {
    auto &rowSegments = segments.emplace_back(1);
    bool wrote = false;
    for (Operation *op : row) {
      if (wrote && isRead(op)) {
        rowSegments.emplace_back();
        wrote = false;
      }
      rowSegments.back().push_back(op);
      wrote |= mayWrite(op);
    }
    if (rowSegments.size() != segments.front().size())
      return;
  }
  for (size_t s = 0; s < segments.front().size(); ++s) {
    SmallVector<Operation *> group;
    for (auto &rowSegments : segments)
      for (Operation *op : rowSegments[s]) {
        op->moveBefore(end);
        group.push_back(op);
      }
    if (Operation *write = firstWrite(group))
      hoistReads(group, write);
  }
}

/// The head loop of a token loop that can be walked: the token loop runs
/// from 0 with step 1 and has no results; its body is read-only ops, then
/// the head loop (0 to a constant, step 1, no results), then the yield.
static scf::ForOp headLoopOf(scf::ForOp tokenLoop) {
  if (!isIndependent(tokenLoop) || tokenLoop.getNumResults() != 0 ||
      !matchPattern(tokenLoop.getLowerBound(), m_Zero()) ||
      !matchPattern(tokenLoop.getStep(), m_One()))
    return {};
  Block *body = tokenLoop.getBody();
  auto head = dyn_cast<scf::ForOp>(body->getTerminator()->getPrevNode());
  if (!head || !isIndependent(head) || head.getNumResults() != 0 ||
      !matchPattern(head.getLowerBound(), m_Zero()) ||
      !matchPattern(head.getStep(), m_One()) ||
      !getConstantIntValue(head.getUpperBound()))
    return {};
  for (Operation &op : body->without_terminator()) {
    if (&op == head.getOperation())
      break;
    if (op.getNumRegions() != 0 || mayWrite(&op))
      return {};
  }
  return head;
}

/// Walks `tokenLoop` (see the file comment); `maxRows` rows per iteration,
/// when the memref the rows are read from holds at least `minBytes` and its
/// elements are at most `maxElementBytes` wide (0: any).
static void walkPages(scf::ForOp tokenLoop, scf::ForOp head, int64_t maxRows,
                      int64_t minBytes, int64_t maxElementBytes,
                      bool interleaveSegments, int64_t kPageBytes) {
  std::optional<int64_t> bytes = rowBytes(head);
  Value streamed = streamedMemRef(head, tokenLoop);
  if ((minBytes > 0 || maxElementBytes > 0) && !streamed)
    return;
  if (maxElementBytes > 0 &&
      cast<MemRefType>(streamed.getType()).getElementTypeBitWidth() >
          8 * maxElementBytes)
    return;
  int64_t heads = *getConstantIntValue(head.getUpperBound());
  if (!bytes || *bytes <= 0 || kPageBytes % *bytes != 0)
    return;
  // A token spans `parts` pages of `perPage` rows each, or a page holds
  // `perPageTokens` tokens (one of the two is 1).
  int64_t perPage = std::min(kPageBytes / *bytes, heads);
  if (heads % perPage != 0)
    return;
  int64_t parts = heads / perPage;
  int64_t tokenBytes = heads * *bytes;
  if (parts == 1 && kPageBytes % tokenBytes != 0)
    return;
  int64_t perPageTokens = parts == 1 ? kPageBytes / tokenBytes : 1;
  // Tokens whose rows one iteration holds (one per page when several
  // share a page), and tokens per step of the walk.
  int64_t slots = maxRows / parts;
  int64_t group = slots * perPageTokens;
  // One token of several pages is worth walking only segment by segment.
  if (slots < 1 || (slots == 1 && (parts == 1 || !interleaveSegments)))
    return;

  OpBuilder b(tokenLoop);
  Location loc = tokenLoop.getLoc();
  Value n = tokenLoop.getUpperBound();
  Value g = arith::ConstantIndexOp::create(b, loc, group);
  Value mainEnd = arith::SubIOp::create(b, loc, n,
                                        arith::RemUIOp::create(b, loc, n, g));
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  // Smaller tensors (cache-resident) are faster in row order: the walk
  // then runs no iteration and the original loop takes every token.
  if (minBytes > 0) {
    Value large = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::uge, memrefBytes(b, loc, streamed),
        arith::ConstantIndexOp::create(b, loc, minBytes));
    mainEnd = arith::SelectOp::create(b, loc, large, mainEnd, zero);
  }
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto main = scf::ForOp::create(b, loc, zero, mainEnd, g);
  b.setInsertionPointToStart(main.getBody());
  // Tokens sharing a page are taken one after the other (loop %j), so that
  // each page is still read and written in address order: slot k holds
  // token t0 + k * perPageTokens + j, a row from page k.
  Value first = main.getInductionVar();
  if (perPageTokens > 1) {
    auto inPage = scf::ForOp::create(
        b, loc, zero, arith::ConstantIndexOp::create(b, loc, perPageTokens),
        one);
    b.setInsertionPointToStart(inPage.getBody());
    first = arith::AddIOp::create(b, loc, first, inPage.getInductionVar());
  }
  // One mapping per slot: its token and prologue clones.
  SmallVector<IRMapping> maps(slots);
  for (int64_t k = 0; k < slots; ++k) {
    Value t = arith::AddIOp::create(
        b, loc, first,
        arith::ConstantIndexOp::create(b, loc, k * perPageTokens));
    maps[k].map(tokenLoop.getInductionVar(), t);
    for (Operation &op : tokenLoop.getBody()->without_terminator()) {
      if (&op == head.getOperation())
        break;
      b.clone(op, maps[k]);
    }
  }
  auto rows = scf::ForOp::create(
      b, loc, zero, arith::ConstantIndexOp::create(b, loc, perPage), one);
  b.setInsertionPointToStart(rows.getBody());
  SmallVector<Value> headIndex;
  for (int64_t part = 0; part < parts; ++part)
    headIndex.push_back(arith::AddIOp::create(
        b, loc, rows.getInductionVar(),
        arith::ConstantIndexOp::create(b, loc, part * perPage)));
  SmallVector<SmallVector<Operation *>> rowOps;
  for (int64_t k = 0; k < slots; ++k) {
    for (int64_t part = 0; part < parts; ++part) {
      IRMapping map = maps[k];
      map.map(head.getInductionVar(), headIndex[part]);
      rowOps.emplace_back();
      for (Operation &op : head.getBody()->without_terminator())
        rowOps.back().push_back(b.clone(op, map));
    }
  }
  if (interleaveSegments)
    interleaveRowSegments(rowOps, rows.getBody()->getTerminator());
  else
    hoistRowReads(rowOps);
  // The bytes the walked tensor advances per iteration: rope-prefetch
  // fetches the same rows of the next iteration (a fixed distance would
  // fetch rows this iteration already reads).
  LoweringAttr::set(main, LoweringAttr::of(main).withPageWalk(
                             slots * parts * kPageBytes));
  // The rest of the tile's tokens (after `main`), in the original order.
  tokenLoop.getLowerBoundMutable().assign(mainEnd);
}

namespace {
struct RopePageWalkPass
    : rope::impl::RopePageWalkPassBase<RopePageWalkPass> {
  using Base::Base;

  void runOnOperation() override {
    if (rowsPerIteration < 2)
      return;
    if (rowsPerIteration > 64 || pageBytes <= 0 ||
        !llvm::isPowerOf2_64(pageBytes) || minBytes < 0 ||
        maxElementBytes < 0) {
      getOperation()->emitError("rope-page-walk: expected rows-per-iteration "
                                "in 2..64, page-bytes a power of two, "
                                "min-bytes and max-element-bytes >= 0");
      return signalPassFailure();
    }
    SmallVector<std::pair<scf::ForOp, scf::ForOp>> nests;
    getOperation()->walk([&](scf::ForOp loop) {
      if (scf::ForOp head = headLoopOf(loop))
        nests.push_back({loop, head});
    });
    for (auto [tokenLoop, head] : nests)
      walkPages(tokenLoop, head, rowsPerIteration, minBytes,
                maxElementBytes, interleaveSegments, pageBytes);
  }
};
} // namespace
