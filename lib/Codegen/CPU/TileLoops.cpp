//===- TileLoops.cpp - The tile loops of the rope lowering ----------------===//

#include "TileLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

SmallVector<scf::ForallOp> mlir::rope::collectTileLoops(Operation *root) {
  SmallVector<scf::ForallOp> loops;
  root->walk([&](scf::ForallOp loop) {
    if (loop->getNumResults() == 0 && !loop->getParentOfType<scf::ForallOp>())
      loops.push_back(loop);
  });
  return loops;
}

rope::ForallIterations mlir::rope::buildForallIterations(OpBuilder &b,
                                                         scf::ForallOp loop) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop);
  Location loc = loop.getLoc();
  auto value = [&](OpFoldResult v) {
    return getValueOrCreateConstantIndexOp(b, loc, v);
  };
  ForallIterations it;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  it.total = arith::ConstantIndexOp::create(b, loc, 1);
  for (auto [lb, ub, step] :
       llvm::zip(loop.getMixedLowerBound(), loop.getMixedUpperBound(),
                 loop.getMixedStep())) {
    it.lowerBounds.push_back(value(lb));
    it.steps.push_back(value(step));
    Value span = b.createOrFold<arith::SubIOp>(loc, value(ub),
                                               it.lowerBounds.back());
    Value n = b.createOrFold<arith::MaxSIOp>(
        loc, b.createOrFold<arith::CeilDivSIOp>(loc, span, it.steps.back()),
        zero);
    it.tripCounts.push_back(n);
    it.total = b.createOrFold<arith::MulIOp>(loc, it.total, n);
  }
  return it;
}
