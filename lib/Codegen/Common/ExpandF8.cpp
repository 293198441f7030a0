//===- ExpandF8.cpp - rope-expand-f8 ---------------------------------------===//

#include "rope/Codegen/Common/Passes.h"

#include "rope/Utils/F8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEEXPANDF8PASS
#include "rope/Codegen/Common/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeExpandF8Pass : rope::impl::RopeExpandF8PassBase<RopeExpandF8Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    rope::populateExpandF8Patterns(patterns);
    // A walk: a folding driver would fold the bitcast of each i8 constant
    // back into the fp8 constant it replaces.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace
