//===- SinCos.cpp - Accurate f32 sin/cos of large angles ------------------===//

#include "rope/Utils/SinCos.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::rope;

std::pair<float, float> mlir::rope::splitF64(double value) {
  float hi = static_cast<float>(value);
  float lo = static_cast<float>(value - static_cast<double>(hi));
  return {hi, lo};
}

std::pair<SmallVector<float>, SmallVector<float>>
mlir::rope::splitF64(ArrayRef<double> values) {
  SmallVector<float> hi, lo;
  for (double v : values) {
    auto [h, l] = splitF64(v);
    hi.push_back(h);
    lo.push_back(l);
  }
  return {hi, lo};
}

namespace {
/// Small helper that builds element-wise f32 arithmetic on scalars or
/// vectors of one type.
struct F32Builder {
  OpBuilder &b;
  Location loc;
  Type type;

  Value cst(float v) {
    Attribute attr = b.getF32FloatAttr(v);
    if (auto shaped = dyn_cast<ShapedType>(type))
      attr = SplatElementsAttr::get(shaped, attr);
    return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
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

// pi/2 = kPio2Hi + kPio2Mid + kPio2Lo, each an f32; the FMA-based reduction
// x - k * pi/2 is exact in its first step for |k| < 2^23.
static constexpr float kTwoOverPi = 0.6366197466850281f;
static constexpr float kPio2Hi = 1.5707963705062866f;
static constexpr float kPio2Mid = -4.371138828673793e-08f;
static constexpr float kPio2Lo = -1.7151245100058819e-15f;

SinCos mlir::rope::buildAccurateSinCos(OpBuilder &b, Location loc, Value hi,
                                       Value lo, QuadrantRounding rounding) {
  F32Builder f{b, loc, hi.getType()};
  // Quadrant k = round(hi * 2/pi); r = (hi - k*pi/2) + lo in [-pi/4, pi/4]
  // up to |lo|.
  Value scaled = f.mul(hi, f.cst(kTwoOverPi));
  Value k;
  if (rounding == QuadrantRounding::RoundEven) {
    k = math::RoundEvenOp::create(b, loc, scaled);
  } else {
    Value magic = f.cst(12582912.0f); // 1.5 * 2^23
    k = f.sub(f.add(scaled, magic), magic);
  }
  Value negK = f.neg(k);
  Value r = f.fma(negK, f.cst(kPio2Hi), hi);
  r = f.fma(negK, f.cst(kPio2Mid), r);
  r = f.fma(negK, f.cst(kPio2Lo), r);
  r = f.add(r, lo);

  // Minimax polynomials on [-pi/4, pi/4] (Cephes sinf/cosf coefficients).
  Value z = f.mul(r, r);
  Value sp = f.fma(f.cst(-1.9515295891e-4f), z, f.cst(8.3321608736e-3f));
  sp = f.fma(sp, z, f.cst(-1.6666654611e-1f));
  Value sinR = f.fma(f.mul(r, z), sp, r);
  Value cp = f.fma(f.cst(2.443315711809948e-5f), z,
                   f.cst(-1.388731625493765e-3f));
  cp = f.fma(cp, z, f.cst(4.166664568298827e-2f));
  Value cosR = f.fma(f.mul(z, z), cp, f.fma(f.cst(-0.5f), z, f.cst(1.0f)));

  // Quadrant q = k mod 4: (sin, cos) = (s, c), (c, -s), (-s, -c), (-c, s).
  Type intType = b.getI32Type();
  if (auto shaped = dyn_cast<ShapedType>(hi.getType()))
    intType = shaped.clone(intType);
  Value q = arith::FPToSIOp::create(b, loc, intType, k);
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
  Value sinV = arith::SelectOp::create(b, loc, sinNeg, f.neg(sinBase), sinBase);
  Value cosV = arith::SelectOp::create(b, loc, cosNeg, f.neg(cosBase), cosBase);
  return {sinV, cosV};
}

SinCos mlir::rope::buildAccurateSinCosOfProduct(OpBuilder &b, Location loc,
                                                Value p, Value fHi, Value fLo,
                                                QuadrantRounding rounding) {
  F32Builder f{b, loc, p.getType()};
  // hi + err = p * fHi exactly (err recovered by one FMA); lo adds p * fLo.
  Value hi = f.mul(p, fHi);
  Value err = f.fma(p, fHi, f.neg(hi));
  Value lo = f.fma(p, fLo, err);
  return buildAccurateSinCos(b, loc, hi, lo, rounding);
}
