//===- InsertRuntimeChecks.cpp - rope-insert-runtime-checks pass ----------===//
//
// The verifier checks static shapes; these checks cover what only the data
// can tell, once per op on whole tensors (before any tiling), so the
// lowerings and the tiles they produce need not check again.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/Utils/FrequencyTensors.h"
#include "rope/Dialect/Rope/Utils/LoweringHelpers.h"
#include "rope/Dialect/Rope/Utils/RuntimeChecks.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEINSERTRUNTIMECHECKSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
void checkRotate(OpBuilder &b, RotateOp op, bool printSizes,
                 bool checkPositions) {
  Location loc = op.getLoc();
  buildShapeChecks(b, loc, op, printSizes);
  const bool gathersCache = op.hasCache() && !op.hasPerTokenCache();
  if (!gathersCache && !op.getFreqs())
    return;
  if (op.getPositions() && !checkPositions)
    return;
  PositionRange range;
  if (Value positions = op.getPositions()) {
    range = buildPositionRange(b, loc, positions);
  } else {
    Value seq = tensor::DimOp::create(b, loc, op.getInputs().front(),
                                      op.getTokenDims().back());
    range = buildOffsetPositionRange(b, loc, castToI64(b, loc, op.getOffset()),
                                     seq);
    range.empty = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, seq,
        arith::ConstantIndexOp::create(b, loc, 0));
  }
  if (gathersCache)
    buildCacheBoundsCheck(b, loc, op, range.min, range.max);
  else
    buildPositionRangeCheck(b, loc, range.min, range.max, range.empty);
}

/// A result materialized into a caller's buffer is written there in place:
/// the buffer must have the result's shape (that of its input).
void checkDestinations(OpBuilder &b, Operation *op, ValueRange inputs,
                       StringRef what) {
  for (auto [x, result] : llvm::zip(inputs, op->getResults()))
    for (Operation *user : result.getUsers())
      if (auto materialize =
              dyn_cast<bufferization::MaterializeInDestinationOp>(user))
        if (isa<BaseMemRefType>(materialize.getDest().getType()))
          buildBufferSizeCheck(b, op->getLoc(), x, materialize.getDest(),
                               (what + ": the destination buffer's shape "
                                       "differs from the result's")
                                   .str());
}

struct RopeInsertRuntimeChecksPass
    : rope::impl::RopeInsertRuntimeChecksPassBase<
          RopeInsertRuntimeChecksPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<RotateOp, ApplyOp, CosSinOp, GatherOp>(op))
        ops.push_back(op);
    });
    OpBuilder b(&getContext());
    for (Operation *op : ops) {
      b.setInsertionPoint(op);
      Location loc = op->getLoc();
      if (auto rotate = dyn_cast<RotateOp>(op)) {
        checkRotate(b, rotate, printSizes, checkPositions);
        checkDestinations(b, op, rotate.getInputs(), "rope.rotate");
      } else if (auto apply = dyn_cast<ApplyOp>(op)) {
        buildShapeChecks(b, loc, apply, printSizes);
        checkDestinations(b, op, apply.getInputs(), "rope.apply");
      } else if (auto cosSin = dyn_cast<CosSinOp>(op)) {
        buildTableShapeChecks(b, loc, op, cosSin.getPositions(),
                              cosSin.getCosInit(), cosSin.getSinInit(),
                              cosSin.isMRope(), {}, {}, printSizes);
        if (!checkPositions)
          continue;
        PositionRange r = buildPositionRange(b, loc, cosSin.getPositions());
        buildPositionRangeCheck(b, loc, r.min, r.max, r.empty, "rope.cos_sin");
      } else if (auto gather = dyn_cast<GatherOp>(op)) {
        buildTableShapeChecks(b, loc, op, gather.getPositions(),
                              gather.getCosInit(), gather.getSinInit(),
                              gather.isMRope(), gather.getCosTable(),
                              gather.getSinTable(), printSizes);
        if (!checkPositions)
          continue;
        PositionRange r = buildPositionRange(b, loc, gather.getPositions());
        buildCacheBoundsCheck(b, loc, gather.getCosTable(), r.min, r.max,
                              "rope.gather");
      }
    }
  }
};
} // namespace
