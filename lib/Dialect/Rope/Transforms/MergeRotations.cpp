//===- MergeRotations.cpp - rope-merge-rotations pass ---------------------===//
//
// q and k rotated by two rope.rotate ops with the same positions and
// frequencies become one op of both: one cos/sin table per token, one loop
// nest.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEMERGEROTATIONSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
/// The attributes of `op` that define its rotation (not the operand
/// segment sizes, which differ with the input counts).
DictionaryAttr rotationAttrs(RotateOp op) {
  NamedAttrList attrs(op->getAttrDictionary());
  attrs.erase(op.getOperandSegmentSizesAttrName());
  return attrs.getDictionary(op.getContext());
}

/// Whether `a` and `b` rotate with the same tables over the same tokens.
bool sameRotation(RotateOp a, RotateOp b) {
  if (rotationAttrs(a) != rotationAttrs(b) ||
      a.getPositions() != b.getPositions() || a.getOffset() != b.getOffset() ||
      a.getCosCache() != b.getCosCache() || a.getSinCache() != b.getSinCache())
    return false;
  Type elt = getElementTypeOrSelf(a.getInputs().front().getType());
  auto sameElement = [&](Value v) {
    return getElementTypeOrSelf(v.getType()) == elt;
  };
  if (!llvm::all_of(a.getInputs(), sameElement) ||
      !llvm::all_of(b.getInputs(), sameElement))
    return false;
  // Positions fix the token sizes of every input (checked at run time);
  // otherwise they must be equal and static.
  if (a.getPositions())
    return true;
  auto ta = cast<ShapedType>(a.getInputs().front().getType());
  auto tb = cast<ShapedType>(b.getInputs().front().getType());
  return llvm::all_of(a.getTokenDims(), [&](int64_t d) {
    return !ta.isDynamicDim(d) && ta.getDimSize(d) == tb.getDimSize(d);
  });
}

/// Whether `earlier` (before `later` in one block) can move to `later`:
/// nothing before `later` uses its results. (`later` depending on it would
/// need such a use.)
bool canMergeAt(RotateOp earlier, RotateOp later) {
  return llvm::all_of(earlier->getUsers(), [&](Operation *user) {
    Operation *inBlock = earlier->getBlock()->findAncestorOpInBlock(*user);
    return inBlock && later->isBeforeInBlock(inBlock);
  });
}

struct RopeMergeRotationsPass
    : rope::impl::RopeMergeRotationsPassBase<RopeMergeRotationsPass> {
  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation()->walk([&](Block *block) { blocks.push_back(block); });
    IRRewriter rewriter(&getContext());
    for (Block *block : blocks) {
      SmallVector<RotateOp> seen;
      for (Operation &op : llvm::make_early_inc_range(*block)) {
        auto later = dyn_cast<RotateOp>(op);
        if (!later)
          continue;
        auto *match = llvm::find_if(llvm::reverse(seen), [&](RotateOp e) {
          return sameRotation(e, later) && canMergeAt(e, later);
        }).base();
        if (match == seen.begin()) {
          seen.push_back(later);
          continue;
        }
        RotateOp earlier = *std::prev(match);
        rewriter.setInsertionPoint(later);
        SmallVector<Value> inputs(earlier.getInputs());
        llvm::append_range(inputs, later.getInputs());
        SmallVector<Value> inits(earlier.getInits());
        llvm::append_range(inits, later.getInits());
        OperationState state(later.getLoc(), later->getName());
        state.addOperands(inputs);
        state.addOperands(inits);
        for (Value v : {Value(later.getPositions()), Value(later.getOffset()),
                        Value(later.getCosCache()), Value(later.getSinCache())})
          if (v)
            state.addOperands(v);
        state.addAttributes(rotationAttrs(later).getValue());
        state.addAttribute(
            later.getOperandSegmentSizesAttrName(),
            rewriter.getDenseI32ArrayAttr(
                {int32_t(inputs.size()), int32_t(inits.size()),
                 later.getPositions() ? 1 : 0, later.getOffset() ? 1 : 0,
                 later.getCosCache() ? 1 : 0, later.getSinCache() ? 1 : 0}));
        state.addTypes(ValueRange(inits).getTypes());
        Operation *merged = rewriter.create(state);
        size_t n = earlier->getNumResults();
        rewriter.replaceOp(earlier, merged->getResults().take_front(n));
        rewriter.replaceOp(later, merged->getResults().drop_front(n));
        *std::prev(match) = cast<RotateOp>(merged);
      }
    }
  }
};
} // namespace
