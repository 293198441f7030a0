//===- FlattenStridedGathers.cpp - rope-flatten-strided-gathers -----------===//

#include "rope/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFLATTENSTRIDEDGATHERSPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct FlattenStridedGather : OpRewritePattern<vector::GatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<MemRefType>(op.getBase().getType());
    if (!type || type.getRank() == 0)
      return failure();
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)) ||
        strides.back() == 1)
      return failure();
    // The gather's indices linearize the shape (row * W + column): they
    // address this buffer through a stride-s view only when each dimension
    // is s times the elements inside it apart (rope-copy-strided-tables
    // gives other tables a contiguous copy).
    int64_t inner = strides.back();
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (ShapedType::isDynamic(strides[d]) || strides[d] != inner)
        return failure();
      if (d > 0 && type.isDynamicDim(d))
        return failure();
      inner *= d > 0 ? type.getDimSize(d) : 1;
    }
    Location loc = op.getLoc();
    auto meta = memref::ExtractStridedMetadataOp::create(rewriter, loc,
                                                         op.getBase());
    auto add = [&](Value a, Value b) {
      return arith::AddIOp::create(rewriter, loc, a, b).getResult();
    };
    auto mul = [&](Value a, Value b) {
      return arith::MulIOp::create(rewriter, loc, a, b).getResult();
    };
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    // The gather's first element and the extent of the buffer after it.
    Value start = meta.getOffset(), end = one;
    for (auto [d, index] : llvm::enumerate(op.getOffsets())) {
      Value stride = meta.getStrides()[d];
      start = add(start, mul(index, stride));
      end = add(end, mul(arith::SubIOp::create(rewriter, loc,
                                               meta.getSizes()[d], one),
                         stride));
    }
    Value size = arith::SubIOp::create(
        rewriter, loc, add(end, meta.getOffset()), start);
    auto flatType = MemRefType::get(
        {ShapedType::kDynamic}, type.getElementType(),
        StridedLayoutAttr::get(getContext(), ShapedType::kDynamic, {1}),
        type.getMemorySpace());
    Value flat = memref::ReinterpretCastOp::create(
        rewriter, loc, flatType, meta.getBaseBuffer(), OpFoldResult(start),
        {OpFoldResult(size)}, {OpFoldResult(rewriter.getIndexAttr(1))});
    VectorType indexType = op.getIndexVectorType();
    Value stride = meta.getStrides().back();
    if (!indexType.getElementType().isIndex())
      stride = arith::IndexCastOp::create(
          rewriter, loc, indexType.getElementType(), stride);
    Value indices = mul(
        op.getIndices(),
        vector::BroadcastOp::create(rewriter, loc, indexType, stride));
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    rewriter.replaceOpWithNewOp<vector::GatherOp>(
        op, op.getVectorType(), flat, ValueRange{zero}, indices,
        op.getMask(), op.getPassThru());
    return success();
  }
};

struct RopeFlattenStridedGathersPass
    : rope::impl::RopeFlattenStridedGathersPassBase<
          RopeFlattenStridedGathersPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FlattenStridedGather>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace
