//===- X86PackBF16.cpp - rope-x86-pack-bf16 pass --------------------------===//

#include "rope/Codegen/CPU/Passes.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEX86PACKBF16PASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// The f32 operand of a trunc the rope lowering made for a rotated pair.
Value rotatedF32(Value v) {
  auto trunc = v.getDefiningOp<arith::TruncFOp>();
  if (!trunc ||
      !rope::LoweringAttr::of(trunc).getBf16Operands())
    return {};
  auto type = dyn_cast<VectorType>(trunc.getIn().getType());
  if (!type || type.getRank() != 1 || type.isScalable() ||
      !type.getElementType().isF32() ||
      !cast<VectorType>(trunc.getType()).getElementType().isBF16())
    return {};
  return trunc.getIn();
}

struct PackRotatedPairs : OpRewritePattern<vector::InterleaveOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::InterleaveOp op,
                                PatternRewriter &rewriter) const override {
    Value even = rotatedF32(op.getLhs()), odd = rotatedF32(op.getRhs());
    if (!even || !odd)
      return failure();
    int64_t lanes = cast<VectorType>(even.getType()).getNumElements();
    // One conversion per register: 4, 8 or 16 lanes (more: 16 at a time).
    int64_t chunk = lanes % 16 == 0 ? 16 : lanes;
    StringRef name;
    switch (chunk) {
    case 4:
      name = "llvm.x86.avx512bf16.cvtne2ps2bf16.128";
      break;
    case 8:
      name = "llvm.x86.avx512bf16.cvtne2ps2bf16.256";
      break;
    case 16:
      name = "llvm.x86.avx512bf16.cvtne2ps2bf16.512";
      break;
    default:
      return failure();
    }
    Location loc = op.getLoc();
    auto packedType = VectorType::get({2 * chunk}, rewriter.getBF16Type());
    SmallVector<int64_t> interleave;
    for (int64_t i = 0; i < chunk; ++i)
      interleave.append({i, i + chunk});
    Value result = arith::ConstantOp::create(
        rewriter, loc, op.getResultVectorType(),
        rewriter.getZeroAttr(op.getResultVectorType()));
    for (int64_t c = 0; c < lanes; c += chunk) {
      auto slice = [&](Value v) -> Value {
        if (chunk == lanes)
          return v;
        return vector::ExtractStridedSliceOp::create(rewriter, loc, v, {c},
                                                     {chunk}, {1});
      };
      // Low half from the second operand: the evens.
      Value halves = LLVM::CallIntrinsicOp::create(
                         rewriter, loc, packedType,
                         rewriter.getStringAttr(name),
                         ValueRange{slice(odd), slice(even)})
                         .getResult(0);
      Value pairs =
          vector::ShuffleOp::create(rewriter, loc, halves, halves, interleave);
      if (chunk == lanes) {
        result = pairs;
        break;
      }
      result = vector::InsertStridedSliceOp::create(rewriter, loc, pairs,
                                                    result, {2 * c}, {1});
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RopeX86PackBF16Pass
    : rope::impl::RopeX86PackBF16PassBase<RopeX86PackBF16Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PackRotatedPairs>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
