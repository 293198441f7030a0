//===- SinCos.cpp - Accurate f32 sin/cos of large angles ------------------===//

#include "rope/Utils/SinCos.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Small helper that builds element-wise float arithmetic on scalars or
/// vectors of one type (f32 or f64).
struct FloatBuilder {
  OpBuilder &b;
  Location loc;
  Type type;

  Value cst(double v) {
    return createScalarOrSplatConstant(
        b, loc, type, b.getFloatAttr(getElementTypeOrSelf(type), v).getValue());
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value neg(Value x) { return arith::NegFOp::create(b, loc, x); }
  Value fma(Value x, Value y, Value z) {
    return math::FmaOp::create(b, loc, x, y, z);
  }
};
} // namespace

// pi/2 = kPio2Hi + kPio2Lo (f64), with an error of 1.5e-33: over |k| < 2^40
// the omitted rest stays below 1e-20. Each FMA rounds hi - k * C once.
static constexpr double kTwoOverPi = 0.63661977236758138;
static constexpr double kPio2Hi = 1.5707963267948966;
static constexpr double kPio2Lo = 6.123233995736766e-17;

SinCos mlir::rope::buildAccurateSinCosOfProduct(OpBuilder &b, Location loc,
                                                Value p, Value f,
                                                QuadrantRounding rounding) {
  FloatBuilder d{b, loc, p.getType()};
  // hi + err = p * f exactly.
  Value hi = d.mul(p, f);
  Value err = d.fma(p, f, d.neg(hi));
  // Quadrant k = round(hi * 2/pi); r = (hi - k pi/2) + err in [-pi/4, pi/4]
  // up to |err|.
  Value scaled = d.mul(hi, d.cst(kTwoOverPi));
  Value k;
  if (rounding == QuadrantRounding::RoundEven) {
    k = math::RoundEvenOp::create(b, loc, scaled);
  } else {
    Value magic = d.cst(6755399441055744.0); // 1.5 * 2^52
    k = d.sub(d.add(scaled, magic), magic);
  }
  Value negK = d.neg(k);
  Value r64 = d.fma(negK, d.cst(kPio2Hi), hi);
  r64 = d.fma(negK, d.cst(kPio2Lo), r64);
  r64 = d.add(r64, err);

  Type f32Type = b.getF32Type();
  Type intType = b.getI32Type(), i64Type = b.getI64Type();
  if (auto shaped = dyn_cast<ShapedType>(p.getType())) {
    f32Type = shaped.clone(f32Type);
    intType = shaped.clone(intType);
    i64Type = shaped.clone(i64Type);
  }
  Value r = arith::TruncFOp::create(b, loc, f32Type, r64);
  FloatBuilder f32{b, loc, f32Type};

  // Minimax polynomials on [-pi/4, pi/4] (Cephes sinf/cosf coefficients).
  Value z = f32.mul(r, r);
  Value sp = f32.fma(f32.cst(-1.9515295891e-4f), z, f32.cst(8.3321608736e-3f));
  sp = f32.fma(sp, z, f32.cst(-1.6666654611e-1f));
  Value sinR = f32.fma(f32.mul(r, z), sp, r);
  Value cp = f32.fma(f32.cst(2.443315711809948e-5f), z,
                     f32.cst(-1.388731625493765e-3f));
  cp = f32.fma(cp, z, f32.cst(4.166664568298827e-2f));
  Value cosR = f32.fma(f32.mul(z, z), cp,
                       f32.fma(f32.cst(-0.5f), z, f32.cst(1.0f)));

  // Quadrant q = k mod 4 (the low bits of k as an integer): (sin, cos) =
  // (s, c), (c, -s), (-s, -c), (-c, s).
  Value q = arith::TruncIOp::create(
      b, loc, intType, arith::FPToSIOp::create(b, loc, i64Type, k));
  auto intCst = [&](int32_t v) -> Value {
    Attribute attr = b.getI32IntegerAttr(v);
    if (auto shaped = dyn_cast<ShapedType>(intType))
      attr = SplatElementsAttr::get(shaped, attr);
    return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
  };
  Value swap = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, q, intCst(1)), intCst(0));
  Value sinBase = arith::SelectOp::create(b, loc, swap, cosR, sinR);
  Value cosBase = arith::SelectOp::create(b, loc, swap, sinR, cosR);
  // sin is negated in quadrants 2 and 3, cos in quadrants 1 and 2.
  Value sinNeg = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, q, intCst(2)), intCst(0));
  Value qPlus1 = arith::AddIOp::create(b, loc, q, intCst(1));
  Value cosNeg = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, qPlus1, intCst(2)), intCst(0));
  Value sinV =
      arith::SelectOp::create(b, loc, sinNeg, f32.neg(sinBase), sinBase);
  Value cosV =
      arith::SelectOp::create(b, loc, cosNeg, f32.neg(cosBase), cosBase);
  return {sinV, cosV};
}
