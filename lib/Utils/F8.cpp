//===- F8.cpp - fp8 conversions as integer arithmetic ---------------------===//
//
// LLVM has no fp8 types: MLIR's LLVM type conversion turns f8E4M3FN and
// f8E5M2 into i8, and arith-to-llvm has nothing to lower truncf/extf to.
// Rounding on the f32 bits with 32-bit integer arithmetic vectorizes as the
// bf16 rounding does.
//
//===----------------------------------------------------------------------===//

#include "rope/Utils/F8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace {
/// What the conversions need to know of an fp8 format.
struct F8Format {
  int mantissaBits;
  int bias;
  /// f8E5M2 has infinities (0x7c); f8E4M3FN has none and one NaN (0x7f).
  bool hasInf;
  /// The largest finite magnitude's code.
  int maxFinite() const { return hasInf ? 0x7b : 0x7e; }
  int nanCode() const { return hasInf ? 0x7e : 0x7f; }
};

std::optional<F8Format> formatOf(Type type) {
  Type elt = getElementTypeOrSelf(type);
  if (isa<Float8E4M3FNType>(elt))
    return F8Format{3, 7, false};
  if (isa<Float8E5M2Type>(elt))
    return F8Format{2, 15, true};
  return std::nullopt;
}

/// `type`'s shape with element type `elt`.
Type withElement(Type type, Type elt) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(elt);
  return elt;
}

/// Splatted i32 and f32 constants of one shape (upstream's
/// createScalarOrSplatConstant).
struct Constants {
  OpBuilder &b;
  Location loc;
  Type i32, f32;
  Value i(int64_t v) const { return createScalarOrSplatConstant(b, loc, i32, v); }
  Value f(double v) const {
    return createScalarOrSplatConstant(b, loc, f32,
                                       APFloat(static_cast<float>(v)));
  }
};

/// The fp8 code of `x` (f32) in the low 8 bits of i32 lanes, rounded to
/// nearest even. One formula for normal and subnormal codes: adding the
/// magic M = 2^(e + 23 - m), e = max(exponent of |x|, the format's smallest
/// normal exponent), rounds |x| to the format's spacing at e (f32 addition,
/// nearest even) and leaves the rounded multiple k of that spacing in the
/// low bits of the sum; the code is k plus (e - emin) << m (a carry into
/// the next binade comes out right). Checked against the bit-by-bit
/// rounding for all 2^32 inputs of both formats. Huge, infinite and NaN
/// inputs give codes far above the largest finite one (M wraps or the sum
/// is NaN, whatever its payload), so one unsigned compare finds overflow.
/// The addition must carry no fast-math flags (nnan/ninf would make those
/// inputs poison); flushing subnormals is harmless (M and the sum are
/// normal, a flushed subnormal |x| gives code 0 as it should).
Value roundToF8(OpBuilder &b, Location loc, Value x, F8Format fmt) {
  Type i32 = withElement(x.getType(), b.getI32Type());
  Constants c{b, loc, i32, x.getType()};
  using P = arith::CmpIPredicate;
  auto cmp = [&](P p, Value l, Value r) {
    return arith::CmpIOp::create(b, loc, p, l, r);
  };
  const int shift = 23 - fmt.mantissaBits;
  const int64_t emin = int64_t(127 + 1 - fmt.bias) << 23;
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value abs = arith::AndIOp::create(b, loc, bits, c.i(0x7fffffff));
  Value exponent = arith::MaxUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, abs, c.i(0x7f800000)), c.i(emin));
  Value magic =
      arith::AddIOp::create(b, loc, exponent, c.i(int64_t(shift) << 23));
  Value sum = arith::BitcastOp::create(
      b, loc, i32,
      arith::AddFOp::create(
          b, loc, arith::BitcastOp::create(b, loc, x.getType(), abs),
          arith::BitcastOp::create(b, loc, x.getType(), magic)));
  Value code = arith::AddIOp::create(
      b, loc, arith::SubIOp::create(b, loc, sum, magic),
      arith::ShRUIOp::create(
          b, loc, arith::SubIOp::create(b, loc, exponent, c.i(emin)),
          c.i(shift)));
  // Past the largest finite value, infinity and (f8E4M3FN) NaN included:
  // f8E5M2's infinity, f8E4M3FN's NaN.
  code = arith::SelectOp::create(
      b, loc, cmp(P::ugt, code, c.i(fmt.maxFinite())),
      c.i(fmt.hasInf ? 0x7c : fmt.nanCode()), code);
  if (fmt.hasInf)
    code = arith::SelectOp::create(b, loc, cmp(P::ugt, abs, c.i(0x7f800000)),
                                   c.i(fmt.nanCode()), code);
  Value sign = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, c.i(24)), c.i(0x80));
  return arith::OrIOp::create(b, loc, code, sign);
}

