//===- FrequencyTensors.cpp - Frequencies as f64 tensors ------------------===//

#include "rope/Dialect/Rope/Utils/FrequencyTensors.h"

#include "rope/Dialect/Rope/Utils/LoweringHelpers.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::rope;

bool mlir::rope::needsSequenceLength(FrequencyAttrInterface freqs) {
  if (isa<DynamicNTKFreqsAttr>(freqs))
    return true;
  auto longrope = dyn_cast<LongRopeFreqsAttr>(freqs);
  return longrope && longrope.getFactors() == LongRopeFactors::Dynamic;
}

/// A constant tensor of double-precision frequencies.
static Value constantFreqs(OpBuilder &b, Location loc, ArrayRef<double> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getF64Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// Dynamic NTK: base' = base * (factor * n / L0 - (factor - 1))^(R/(R-2))
/// when n > L0, f_i = base'^(-2i/R). Computed once per call in f64 (R/2
/// values).
static Value dynamicNTK(OpBuilder &b, Location loc, DynamicNTKFreqsAttr attr,
                        int64_t rotaryDim, Value seqLen) {
  Type f64 = b.getF64Type();
  auto c = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
  };
  const double r = static_cast<double>(rotaryDim);
  const double l0 = static_cast<double>(attr.getOriginalMaxPosition());
  Value n = arith::SIToFPOp::create(b, loc, f64, seqLen);
  Value scaled = arith::SubFOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, n, c(attr.getFactor() / l0)),
      c(attr.getFactor() - 1.0));
  Value logBase = c(std::log(attr.getBase()));
  Value scaledLogBase = arith::AddFOp::create(
      b, loc, logBase,
      arith::MulFOp::create(b, loc, c(r / (r - 2.0)),
                            math::LogOp::create(b, loc, scaled)));
  Value longer = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, n,
                                       c(l0));
  Value lnBase =
      arith::SelectOp::create(b, loc, longer, scaledLogBase, logBase);

  // A linalg op (not tensor.generate): tiled and fused like the table
  // that reads it, and a kernel on GPUs rather than host code.
  Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{rotaryDim / 2},
                                        f64);
  auto gen = linalg::GenericOp::create(
      b, loc, TypeRange{empty.getType()}, ValueRange{}, ValueRange{empty},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(1)},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location nl, ValueRange) {
        Value i = arith::IndexCastOp::create(
            nb, nl, nb.getI64Type(), linalg::IndexOp::create(nb, nl, 0));
        Value exponent = arith::MulFOp::create(
            nb, nl, arith::SIToFPOp::create(nb, nl, f64, i),
            arith::ConstantOp::create(nb, nl, nb.getF64FloatAttr(-2.0 / r)));
        Value f = math::ExpOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, exponent, lnBase));
        linalg::YieldOp::create(nb, nl, f);
      });
  return gen.getResult(0);
}

FrequencyTensors mlir::rope::buildFrequencyTensors(OpBuilder &b, Location loc,
                                                   FrequencyAttrInterface freqs,
                                                   int64_t rotaryDim,
                                                   Value seqLen) {
  FrequencyTensors result;
  result.attentionFactor = freqs.getEffectiveAttentionFactor();
  if (std::optional<SmallVector<double>> values =
          freqs.getStaticInverseFrequencies(rotaryDim)) {
    result.freqs = constantFreqs(b, loc, *values);
    return result;
  }
  if (auto ntk = dyn_cast<DynamicNTKFreqsAttr>(freqs)) {
    result.freqs = dynamicNTK(b, loc, ntk, rotaryDim, seqLen);
    return result;
  }
  // LongRoPE with run-time selection: long factors when n > L0.
  auto longrope = cast<LongRopeFreqsAttr>(freqs);
  auto pick = [&](LongRopeFactors which) {
    auto fixed = LongRopeFreqsAttr::get(
        b.getContext(), longrope.getBase(), longrope.getOriginalMaxPosition(),
        longrope.getMaxPosition(), longrope.getShortFactor(),
        longrope.getLongFactor(), which, longrope.getAttentionFactor());
    return constantFreqs(b, loc,
                         *fixed.getStaticInverseFrequencies(rotaryDim));
  };
  Value l0 = arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(longrope.getOriginalMaxPosition()));
  Value longer =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, seqLen, l0);
  result.freqs = arith::SelectOp::create(b, loc, longer,
                                         pick(LongRopeFactors::Long),
                                         pick(LongRopeFactors::Short));
  return result;
}

std::pair<Value, Value> mlir::rope::buildMinMax(OpBuilder &b, Location loc,
                                                Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Type i64 = b.getI64Type();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> lbs(type.getRank(), zero), steps(type.getRank(), one);
  SmallVector<Value> ubs;
  for (int64_t d = 0; d < type.getRank(); ++d)
    ubs.push_back(tensor::DimOp::create(b, loc, tensor, d));
  Value initMin = arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(std::numeric_limits<int64_t>::max()));
  Value initMax = arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(std::numeric_limits<int64_t>::min()));
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{initMin, initMax},
      [&](OpBuilder &nb, Location nl, ValueRange ivs,
          ValueRange iters) -> scf::ValueVector {
        Value v = tensor::ExtractOp::create(nb, nl, tensor, ivs);
        if (v.getType() != i64)
          v = arith::ExtSIOp::create(nb, nl, i64, v);
        return {arith::MinSIOp::create(nb, nl, iters[0], v),
                arith::MaxSIOp::create(nb, nl, iters[1], v)};
      });
  return {nest.results[0], nest.results[1]};
}

rope::PositionRange mlir::rope::buildOffsetPositionRange(OpBuilder &b,
                                                         Location loc,
                                                         Value offset,
                                                         Value seqLen) {
  Value last = arith::SubIOp::create(
      b, loc, arith::AddIOp::create(b, loc, offset, castToI64(b, loc, seqLen)),
      arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1)));
  return {offset, last, Value()};
}

rope::PositionRange mlir::rope::buildPositionRange(OpBuilder &b, Location loc,
                                                   Value positions) {
  if (auto implicit = positions.getDefiningOp<PositionsOp>()) {
    Value init = implicit.getInit();
    int64_t rank = implicit.getType().getRank();
    Value count = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t d = 0; d < rank; ++d)
      count = arith::MulIOp::create(b, loc, count,
                                    tensor::DimOp::create(b, loc, init, d));
    PositionRange range = buildOffsetPositionRange(
        b, loc, castToI64(b, loc, implicit.getOffset()),
        tensor::DimOp::create(b, loc, init, rank - 1));
    range.empty = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, count,
        arith::ConstantIndexOp::create(b, loc, 0));
    return range;
  }
  auto [minPos, maxPos] = buildMinMax(b, loc, positions);
  Value empty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                      minPos, maxPos);
  return {minPos, maxPos, empty};
}
