//===- OmpParallelIf.cpp - rope-omp-parallel-if pass ----------------------===//

#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEOMPPARALLELIFPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeOmpParallelIfPass
    : rope::impl::RopeOmpParallelIfPassBase<RopeOmpParallelIfPass> {
  void runOnOperation() override {
    getOperation()->walk([](omp::ParallelOp parallel) {
      if (parallel.getIfExpr())
        return;
      omp::LoopNestOp nest;
      parallel.walk([&](omp::LoopNestOp n) {
        if (!nest)
          nest = n;
      });
      if (!nest)
        return;
      auto outside = [&](Value v) {
        return !parallel->isAncestor(v.getParentRegion()->getParentOp());
      };
      if (!llvm::all_of(nest.getOperands(), outside))
        return;
      // iterations = prod ceil((ub - lb) / step); parallel iff > 1.
      OpBuilder b(parallel);
      Location loc = parallel.getLoc();
      Value total;
      for (auto [lb, ub, step] :
           llvm::zip(nest.getLoopLowerBounds(), nest.getLoopUpperBounds(),
                     nest.getLoopSteps())) {
        Value span = arith::SubIOp::create(b, loc, ub, lb);
        Value trips = arith::CeilDivSIOp::create(b, loc, span, step);
        total = total ? arith::MulIOp::create(b, loc, total, trips) : trips;
      }
      Value one = arith::ConstantOp::create(
          b, loc, b.getIntegerAttr(total.getType(), 1));
      Value many = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                         total, one);
      parallel.getIfExprMutable().assign(many);
    });
  }
};
} // namespace