/// The f32 value of fp8 codes `code` (i32 lanes, low 8 bits), exact.
Value decodeF8(OpBuilder &b, Location loc, Value code, Type f32, F8Format fmt) {
  Type i32 = code.getType();
  Constants c{b, loc, i32, f32};
  using P = arith::CmpIPredicate;
  auto cmp = [&](P p, Value l, Value r) {
    return arith::CmpIOp::create(b, loc, p, l, r);
  };
  Value sign = arith::ShLIOp::create(
      b, loc, arith::AndIOp::create(b, loc, code, c.i(0x80)), c.i(24));
  Value mag = arith::AndIOp::create(b, loc, code, c.i(0x7f));
  Value normal = arith::AddIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, mag, c.i(23 - fmt.mantissaBits)),
      c.i((127 - fmt.bias) << 23));
  Value subValue = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, f32, mag),
      c.f(std::ldexp(1.0, 1 - fmt.bias - fmt.mantissaBits)));
  Value sub = arith::BitcastOp::create(b, loc, i32, subValue);
  Value isSub = cmp(P::ult, mag, c.i(1 << fmt.mantissaBits));
  Value bits = arith::SelectOp::create(b, loc, isSub, sub, normal);
  if (fmt.hasInf) {
    bits = arith::SelectOp::create(b, loc, cmp(P::eq, mag, c.i(0x7c)),
                                   c.i(0x7f800000), bits);
    bits = arith::SelectOp::create(b, loc, cmp(P::ugt, mag, c.i(0x7c)),
                                   c.i(0x7fc00000), bits);
  } else {
    bits = arith::SelectOp::create(b, loc, cmp(P::eq, mag, c.i(0x7f)),
                                   c.i(0x7fc00000), bits);
  }
  return arith::BitcastOp::create(b, loc, f32,
                                  arith::OrIOp::create(b, loc, bits, sign));
}

/// Whether `op` rounds to nearest even (the default).
bool roundsToNearestEven(arith::TruncFOp op) {
  std::optional<arith::RoundingMode> mode = op.getRoundingmode();
  return !mode || *mode == arith::RoundingMode::to_nearest_even;
}

struct TruncFToF8 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<F8Format> fmt = formatOf(op.getType());
    Type in = getElementTypeOrSelf(op.getIn().getType());
    // f64 would round twice; other roundings are not what this computes.
    if (!fmt || !(in.isF32() || in.isF16() || in.isBF16()) ||
        !roundsToNearestEven(op))
      return failure();
    Location loc = op.getLoc();
    Value x = op.getIn();
    Type f32 = withElement(x.getType(), rewriter.getF32Type());
    if (!in.isF32())
      x = arith::ExtFOp::create(rewriter, loc, f32, x);
    Value code = roundToF8(rewriter, loc, x, *fmt);
    Value byte = arith::TruncIOp::create(
        rewriter, loc, withElement(f32, rewriter.getI8Type()), code);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), byte);
    return success();
  }
};

struct ExtFFromF8 : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<F8Format> fmt = formatOf(op.getIn().getType());
    if (!fmt)
      return failure();
    Location loc = op.getLoc();
    Type type = op.getIn().getType();
    Value byte = arith::BitcastOp::create(
        rewriter, loc, withElement(type, rewriter.getI8Type()), op.getIn());
    Value code = arith::ExtUIOp::create(
        rewriter, loc, withElement(type, rewriter.getI32Type()), byte);
    Type f32 = withElement(type, rewriter.getF32Type());
    Value value = decodeF8(rewriter, loc, code, f32, *fmt);
    // Every fp8 value is exact in f16, bf16, f32 and f64.
    Type out = getElementTypeOrSelf(op.getType());
    if (out.getIntOrFloatBitWidth() > 32)
      value = arith::ExtFOp::create(rewriter, loc, op.getType(), value);
    else if (!out.isF32())
      value = arith::TruncFOp::create(rewriter, loc, op.getType(), value);
    rewriter.replaceOp(op, value);
    return success();
  }
};

/// fp8 constants as their bits.
struct F8Constant : OpRewritePattern<arith::ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ConstantOp op,
                                PatternRewriter &rewriter) const override {
    if (!formatOf(op.getType()))
      return failure();
    Type i8 = withElement(op.getType(), rewriter.getI8Type());
    TypedAttr bits;
    if (auto f = dyn_cast<FloatAttr>(op.getValue()))
      bits = rewriter.getIntegerAttr(
          i8, f.getValue().bitcastToAPInt().getZExtValue());
    else if (auto dense = dyn_cast<DenseFPElementsAttr>(op.getValue()))
      bits = dense.bitcast(rewriter.getI8Type());
    else
      return failure();
    Value byte = arith::ConstantOp::create(rewriter, op.getLoc(), bits);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), byte);
    return success();
  }
};
} // namespace

void mlir::rope::populateExpandF8Patterns(RewritePatternSet &patterns) {
  patterns.add<TruncFToF8, ExtFFromF8, F8Constant>(patterns.getContext());
}
