//===- PipelineRowLoads.cpp - rope-pipeline-row-loads pass ----------------===//

#include "rope/Codegen/CPU/Passes.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "BufferRoots.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/SetVector.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEPIPELINEROWLOADSPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using mlir::rope::isStreamedBuffer;

static bool isStreamedLoad(Operation *op) {
  auto load = dyn_cast<vector::LoadOp>(op);
  return load && load.getVectorType().getRank() >= 1 &&
         isStreamedBuffer(load.getBase());
}

static bool isRowStore(Operation *op) {
  auto store = dyn_cast<vector::StoreOp>(op);
  return store && isStreamedBuffer(store.getBase());
}

/// The loop's constant trip count (upstream's), as int64_t.
static std::optional<int64_t> tripCount(scf::ForOp loop) {
  std::optional<llvm::APInt> n = loop.getStaticTripCount();
  if (!n)
    return std::nullopt;
  return n->getSExtValue();
}

namespace {
struct RopePipelineRowLoadsPass
    : rope::impl::RopePipelineRowLoadsPassBase<RopePipelineRowLoadsPass> {
  using Base::Base;

  void runOnOperation() override {
    // Row loops, outermost first: loops marked as having independent
    // iterations that load from and store into streamed buffers and whose
    // nested loops are innermost loops of at most max-unroll iterations (the
    // per-head loop around the loop over a row's vectors).
    SmallVector<scf::ForOp> rowLoops;
    getOperation()->walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      bool stores = false, loads = false, shallow = true;
      loop.getBody()->walk([&](Operation *op) {
        stores |= isRowStore(op);
        loads |= isStreamedLoad(op);
        if (auto inner = dyn_cast<scf::ForOp>(op)) {
          std::optional<int64_t> n = tripCount(inner);
          bool innermost = !inner.getBody()
                                ->walk([](scf::ForOp) {
                                  return WalkResult::interrupt();
                                })
                                .wasInterrupted();
          shallow &= n && *n <= maxUnroll && innermost;
        }
      });
      if (!stores || !loads || !shallow ||
          !rope::LoweringAttr::of(loop).getIndependentIterations())
        return WalkResult::advance();
      rowLoops.push_back(loop);
      return WalkResult::skip();
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForOp loop : rowLoops) {
      SmallVector<scf::ForOp> inner;
      loop.getBody()->walk([&](scf::ForOp f) { inner.push_back(f); });
      for (scf::ForOp f : inner)
        if (failed(loopUnrollFull(f)))
          return signalPassFailure();
      std::optional<int64_t> trips = tripCount(loop);
      if (!trips || *trips < 2)
        continue;
      pipeline(rewriter, loop);
    }
  }

  void pipeline(RewriterBase &rewriter, scf::ForOp loop) {
    // Stage 0: streamed loads, prefetches, and what they depend on in the
    // body; stage 1: the rest. Stage 0 first, so the next row's loads come
    // before this row's stores.
    Block *body = loop.getBody();
    llvm::SetVector<Operation *> stage0;
    SmallVector<Operation *> worklist;
    for (Operation &op : body->without_terminator())
      if (isStreamedLoad(&op) || isa<memref::PrefetchOp>(op))
        worklist.push_back(&op);
    // Loaded 16-bit floats cross the stages (loop-carried) as integers: x86
    // has no legal bf16 vector type and would move bf16 vector phis
    // through scalar registers.
    for (Operation *op : llvm::to_vector(worklist)) {
      auto load = dyn_cast<vector::LoadOp>(op);
      if (!load)
        continue;
      VectorType type = load.getVectorType();
      if (!isa<BFloat16Type, Float16Type>(type.getElementType()))
        continue;
      rewriter.setInsertionPointAfter(load);
      auto asInt = vector::BitCastOp::create(
          rewriter, load.getLoc(), type.clone(rewriter.getI16Type()),
          load.getResult());
      auto back = vector::BitCastOp::create(rewriter, load.getLoc(), type,
                                            asInt.getResult());
      rewriter.replaceAllUsesExcept(load.getResult(), back.getResult(), asInt);
      stage0.insert(asInt);
    }
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (!stage0.insert(op))
        continue;
      for (Value operand : op->getOperands())
        if (Operation *def = operand.getDefiningOp())
          if (def->getBlock() == body)
            worklist.push_back(def);
    }
    scf::PipeliningOption options;
    options.getScheduleFn =
        [&](scf::ForOp, std::vector<std::pair<Operation *, unsigned>> &s) {
          for (Operation &op : body->without_terminator())
            if (stage0.contains(&op))
              s.push_back({&op, 0});
          for (Operation &op : body->without_terminator())
            if (!stage0.contains(&op))
              s.push_back({&op, 1});
        };
    rewriter.setInsertionPoint(loop);
    bool modified = false;
    if (failed(scf::pipelineForLoop(rewriter, loop, options, &modified)) &&
        modified)
      signalPassFailure();
  }
};
} // namespace
