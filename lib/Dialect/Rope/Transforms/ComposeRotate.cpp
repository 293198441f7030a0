//===- ComposeRotate.cpp - rope-compose-rotate pass -----------------------===//
//
// The inverse of rope-decompose-rotate: a rope.apply whose tables come from
// one rope.cos_sin (of rope.inv_freq or constant frequencies) or one
// rope.gather, or are per-token tables of width R/2, is rewritten as the
// rope.rotate it is. Lowerings that take the one-op form (the GPU's) then
// accept the decomposed ops too.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"
#include "rope/Dialect/Rope/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECOMPOSEROTATEPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
/// The frequency attribute of `invFreq` with attention factor `a`: the
/// rope.inv_freq's own when its factor is `a`, else its (static) values as
/// #rope.inv_freqs.
FrequencyAttrInterface frequencyAttr(Value invFreq, double a) {
  if (auto op = invFreq.getDefiningOp<InvFreqOp>()) {
    FrequencyAttrInterface freqs = op.getFreqs();
    if (freqs.getEffectiveAttentionFactor() == a)
      return freqs;
    if (std::optional<SmallVector<double>> values =
            freqs.getStaticInverseFrequencies(op.getRotaryDim()))
      return InvFreqsAttr::get(invFreq.getContext(), *values, a);
    return {};
  }
  DenseFPElementsAttr dense;
  if (!matchPattern(invFreq, m_Constant(&dense)))
    return {};
  SmallVector<double> values = llvm::map_to_vector(
      dense.getValues<APFloat>(), [](APFloat f) { return f.convertToDouble(); });
  return InvFreqsAttr::get(invFreq.getContext(), values, a);
}

struct ComposeRotate : OpRewritePattern<ApplyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ApplyOp op,
                                PatternRewriter &rewriter) const override {
    if (op.hasFullWidthTables())
      return rewriter.notifyMatchFailure(op, "full-width tables");
    Value cos = op.getCos(), sin = op.getSin();
    Value positions, offset, cosCache, sinCache;
    FrequencyAttrInterface freqs;
    DenseI64ArrayAttr mrope;
    bool interleaved = false;
    auto positionsOf = [&](Value p) {
      if (auto implicit = p.getDefiningOp<PositionsOp>())
        offset = implicit.getOffset();
      else
        positions = p;
    };
    auto cosSin = cos.getDefiningOp<CosSinOp>();
    auto gather = cos.getDefiningOp<GatherOp>();
    if (cosSin && sin.getDefiningOp() == cosSin && cosSin.getCos() == cos &&
        cosSin.getSin() == sin) {
      freqs = frequencyAttr(cosSin.getInvFreq(),
                            cosSin.getAttentionFactorOrOne());
      if (!freqs)
        return rewriter.notifyMatchFailure(op, "run-time frequency tensor");
      positionsOf(cosSin.getPositions());
      mrope = cosSin.getMropeSectionAttr();
      interleaved = cosSin.getMropeInterleaved();
    } else if (gather && sin.getDefiningOp() == gather &&
               gather.getCos() == cos && gather.getSin() == sin) {
      positionsOf(gather.getPositions());
      cosCache = gather.getCosTable();
      sinCache = gather.getSinTable();
      mrope = gather.getMropeSectionAttr();
      interleaved = gather.getMropeInterleaved();
    } else if (!cos.getDefiningOp<CosSinOp>() && !gather) {
      cosCache = cos; // per-token tables
      sinCache = sin;
    } else {
      return rewriter.notifyMatchFailure(op, "tables of different ops");
    }
    rewriter.replaceOpWithNewOp<RotateOp>(
        op, op.getInputs(), op.getInits(), positions, offset, cosCache,
        sinCache, op.getPairing(), op.getLayout(), op.getRotaryDimAttr(),
        freqs, mrope, op.getInverse(), interleaved);
    return success();
  }
};

struct RopeComposeRotatePass
    : rope::impl::RopeComposeRotatePassBase<RopeComposeRotatePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateComposeRotatePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::rope::populateComposeRotatePatterns(RewritePatternSet &patterns) {
  patterns.add<ComposeRotate>(patterns.getContext());
}
