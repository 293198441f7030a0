//===- FoldFrequencies.cpp - rope-fold-frequencies pass -------------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFOLDFREQUENCIESPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
struct RopeFoldFrequenciesPass
    : rope::impl::RopeFoldFrequenciesPassBase<RopeFoldFrequenciesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldStaticFrequenciesPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
