//===- ExpandBF16.cpp - rope-expand-bf16 pass -----------------------------===//

#include "rope/Dialect/Rope/Transforms/Passes.h"
#include "rope/Utils/BF16.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEEXPANDBF16PASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeExpandBF16Pass
    : rope::impl::RopeExpandBF16PassBase<RopeExpandBF16Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    rope::populateExpandBF16TruncPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
