//===- DecomposeRotate.cpp - rope.rotate as its composition ---------------===//
//
// rope.rotate is defined as the composition built here:
//   offset     -> rope.positions
//   freqs      -> rope.inv_freq (+ positions for run-time types) -> rope.cos_sin
//   gathered   -> rope.gather
//   per-token  -> the cache itself
// followed by one rope.apply of every input.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"
#include "rope/Dialect/Rope/Transforms/Transforms.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEDECOMPOSEROTATEPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
struct DecomposeRotate : OpRewritePattern<RotateOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RotateOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    const int64_t r = op.getEffectiveRotaryDim();
    Value x0 = op.getInputs().front();
    SmallVector<OpFoldResult> tokenSizes;
    for (int64_t d : op.getTokenDims())
      tokenSizes.push_back(tensor::getMixedSize(rewriter, loc, x0, d));
    auto empty = [&](Type elt, std::optional<int64_t> width) -> Value {
      SmallVector<OpFoldResult> sizes(tokenSizes);
      if (width)
        sizes.push_back(rewriter.getIndexAttr(*width));
      return tensor::EmptyOp::create(rewriter, loc, sizes, elt);
    };

    Value positions = op.getPositions();
    if (Value offset = op.getOffset())
      positions = PositionsOp::create(rewriter, loc, offset,
                                      empty(rewriter.getI64Type(), {}));

    Value cos, sin;
    if (FrequencyAttrInterface freqs = op.getFreqsAttr()) {
      auto freqType = RankedTensorType::get({r / 2}, rewriter.getF64Type());
      const bool runtime = !freqs.getStaticInverseFrequencies(r);
      Value invFreq = InvFreqOp::create(rewriter, loc, freqType, freqs,
                                        runtime ? positions : Value());
      Type f32 = rewriter.getF32Type();
      double a = freqs.getEffectiveAttentionFactor();
      auto cosSin = CosSinOp::create(
          rewriter, loc, positions, invFreq, empty(f32, r / 2),
          empty(f32, r / 2),
          op.getMropeSection() ? op.getMropeSectionAttr() : DenseI64ArrayAttr(),
          a == 1.0 ? FloatAttr() : rewriter.getF64FloatAttr(a),
          op.getMropeInterleaved());
      cos = cosSin.getCos();
      sin = cosSin.getSin();
    } else if (op.hasPerTokenCache()) {
      cos = op.getCosCache();
      sin = op.getSinCache();
    } else {
      Type elt = getElementTypeOrSelf(op.getCosCache().getType());
      auto gather = GatherOp::create(rewriter, loc, positions,
                                     op.getCosCache(), op.getSinCache(),
                                     empty(elt, r / 2), empty(elt, r / 2),
                                     op.getMropeSection()
                                         ? op.getMropeSectionAttr()
                                         : DenseI64ArrayAttr(),
                                     op.getMropeInterleaved());
      cos = gather.getCos();
      sin = gather.getSin();
    }

    rewriter.replaceOpWithNewOp<ApplyOp>(
        op, op.getInputs(), op.getInits(), cos, sin, op.getPairing(),
        op.getLayout(), op.getRotaryDimAttr(), op.getInverse());
    return success();
  }
};

struct RopeDecomposeRotatePass
    : rope::impl::RopeDecomposeRotatePassBase<RopeDecomposeRotatePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateDecomposeRotatePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::rope::populateDecomposeRotatePatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeRotate>(patterns.getContext());
}
