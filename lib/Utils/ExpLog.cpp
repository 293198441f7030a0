//===- ExpLog.cpp - f64 exp and log as arithmetic -------------------------===//

#include "rope/Utils/ExpLog.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace {
/// Builds on one type (f64 or a vector of f64) and its i64 counterpart.
struct F64Builder {
  OpBuilder &b;
  Location loc;
  Type f, i;

  F64Builder(OpBuilder &b, Location loc, Type type) : b(b), loc(loc), f(type) {
    Type i64 = b.getI64Type();
    auto vector = dyn_cast<VectorType>(type);
    i = vector ? Type(vector.clone(i64)) : i64;
  }
  Value c(double v) {
    return createScalarOrSplatConstant(b, loc, f, APFloat(v));
  }
  Value ci(int64_t v) { return createScalarOrSplatConstant(b, loc, i, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value fma(Value x, Value y, Value z) {
    return math::FmaOp::create(b, loc, x, y, z);
  }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value bits(Value x) { return arith::BitcastOp::create(b, loc, i, x); }
  Value real(Value n) { return arith::BitcastOp::create(b, loc, f, n); }
  /// 2^n for integers n in [-1022, 1023] (an f64 value).
  Value pow2(Value n) {
    Value field = arith::AddIOp::create(b, loc, n, ci(1023));
    return real(arith::ShLIOp::create(b, loc, field, ci(52)));
  }
};

constexpr double kLn2Hi = 6.93147180369123816490e-01; // 0x3fe62e42fee00000
constexpr double kLn2Lo = 1.90821492927058770002e-10; // 0x3dea39ef35793c76
} // namespace

Value mlir::rope::buildExpF64(OpBuilder &b, Location loc, Value x) {
  F64Builder e(b, loc, x.getType());
  // k = round(x / ln 2), exact in f64 and in i64 for |x| < 746.
  Value clamped = arith::MaximumFOp::create(
      b, loc, arith::MinimumFOp::create(b, loc, x, e.c(710.0)), e.c(-746.0));
  Value kf = math::RoundEvenOp::create(
      b, loc, e.mul(clamped, e.c(1.4426950408889634)));
  Value r = e.fma(kf, e.c(-kLn2Hi), clamped);
  r = e.fma(kf, e.c(-kLn2Lo), r);
  // exp(r) = sum r^j / j!, j <= 13, Horner from the top.
  Value p = e.c(1.0 / 6227020800.0);
  double factorial = 6227020800.0;
  for (int j = 12; j >= 0; --j) {
    factorial /= (j + 1);
    p = e.fma(p, r, e.c(1.0 / factorial));
  }
  // 2^k in two halves: each in the normal range for every k in
  // [-1077, 1025], so only the final product over- or underflows.
  Value k = arith::FPToSIOp::create(b, loc, e.i, kf);
  Value k1 = arith::ShRSIOp::create(b, loc, k, e.ci(1));
  Value k2 = arith::SubIOp::create(b, loc, k, k1);
  Value y = e.mul(e.mul(p, e.pow2(k1)), e.pow2(k2));
  // Past the range: inf and 0 (the clamp kept the arithmetic finite); NaN
  // stays NaN.
  y = e.select(e.cmp(arith::CmpFPredicate::OGT, x, e.c(709.782712893384)),
               e.c(std::numeric_limits<double>::infinity()), y);
  y = e.select(e.cmp(arith::CmpFPredicate::OLT, x, e.c(-745.1332191019412)),
               e.c(0.0), y);
  return e.select(e.cmp(arith::CmpFPredicate::UNO, x, x), x, y);
}

Value mlir::rope::buildLogF64(OpBuilder &b, Location loc, Value x) {
  F64Builder e(b, loc, x.getType());
  // Subnormals scaled into the normal range first.
  Value tiny = e.cmp(arith::CmpFPredicate::OLT, x, e.c(0x1p-1022));
  Value xs = e.select(tiny, e.mul(x, e.c(0x1p54)), x);
  Value bits = e.bits(xs);
  Value biased = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, e.ci(52)), e.ci(0x7ff));
  Value exponent = arith::SubIOp::create(
      b, loc, biased,
      arith::SelectOp::create(b, loc, tiny, e.ci(1023 + 54), e.ci(1023)));
  // m in [1, 2), then in [sqrt(1/2), sqrt(2)).
  Value m = e.real(arith::OrIOp::create(
      b, loc, arith::AndIOp::create(b, loc, bits, e.ci(0x000fffffffffffffLL)),
      e.ci(0x3ff0000000000000LL)));
  Value high = e.cmp(arith::CmpFPredicate::OGT, m, e.c(M_SQRT2));
  m = e.select(high, e.mul(m, e.c(0.5)), m);
  Value ef = arith::SIToFPOp::create(
      b, loc, e.f,
      arith::AddIOp::create(
          b, loc, exponent,
          arith::ExtUIOp::create(b, loc, e.i,
                                 high)));
  // log m = 2 (s + s^3/3 + ... + s^23/23).
  Value s = arith::DivFOp::create(b, loc, e.sub(m, e.c(1.0)),
                                  e.add(m, e.c(1.0)));
  Value z = e.mul(s, s);
  Value series = e.c(1.0 / 23.0);
  for (int j = 21; j >= 1; j -= 2)
    series = e.fma(series, z, e.c(1.0 / j));
  Value logM = e.mul(e.mul(e.c(2.0), s), series);
  Value y = e.fma(ef, e.c(kLn2Hi), e.fma(ef, e.c(kLn2Lo), logM));
  // log 0 = -inf, log of a negative = NaN, log inf = inf, NaN stays.
  y = e.select(e.cmp(arith::CmpFPredicate::OEQ, x, e.c(0.0)),
               e.c(-std::numeric_limits<double>::infinity()), y);
  y = e.select(e.cmp(arith::CmpFPredicate::OLT, x, e.c(0.0)),
               e.c(std::numeric_limits<double>::quiet_NaN()), y);
  y = e.select(e.cmp(arith::CmpFPredicate::OEQ, x,
                     e.c(std::numeric_limits<double>::infinity())),
               x, y);
  return e.select(e.cmp(arith::CmpFPredicate::UNO, x, x), x, y);
}
