//===- LoweringHelpers.cpp - Pieces shared by the rope lowerings ----------===//

#include "rope/Dialect/Rope/Utils/LoweringHelpers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

Value mlir::rope::selectMRopeSection(OpBuilder &b, Location loc, Value i,
                                     ArrayRef<int64_t> sections,
                                     bool interleaved, ValueRange choices) {
  const int64_t n = sections.size();
  auto cst = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y).getResult();
  };
  if (!interleaved) {
    // From the last section back: axis k below the end of section k.
    Value chosen = choices[n - 1];
    int64_t end = 0;
    SmallVector<int64_t> ends;
    for (int64_t s : sections)
      ends.push_back(end += s);
    for (int64_t k = n - 2; k >= 0; --k)
      chosen = arith::SelectOp::create(
          b, loc, cmp(arith::CmpIPredicate::ult, i, cst(ends[k])), choices[k],
          chosen);
    return chosen;
  }
  Value lane = n > 1 ? arith::RemUIOp::create(b, loc, i, cst(n)).getResult()
                     : cst(0);
  Value chosen = choices[0];
  for (int64_t k = 1; k < n; ++k) {
    Value mine = arith::AndIOp::create(
        b, loc, cmp(arith::CmpIPredicate::eq, lane, cst(k)),
        cmp(arith::CmpIPredicate::ult, i, cst(n * sections[k])));
    chosen = arith::SelectOp::create(b, loc, mine, choices[k], chosen);
  }
  return chosen;
}

rope::SinCos mlir::rope::scaleByAttentionFactor(OpBuilder &b, Location loc,
                                                SinCos sc, double a) {
  if (a == 1.0)
    return sc;
  Attribute attr = b.getF32FloatAttr(static_cast<float>(a));
  if (auto shaped = dyn_cast<ShapedType>(sc.cos.getType()))
    attr = SplatElementsAttr::get(shaped, attr);
  Value factor = arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
  return {arith::MulFOp::create(b, loc, sc.sin, factor),
          arith::MulFOp::create(b, loc, sc.cos, factor)};
}

Value mlir::rope::castToI64(OpBuilder &b, Location loc, Value v) {
  Type i64 = b.getI64Type();
  if (v.getType().isIndex())
    return arith::IndexCastOp::create(b, loc, i64, v);
  if (v.getType() != i64)
    return arith::ExtSIOp::create(b, loc, i64, v);
  return v;
}

Value mlir::rope::buildPairElementRotation(OpBuilder &b, Location loc, Value x,
                                           Value p, Value c, Value s) {
  return math::FmaOp::create(b, loc, x, c, arith::MulFOp::create(b, loc, p, s));
}

std::pair<Value, Value> mlir::rope::buildPairRotation(OpBuilder &b,
                                                      Location loc, Value x0,
                                                      Value x1, Value c,
                                                      Value s) {
  return {buildPairElementRotation(b, loc, x0,
                                   arith::NegFOp::create(b, loc, x1), c, s),
          buildPairElementRotation(b, loc, x1, x0, c, s)};
}

Value mlir::rope::buildClampedRow(OpBuilder &b, Location loc, Value pos,
                                  Value rows) {
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value last = arith::SubIOp::create(
      b, loc, rows, arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1)));
  Value row = arith::MaxSIOp::create(
      b, loc, arith::MinSIOp::create(b, loc, pos, last), zero);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), row);
}
