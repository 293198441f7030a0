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
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using mlir::rope::NoNaNCheck;

/// A constant of type `type` (i32 or a vector of i32) splatted to `v`.
static Value i32Constant(OpBuilder &b, Location loc, Type type, int64_t v) {
  Attribute attr = b.getI32IntegerAttr(v);
  if (auto shaped = dyn_cast<ShapedType>(type))
    attr = SplatElementsAttr::get(shaped, attr);
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
}

/// The bits of `x` (f32, scalar or vector) rounded to bf16, in the high 16
/// bits of an i32 word, nearest even, NaN kept NaN:
///   r = bits + ((bits & 0x10000) ? 0x8000 : 0x7fff)
///   r = isnan(x) ? bits | 0x00400000 : r       // quiet NaN, no carry-out
/// The bias is selected on a bit test rather than added as
/// `(bits >> 16) & 1`: with AVX-512 that is one test into a mask register
/// and a masked add, and no shift (shifts issue on one port only). Both
/// select arms of the NaN case are computed values, so LLVM keeps the
/// select on 32-bit lanes (a constant arm gets folded past a truncation
/// onto bf16 lanes, which x86 scalarizes). `checkNaN = false` drops the
/// NaN case, for operands whose NaNs have zero low 16 bits (rounding adds
/// less than 0x10000 to those and cannot reach the exponent).
static Value roundToBF16Word(OpBuilder &b, Location loc, Value x,
                             bool checkNaN) {
  Type i32 = b.getI32Type();
  if (auto shaped = dyn_cast<ShapedType>(x.getType()))
    i32 = shaped.clone(i32);
  auto cst = [&](int64_t v) { return i32Constant(b, loc, i32, v); };
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value odd = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, bits, cst(0x10000)), cst(0));
  Value rounded = arith::SelectOp::create(
      b, loc, odd, arith::AddIOp::create(b, loc, bits, cst(0x8000)),
      arith::AddIOp::create(b, loc, bits, cst(0x7fff)));
  if (!checkNaN)
    return rounded;
  Value isNan =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value quiet = arith::OrIOp::create(b, loc, bits, cst(0x00400000));
  return arith::SelectOp::create(b, loc, isNan, quiet, rounded);
}

namespace {
/// A pattern that rounds the operands of arith.truncf ops to bf16 words,
/// with the NaN case unless `noNaNCheck` holds for the trunc.
template <typename OpTy>
struct BF16RoundingPattern : OpRewritePattern<OpTy> {
  BF16RoundingPattern(MLIRContext *ctx, NoNaNCheck noNaNCheck)
      : OpRewritePattern<OpTy>(ctx), noNaNCheck(std::move(noNaNCheck)) {}

  Value roundOperand(OpBuilder &b, Location loc, arith::TruncFOp trunc) const {
    bool checkNaN = !noNaNCheck || !noNaNCheck(trunc);
    return roundToBF16Word(b, loc, trunc.getIn(), checkNaN);
  }

  NoNaNCheck noNaNCheck;
};

/// arith.truncf f32 -> bf16: y = bitcast<bf16>(trunci(roundToBF16Word(x) >> 16)).
struct TruncFToBF16 : BF16RoundingPattern<arith::TruncFOp> {
  using BF16RoundingPattern::BF16RoundingPattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type srcElt = getElementTypeOrSelf(op.getIn().getType());
    Type dstElt = getElementTypeOrSelf(op.getType());
    if (!srcElt.isF32() || !dstElt.isBF16())
      return failure();
    Location loc = op.getLoc();
    Value word = roundOperand(rewriter, loc, op);
    Type i16 = rewriter.getI16Type();
    if (auto shaped = dyn_cast<ShapedType>(op.getType()))
      i16 = shaped.clone(i16);
    Value high = arith::TruncIOp::create(
        rewriter, loc, i16,
        arith::ShRUIOp::create(rewriter, loc, word,
                               i32Constant(rewriter, loc, word.getType(), 16)));
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), high);
    return success();
  }
};

/// vector<2N x bf16> viewed as N 32-bit words: word k holds element 2k in
/// its low half and element 2k + 1 in its high half. That is the layout of
/// vector.bitcast on little-endian targets (x86, AArch64, NVPTX), the ones
/// the rope pipelines generate code for.
static VectorType pairWordType(VectorType bf16Pairs) {
  return VectorType::get({bf16Pairs.getDimSize(0) / 2},
                         IntegerType::get(bf16Pairs.getContext(), 32));
}

static bool isPairVector(Type t) {
  auto v = dyn_cast<VectorType>(t);
  return v && v.getRank() == 1 && !v.isScalable() &&
         v.getElementType().isBF16() && v.getDimSize(0) % 2 == 0;
}

