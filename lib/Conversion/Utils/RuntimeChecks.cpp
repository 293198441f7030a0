//===- RuntimeChecks.cpp - Run-time checks of rope.rotate operands --------===//
//
// The verifier checks every static dimension; dynamic ones can only be
// compared at run time. A mismatch would make the kernel read out of bounds,
// so it stops the program with a message instead (cf.assert).
//
//===----------------------------------------------------------------------===//

#include "rope/Conversion/Utils/RuntimeChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Collects `a.dim(i) == b.dim(j)` conditions for dims that are not both
/// static (static ones were verified).
struct DimEqualities {
  OpBuilder &b;
  Location loc;
  Value all;

  void require(Value a, int64_t i, Value other, int64_t j) {
    auto ta = cast<RankedTensorType>(a.getType());
    auto tb = cast<RankedTensorType>(other.getType());
    if (!ta.isDynamicDim(i) && !tb.isDynamicDim(j))
      return;
    Value eq = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                     tensor::DimOp::create(b, loc, a, i),
                                     tensor::DimOp::create(b, loc, other, j));
    all = all ? arith::AndIOp::create(b, loc, all, eq) : eq;
  }
};
} // namespace

void mlir::rope::buildShapeChecks(OpBuilder &b, Location loc, RotateOp op) {
  DimEqualities eqs{b, loc, nullptr};
  Value first = op.getInputs().front();
  SmallVector<int64_t> tokenDims = op.getTokenDims();
  for (auto [x, init] : llvm::zip(op.getInputs(), op.getInits())) {
    for (int64_t d = 0, e = op.getTensorRank(); d < e; ++d)
      eqs.require(x, d, init, d);
    for (int64_t d : tokenDims)
      eqs.require(x, d, first, d);
  }
  const int64_t lead = op.isMRope() ? 1 : 0;
  if (Value positions = op.getPositions())
    for (auto [k, d] : llvm::enumerate(tokenDims))
      eqs.require(positions, lead + k, first, d);
  if (op.hasPerTokenCache()) {
    for (auto [k, d] : llvm::enumerate(tokenDims)) {
      eqs.require(op.getCosCache(), k, first, d);
      eqs.require(op.getSinCache(), k, first, d);
    }
  } else if (op.hasCache()) {
    eqs.require(op.getSinCache(), 0, op.getCosCache(), 0);
  }
  if (eqs.all)
    cf::AssertOp::create(b, loc, eqs.all,
                         "rope.rotate: dynamic dimensions of the operands "
                         "disagree (token counts, positions, cache or outs)");
}

void mlir::rope::buildCacheBoundsCheck(OpBuilder &b, Location loc, RotateOp op,
                                       Value minPos, Value maxPos) {
  Value rows = arith::IndexCastOp::create(
      b, loc, b.getI64Type(), tensor::DimOp::create(b, loc, op.getCosCache(), 0));
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value inRange = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, minPos, zero),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, maxPos, rows));
  cf::AssertOp::create(b, loc, inRange,
                       "rope.rotate: position outside the cos/sin cache");
}

Value mlir::rope::buildPositionInRange(OpBuilder &b, Location loc, Value pos) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  const int64_t limit = RotateOp::kPositionLimit;
  return arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, pos,
                            cst(-limit)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, pos,
                            cst(limit)));
}

void mlir::rope::buildPositionRangeCheck(OpBuilder &b, Location loc,
                                         Value minPos, Value maxPos,
                                         Value empty) {
  // Both ends in range: for offset + s, a first position in range means the
  // last one was computed without wrapping (the token count is below 2^62).
  Value inRange =
      arith::AndIOp::create(b, loc, buildPositionInRange(b, loc, minPos),
                            buildPositionInRange(b, loc, maxPos));
  cf::AssertOp::create(
      b, loc, arith::OrIOp::create(b, loc, empty, inRange),
      "rope.rotate: a position is outside (-2^31, 2^31), the range in which "
      "cos/sin meet their error bound");
}
