//===- ExpandSquarePowF.cpp - rope-expand-square-powf ---------------------===//

#include "rope/Codegen/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEEXPANDSQUAREPOWFPASS
#include "rope/Codegen/Common/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// powf(x, 2.0) is x * x: the correctly rounded square.
struct SquarePowF : OpRewritePattern<math::PowFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::PowFOp op,
                                PatternRewriter &rewriter) const override {
    APFloat exponent(0.0);
    if (!matchPattern(op.getRhs(), m_ConstantFloat(&exponent)) ||
        !exponent.isExactlyValue(2.0))
      return failure();
    rewriter.replaceOpWithNewOp<arith::MulFOp>(op, op.getLhs(), op.getLhs(),
                                               op.getFastmathAttr());
    return success();
  }
};

struct RopeExpandSquarePowFPass
    : rope::impl::RopeExpandSquarePowFPassBase<RopeExpandSquarePowFPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SquarePowF>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace
