//===- BF16.cpp - f32 -> bf16 rounding as vector-friendly integer ops -----===//
//
// Without native bf16 conversion LLVM either calls compiler-rt's
// __truncsfbf2 (unresolvable in a JIT) or, after upstream's arith-expand,
// scalarizes the NaN select on 16-bit lanes. Rounding with 32-bit integer
// arithmetic and selecting the NaN case on 32-bit lanes vectorizes cleanly.
//
//===----------------------------------------------------------------------===//

#include "rope/Utils/BF16.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {
/// arith.truncf f32 -> bf16, round to nearest even, NaN kept NaN, with
/// 32-bit integer ops and no select (LLVM sinks selects past the truncation
/// onto bf16 lanes, which x86 then scalarizes):
///   nan = sext(isnan(x)); q = bits | (nan & 0x00400000)    // quiet NaNs
///   inc = (0x7fff + ((bits >> 16) & 1)) & ~nan              // no rounding
///   y   = bitcast<bf16>(trunci((q + inc) >> 16))
struct TruncFToBF16 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type srcElt = getElementTypeOrSelf(op.getIn().getType());
    Type dstElt = getElementTypeOrSelf(op.getType());
    if (!srcElt.isF32() || !dstElt.isBF16())
      return failure();
    Location loc = op.getLoc();
    auto like = [&](Type elt) -> Type {
      if (auto shaped = dyn_cast<ShapedType>(op.getType()))
        return shaped.clone(elt);
      return elt;
    };
    Type i32 = like(rewriter.getI32Type()), i16 = like(rewriter.getI16Type());
    auto cst = [&](int64_t v) -> Value {
      Attribute attr = rewriter.getI32IntegerAttr(v);
      if (auto shaped = dyn_cast<ShapedType>(i32))
        attr = SplatElementsAttr::get(shaped, attr);
      return arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(attr));
    };
    Value bits = arith::BitcastOp::create(rewriter, loc, i32, op.getIn());
    Value isNan = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::UNO,
                                        op.getIn(), op.getIn());
    Value nan = arith::ExtSIOp::create(rewriter, loc, i32, isNan);
    Value quieted = arith::OrIOp::create(
        rewriter, loc, bits,
        arith::AndIOp::create(rewriter, loc, nan, cst(0x00400000)));
    Value lsb = arith::AndIOp::create(
        rewriter, loc, arith::ShRUIOp::create(rewriter, loc, bits, cst(16)),
        cst(1));
    Value inc = arith::AndIOp::create(
        rewriter, loc, arith::AddIOp::create(rewriter, loc, lsb, cst(0x7fff)),
        arith::XOrIOp::create(rewriter, loc, nan, cst(-1)));
    Value rounded = arith::AddIOp::create(rewriter, loc, quieted, inc);
    Value high = arith::TruncIOp::create(
        rewriter, loc, i16,
        arith::ShRUIOp::create(rewriter, loc, rounded, cst(16)));
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), high);
    return success();
  }
};
} // namespace

void mlir::rope::populateExpandBF16TruncPatterns(RewritePatternSet &patterns) {
  patterns.add<TruncFToBF16>(patterns.getContext());
}
