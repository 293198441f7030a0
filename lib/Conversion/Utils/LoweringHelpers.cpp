//===- LoweringHelpers.cpp - Pieces shared by the rope lowerings ----------===//

#include "rope/Conversion/Utils/LoweringHelpers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

Value mlir::rope::selectMRopeSection(OpBuilder &b, Location loc, Value i,
                                     ArrayRef<int64_t> sections,
                                     ValueRange choices) {
  auto below = [&](int64_t end) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i,
                                 arith::ConstantIndexOp::create(b, loc, end));
  };
  Value inFirst = below(sections[0]);
  Value inSecond = below(sections[0] + sections[1]);
  return arith::SelectOp::create(
      b, loc, inFirst, choices[0],
      arith::SelectOp::create(b, loc, inSecond, choices[1], choices[2]));
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
