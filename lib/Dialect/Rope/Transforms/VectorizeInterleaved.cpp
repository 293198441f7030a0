//===- VectorizeInterleaved.cpp - interleaved rotation vectorizer ---------===//

#include "VectorizeInterleaved.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

/// The contiguous tensor and element indices behind operand `v` of the tile,
/// when `v` is a unit-stride slice of a stride-2 slice (offset `first` in the
/// last dimension) of that tensor.
static std::optional<std::pair<Value, SmallVector<OpFoldResult>>>
contiguousSource(RewriterBase &rewriter, Location loc, Value v,
                 int64_t first) {
  auto tileSlice = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (!tileSlice || !tileSlice.hasUnitStride())
    return std::nullopt;
  auto pairSlice = tileSlice.getSource().getDefiningOp<tensor::ExtractSliceOp>();
  if (!pairSlice)
    return std::nullopt;
  SmallVector<OpFoldResult> strides = pairSlice.getMixedStrides();
  std::optional<int64_t> lastStride = getConstantIntValue(strides.back());
  std::optional<int64_t> lastOffset =
      getConstantIntValue(pairSlice.getMixedOffsets().back());
  if (lastStride != 2 || lastOffset != first ||
      tileSlice.getSourceType().getRank() != pairSlice.getSourceType().getRank())
    return std::nullopt;
  for (OpFoldResult s : ArrayRef(strides).drop_back())
    if (getConstantIntValue(s) != 1)
      return std::nullopt;
  // index = pairOffset + stride * tileOffset, then back to the pair start.
  AffineExpr a, b;
  bindSymbols(rewriter.getContext(), a, b);
  SmallVector<OpFoldResult> indices;
  for (auto [k, po, to, st] :
       llvm::enumerate(pairSlice.getMixedOffsets(), tileSlice.getMixedOffsets(),
                       strides)) {
    int64_t stride = *getConstantIntValue(st);
    AffineExpr e = a + b * stride;
    if (k + 1 == strides.size())
      e = e - first;
    indices.push_back(affine::makeComposedFoldedAffineApply(
        rewriter, loc, AffineMap::get(0, 2, e), {po, to}));
  }
  return std::make_pair(pairSlice.getSource(), indices);
}

FailureOr<Value>
mlir::rope::vectorizeInterleavedRotation(RewriterBase &rewriter,
                                         linalg::GenericOp tile) {
  auto stage = tile->getAttrOfType<StringAttr>(rope::RopeDialect::getStageAttrName());
  SmallVector<int64_t> ranges = tile.getStaticLoopRanges();
  if (!stage || stage.getValue() != "rotate" || ranges.size() < 2 ||
      ranges.back() != 2 || tile.getNumDpsInputs() != 4 ||
      tile.getNumDpsInits() != 1)
    return failure();
  int64_t lanes = ranges[ranges.size() - 2];
  for (int64_t r : ArrayRef(ranges).drop_back(2))
    if (r != 1)
      return failure();
  Location loc = tile.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(tile);
  Value x0 = tile.getDpsInputs()[0];
  auto source = contiguousSource(rewriter, loc, x0, /*first=*/0);
  if (!source)
    return failure();
  auto [xSrc, xIdx] = *source;
  Type elt = getElementTypeOrSelf(x0.getType());

  // x: 2N contiguous elements, split into even (x0) and odd (x1) lanes.
  auto wideType = VectorType::get({2 * lanes}, elt);
  Value pad = arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(elt));
  Value wide = vector::TransferReadOp::create(
      rewriter, loc, wideType, xSrc,
      getValueOrCreateConstantIndexOp(rewriter, loc, xIdx), pad,
      ArrayRef<bool>{true});
  auto split = vector::DeinterleaveOp::create(rewriter, loc, wide);

  // cos/sin tables: N lanes at the tile's (token, frequency).
  auto readTable = [&](Value t) -> Value {
    auto type = cast<RankedTensorType>(t.getType());
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    SmallVector<Value> idx(type.getRank(), zero);
    Value p = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
    auto read = vector::TransferReadOp::create(
        rewriter, loc, VectorType::get({lanes}, type.getElementType()), t, idx,
        p, ArrayRef<bool>{true});
    return read;
  };
  SmallVector<Value> args{split.getRes1(), split.getRes2(),
                          readTable(tile.getDpsInputs()[2]),
                          readTable(tile.getDpsInputs()[3])};

  // The body, once per pair element j, on N-lane vectors.
  Block &body = tile.getRegion().front();
  const unsigned pairDim = ranges.size() - 1;
  SmallVector<Value> outs;
  for (int64_t j = 0; j < 2; ++j) {
    IRMapping map;
    for (int k = 0; k < 4; ++k)
      map.map(body.getArgument(k), args[k]);
    for (Operation &op : body.without_terminator()) {
      if (auto index = dyn_cast<linalg::IndexOp>(op)) {
        if (index.getDim() != pairDim) {
          if (!index->use_empty())
            return failure();
          continue;
        }
        map.map(index.getResult(),
                arith::ConstantIndexOp::create(rewriter, loc, j));
        continue;
      }
      bool vectorOperands = llvm::any_of(op.getOperands(), [&](Value v) {
        return isa<VectorType>(map.lookupOrDefault(v).getType());
      });
      Operation *clone = rewriter.clone(op, map);
      if (vectorOperands)
        for (OpResult r : clone->getResults())
          r.setType(VectorType::get({lanes}, r.getType()));
      map.map(op.getResults(), clone->getResults());
    }
    outs.push_back(map.lookup(body.getTerminator()->getOperand(0)));
  }
  Value interleaved = vector::InterleaveOp::create(rewriter, loc, outs[0], outs[1]);
  // Write the 2N lanes as one contiguous 1-D vector through a collapsed view
  // of the [.., N, 2] tile (a 2-D write would be split into N pairs).
  Value init = tile.getDpsInits()[0];
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t rank = initType.getRank();
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t d = 0; d < rank - 2; ++d)
    reassoc.push_back({d});
  reassoc.push_back({rank - 2, rank - 1});
  Value flat = tensor::CollapseShapeOp::create(rewriter, loc, init, reassoc);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  SmallVector<Value> idx(rank - 1, zero);
  auto write = vector::TransferWriteOp::create(rewriter, loc, interleaved, flat,
                                               idx, ArrayRef<bool>{true});
  Value result = tensor::ExpandShapeOp::create(rewriter, loc, initType,
                                               write.getResult(), reassoc);
  return result;
}
