//===- CopyStridedTables.cpp - rope-copy-strided-tables pass --------------===//
//
// rope.gather tables the vectorized gather can read: contiguous rows, or
// rows W * s apart for a column stride s. Others are copied once per call.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECOPYSTRIDEDTABLESPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// Element strides of `v` (a [rows, W] table) in the buffer it will live in,
/// when they are known: a value no view op produced is a buffer of its own
/// (or a contiguous argument); an extract_slice of such a value with
/// static sizes, offsets and strides has the product strides.
std::optional<SmallVector<int64_t>> knownStrides(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice) {
    if (v.getDefiningOp<tensor::ExpandShapeOp>() ||
        v.getDefiningOp<tensor::CollapseShapeOp>() ||
        v.getDefiningOp<tensor::CastOp>() ||
        v.getDefiningOp<tensor::ReshapeOp>())
      return std::nullopt;
    // Contiguous row-major: only the inner sizes matter.
    SmallVector<int64_t> shape(type.getShape());
    if (shape.empty())
      return shape;
    shape.front() = 1;
    if (llvm::any_of(shape, ShapedType::isDynamic))
      return std::nullopt;
    return computeSuffixProduct(shape);
  }
  std::optional<SmallVector<int64_t>> source = knownStrides(slice.getSource());
  if (!source)
    return std::nullopt;
  llvm::SmallBitVector dropped = slice.getDroppedDims();
  SmallVector<int64_t> strides;
  for (auto [d, stride] : llvm::enumerate(slice.getStaticStrides())) {
    if (ShapedType::isDynamic(stride))
      return std::nullopt;
    if (!dropped.test(d))
      strides.push_back((*source)[d] * stride);
  }
  return strides;
}

/// Whether the vectorized gather reads the [rows, W] table `v` correctly.
bool readableAsIs(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  std::optional<SmallVector<int64_t>> strides = knownStrides(v);
  if (!strides || type.getRank() != 2 || ShapedType::isDynamic(type.getDimSize(1)))
    return false;
  return (*strides)[0] == (*strides)[1] * type.getDimSize(1);
}

struct RopeCopyStridedTablesPass
    : rope::impl::RopeCopyStridedTablesPassBase<RopeCopyStridedTablesPass> {
  void runOnOperation() override {
    getOperation()->walk([&](rope::GatherOp op) {
      for (OpOperand *table :
           {&op.getCosTableMutable(), &op.getSinTableMutable()}) {
        Value v = table->get();
        if (readableAsIs(v))
          continue;
        OpBuilder b(op);
        Location loc = op.getLoc();
        auto type = cast<RankedTensorType>(v.getType());
        Value init = tensor::EmptyOp::create(
            b, loc, tensor::getMixedSizes(b, loc, v), type.getElementType());
        Value copy =
            linalg::CopyOp::create(b, loc, v, init).getResult(0);
        table->set(copy);
      }
    });
  }
};
} // namespace
