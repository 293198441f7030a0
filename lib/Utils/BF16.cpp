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
/// 32-bit integer ops:
///   r = bits + 0x7fff + ((bits >> 16) & 1)
///   r = isnan(x) ? bits | 0x00400000 : r       // quiet NaN, no carry-out
///   y = bitcast<bf16>(trunci(r >> 16))
/// Both select arms are computed values, so LLVM keeps the select on 32-bit
/// lanes (a constant arm gets folded past the truncation onto bf16 lanes,
/// which x86 scalarizes).
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
    Value lsb = arith::AndIOp::create(
        rewriter, loc, arith::ShRUIOp::create(rewriter, loc, bits, cst(16)),
        cst(1));
    Value rounded = arith::AddIOp::create(
        rewriter, loc, arith::AddIOp::create(rewriter, loc, bits, cst(0x7fff)),
        lsb);
    Value isNan = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::UNO,
                                        op.getIn(), op.getIn());
    Value quiet = arith::OrIOp::create(rewriter, loc, bits, cst(0x00400000));
    rounded = arith::SelectOp::create(rewriter, loc, isNan, quiet, rounded);
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