/// extf(deinterleave(v)) from bf16 to f32, without shuffles: the even
/// elements are `word << 16`, the odd ones `word & 0xffff0000`.
struct DeinterleaveBF16Words : OpRewritePattern<vector::DeinterleaveOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::DeinterleaveOp op,
                                PatternRewriter &rewriter) const override {
    if (!isPairVector(op.getSource().getType()))
      return failure();
    auto isF32Ext = [](Operation *user) {
      auto ext = dyn_cast<arith::ExtFOp>(user);
      return ext && getElementTypeOrSelf(ext.getType()).isF32();
    };
    if (!llvm::all_of(op->getUsers(), isF32Ext) || op->use_empty())
      return failure();
    Location loc = op.getLoc();
    VectorType wordType = pairWordType(op.getSource().getType());
    Value words =
        vector::BitCastOp::create(rewriter, loc, wordType, op.getSource());
    Value even = arith::ShLIOp::create(
        rewriter, loc, words, i32Constant(rewriter, loc, wordType, 16));
    Value odd = arith::AndIOp::create(
        rewriter, loc, words,
        i32Constant(rewriter, loc, wordType, 0xffff0000));
    auto f32Type = wordType.clone(rewriter.getF32Type());
    Value halves[] = {even, odd};
    for (auto [result, bits] : llvm::zip_equal(op.getResults(), halves)) {
      Value f = arith::BitcastOp::create(rewriter, loc, f32Type, bits);
      for (Operation *user : llvm::make_early_inc_range(result.getUsers()))
        rewriter.replaceOp(user, f);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

/// interleave(truncf(a), truncf(b)) from f32 to bf16, without shuffles: each
/// word is (round(b) & 0xffff0000) | (round(a) >> 16), or, with
/// `funnelShift`, fshr(round(b) >> 16, round(a), 16) (the same bits). x86
/// turns the mask-and-or form into one vpermt2w (3 uops, 2 of them on the
/// shuffle port, which the rest of the rotation also needs); the funnel
/// shift becomes vpsrld + vpshrdd with AVX512-VBMI2, and folds back to the
/// first form on targets without funnel shifts.
struct InterleaveBF16Words : BF16RoundingPattern<vector::InterleaveOp> {
  InterleaveBF16Words(MLIRContext *ctx, NoNaNCheck noNaNCheck,
                      bool funnelShift)
      : BF16RoundingPattern(ctx, std::move(noNaNCheck)),
        funnelShift(funnelShift) {}

  LogicalResult matchAndRewrite(vector::InterleaveOp op,
                                PatternRewriter &rewriter) const override {
    auto lhs = op.getLhs().getDefiningOp<arith::TruncFOp>();
    auto rhs = op.getRhs().getDefiningOp<arith::TruncFOp>();
    if (!lhs || !rhs || !isPairVector(op.getType()) ||
        !getElementTypeOrSelf(lhs.getIn().getType()).isF32() ||
        !getElementTypeOrSelf(rhs.getIn().getType()).isF32())
      return failure();
    Location loc = op.getLoc();
    VectorType wordType = pairWordType(op.getResultVectorType());
    Value sixteen = i32Constant(rewriter, loc, wordType, 16);
    Value even = roundOperand(rewriter, loc, lhs);
    Value odd = roundOperand(rewriter, loc, rhs);
    Value words;
    if (funnelShift) {
      Value oddHigh = arith::ShRUIOp::create(rewriter, loc, odd, sixteen);
      words = LLVM::FshrOp::create(rewriter, loc, wordType, oddHigh, even,
                                   sixteen);
    } else {
      Value low = arith::ShRUIOp::create(rewriter, loc, even, sixteen);
      Value high = arith::AndIOp::create(
          rewriter, loc, odd,
          i32Constant(rewriter, loc, wordType, 0xffff0000));
      words = arith::OrIOp::create(rewriter, loc, low, high);
    }
    rewriter.replaceOpWithNewOp<vector::BitCastOp>(op, op.getResultVectorType(),
                                                   words);
    return success();
  }

  bool funnelShift;
};
} // namespace

void mlir::rope::populateExpandBF16TruncPatterns(RewritePatternSet &patterns,
                                                  NoNaNCheck noNaNCheck) {
  patterns.add<TruncFToBF16>(patterns.getContext(), std::move(noNaNCheck));
}

void mlir::rope::populateBF16PairWidenPatterns(RewritePatternSet &patterns) {
  patterns.add<DeinterleaveBF16Words>(patterns.getContext());
}

void mlir::rope::populateBF16PairMergePatterns(RewritePatternSet &patterns,
                                                NoNaNCheck noNaNCheck,
                                                bool funnelShiftMerge) {
  patterns.add<InterleaveBF16Words>(patterns.getContext(), std::move(noNaNCheck),
                                    funnelShiftMerge);
}
