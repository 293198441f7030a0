//===- RopeCanonicalize.cpp - Canonicalization of rope ops ----------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Replaces a frequency specification known at compile time by the explicit
/// `#rope.inv_freqs` it denotes, computed in double precision, with the
/// attention factor kept apart. Run-time-dependent specifications (dynamic
/// NTK, LongRoPE with dynamic selection) stay.
struct FoldStaticFrequencies : OpRewritePattern<RotateOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RotateOp op,
                                PatternRewriter &rewriter) const override {
    FrequencyAttrInterface freqs = op.getFreqsAttr();
    if (!freqs || isa<InvFreqsAttr>(freqs))
      return failure();
    std::optional<SmallVector<double>> values =
        freqs.getStaticInverseFrequencies(op.getEffectiveRotaryDim());
    if (!values)
      return failure();
    auto folded = InvFreqsAttr::get(rewriter.getContext(), *values,
                                    freqs.getEffectiveAttentionFactor());
    rewriter.modifyOpInPlace(op, [&] { op.setFreqsAttr(folded); });
    return success();
  }
};
} // namespace

void mlir::rope::populateFoldStaticFrequenciesPatterns(
    RewritePatternSet &patterns) {
  patterns.add<FoldStaticFrequencies>(patterns.getContext());
}

void RotateOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  populateFoldStaticFrequenciesPatterns(results);
}
