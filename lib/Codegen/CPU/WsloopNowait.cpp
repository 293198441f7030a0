//===- WsloopNowait.cpp - rope-wsloop-nowait pass -------------------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEWSLOOPNOWAITPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeWsloopNowaitPass
    : rope::impl::RopeWsloopNowaitPassBase<RopeWsloopNowaitPass> {
  void runOnOperation() override {
    getOperation()->walk([](omp::WsloopOp loop) {
      // Reductions are combined at the loop's barrier; keep it for them.
      if (!loop.getReductionVars().empty())
        return;
      auto parallel = dyn_cast<omp::ParallelOp>(loop->getParentOp());
      Operation *next = loop->getNextNode();
      if (parallel && next && isa<omp::TerminatorOp>(next))
        loop.setNowait(true);
    });
  }
};
} // namespace
