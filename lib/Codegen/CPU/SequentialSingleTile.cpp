//===- SequentialSingleTile.cpp - rope-sequential-single-tile pass --------===//

#include "rope/Codegen/CPU/Passes.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "TileLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPESEQUENTIALSINGLETILEPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeSequentialSingleTilePass
    : rope::impl::RopeSequentialSingleTilePassBase<
          RopeSequentialSingleTilePass> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops = rope::collectTileLoops(getOperation());
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp loop : loops) {
      // Parallel iff there is more than one iteration.
      Value total = rope::buildForallIterations(rewriter, loop).total;
      rewriter.setInsertionPoint(loop);
      Location loc = loop.getLoc();
      Value many = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::sgt, total,
          arith::ConstantIndexOp::create(rewriter, loc, 1));
      auto ifOp = scf::IfOp::create(rewriter, loc, many, /*withElse=*/true);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      rewriter.clone(*loop);
      rewriter.moveOpBefore(loop, ifOp.elseBlock(), ifOp.elseBlock()->begin());
      if (failed(scf::forallToForLoop(rewriter, loop)))
        return signalPassFailure();
    }
  }
};
} // namespace
