//===- ExpandBF16.cpp - rope-expand-bf16 pass -----------------------------===//

#include "rope/Codegen/CPU/Passes.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Utils/BF16.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEEXPANDBF16PASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeExpandBF16Pass
    : rope::impl::RopeExpandBF16PassBase<RopeExpandBF16Pass> {
  using Base::Base;

  void runOnOperation() override {
    rope::NoNaNCheck noNaNCheck;
    if (defaultNanLowBitsZero)
      noNaNCheck = [](Operation *trunc) {
        return rope::LoweringAttr::of(trunc).getBf16Operands();
      };
    // Pairs first: they match the truncf ops the second set expands. With
    // native conversions the truncs and their interleaves are LLVM's.
    RewritePatternSet pairs(&getContext());
    rope::populateBF16PairWidenPatterns(pairs);
    RewritePatternSet truncs(&getContext());
    if (!nativeTrunc) {
      rope::populateBF16PairMergePatterns(pairs, noNaNCheck, funnelShiftMerge);
      rope::populateExpandBF16TruncPatterns(truncs, noNaNCheck);
    }
    if (failed(applyPatternsGreedily(getOperation(), std::move(pairs))) ||
        failed(applyPatternsGreedily(getOperation(), std::move(truncs))))
      signalPassFailure();
  }
};
} // namespace
