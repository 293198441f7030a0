//===- VectorizeRotation.cpp - custom vectorizers of rotation tiles -------===//

#include "VectorizeRotation.h"

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

/// Evaluates the body of rotation tile `tile` on `lanes`-lane vectors: the
/// leading block arguments (x0, x1, cos, sin, or a fused tile's inputs) map
/// to `args`, linalg.index of the pair dimension to `pairElement`. Returns the yielded vector, or null when the
/// body uses another index.
static Value cloneBodyOnVectors(RewriterBase &rewriter, linalg::GenericOp tile,
                                ArrayRef<Value> args, int64_t pairElement,
                                unsigned pairDim, int64_t lanes) {
  Location loc = tile.getLoc();
  Block &body = tile.getRegion().front();
  IRMapping map;
  for (auto [k, arg] : llvm::enumerate(args))
    map.map(body.getArgument(k), arg);
  for (Operation &op : body.without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(op)) {
      if (index.getDim() != pairDim) {
        if (!index->use_empty())
          return Value();
        continue;
      }
      map.map(index.getResult(),
              arith::ConstantIndexOp::create(rewriter, loc, pairElement));
      continue;
    }
    bool vectorOperands = llvm::any_of(op.getOperands(), [&](Value v) {
      return isa<VectorType>(map.lookupOrDefault(v).getType());
    });
    Operation *clone = rewriter.clone(op, map);
    if (vectorOperands) {
      // Scalars beside vectors (a fused consumer's scale, a constant from
      // above the body) are broadcast to the lanes.
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(clone);
      for (OpOperand &operand : clone->getOpOperands())
        if (operand.get().getType().isIntOrIndexOrFloat())
          operand.set(vector::BroadcastOp::create(
              rewriter, loc, VectorType::get({lanes}, operand.get().getType()),
              operand.get()));
      for (OpResult r : clone->getResults())
        r.setType(VectorType::get({lanes}, r.getType()));
    }
    map.map(op.getResults(), clone->getResults());
  }
  return map.lookup(body.getTerminator()->getOperand(0));
}

/// Whether an input of the rotation tile is indexed by the pair dimension:
/// full-width (HF) tables, one entry per element. The vectorizers here read
/// each table once per pair; such tiles go to upstream's vectorizer.
static bool readsPairDim(linalg::GenericOp tile, unsigned pairDim) {
  AffineExpr pair = getAffineDimExpr(pairDim, tile.getContext());
  return llvm::any_of(tile.getDpsInputOperands(), [&](OpOperand *in) {
    return llvm::is_contained(tile.getMatchingIndexingMap(in).getResults(),
                              pair);
  });
}

/// The first `lanes` elements of the tensor `t` (a tile whose other
/// dimensions are 1), as one in-bounds 1-D read at its origin.
static Value readLeadingLanes(RewriterBase &rewriter, Location loc, Value t,
                              int64_t lanes) {
  auto type = cast<RankedTensorType>(t.getType());
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  SmallVector<Value> idx(type.getRank(), zero);
  Value pad = arith::ConstantOp::create(
      rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
  return vector::TransferReadOp::create(
      rewriter, loc, VectorType::get({lanes}, type.getElementType()), t, idx,
      pad, ArrayRef<bool>{true});
}

FailureOr<Value>
mlir::rope::vectorizeInterleavedRotation(RewriterBase &rewriter,
                                         linalg::GenericOp tile) {
  SmallVector<int64_t> ranges = tile.getStaticLoopRanges();
  if (!rope::LoweringAttr::hasRole(tile, rope::Role::Rotate) || ranges.size() < 2 ||
      ranges.back() != 2 || tile.getNumDpsInputs() != 4 ||
      tile.getNumDpsInits() != 1 || readsPairDim(tile, ranges.size() - 1))
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
  SmallVector<Value> args{
      split.getRes1(), split.getRes2(),
      readLeadingLanes(rewriter, loc, tile.getDpsInputs()[2], lanes),
      readLeadingLanes(rewriter, loc, tile.getDpsInputs()[3], lanes)};

  // The body, once per pair element j, on N-lane vectors.
  const unsigned pairDim = ranges.size() - 1;
  SmallVector<Value> outs;
  for (int64_t j = 0; j < 2; ++j) {
    Value out = cloneBodyOnVectors(rewriter, tile, args, j, pairDim, lanes);
    if (!out)
      return failure();
    outs.push_back(out);
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

FailureOr<Value> mlir::rope::vectorizeHalfRotationBF16(RewriterBase &rewriter,
                                                       linalg::GenericOp tile) {
  SmallVector<int64_t> ranges = tile.getStaticLoopRanges();
  if (!rope::LoweringAttr::hasRole(tile, rope::Role::Rotate) || ranges.size() < 2 ||
      ranges[ranges.size() - 2] != 2 || tile.getNumDpsInputs() < 4 ||
      tile.getNumDpsInits() != 1 || readsPairDim(tile, ranges.size() - 2))
    return failure();
  const int64_t lanes = ranges.back();
  if (ShapedType::isDynamic(lanes) || lanes % 2 || lanes < 4)
    return failure();
  for (int64_t r : ArrayRef(ranges).drop_back(2))
    if (r != 1)
      return failure();
  Value init = tile.getDpsInits()[0];
  auto initType = cast<RankedTensorType>(init.getType());
  if (!initType.getElementType().isBF16())
    return failure();
  // Inputs are read as 1-D vectors of the tile's lanes, their indexing maps
  // reaching the innermost dimension through their last result (x0, x1,
  // cos, sin; a fused norm's weights), or as one scalar, their maps not
  // reaching it (a fused norm's per-row factor).
  const unsigned innerDim = ranges.size() - 1, pairDim = ranges.size() - 2;
  AffineExpr inner = getAffineDimExpr(innerDim, tile.getContext());
  SmallVector<bool> perLane;
  for (OpOperand *in : tile.getDpsInputOperands()) {
    AffineMap map = tile.getMatchingIndexingMap(in);
    bool lane = map.getNumResults() && map.getResults().back() == inner;
    if (!lane && map.isFunctionOfDim(innerDim))
      return failure();
    for (AffineExpr e : map.getResults().drop_back(lane ? 1 : 0))
      if (!isa<AffineDimExpr>(e) ||
          ranges[cast<AffineDimExpr>(e).getPosition()] != 1)
        return failure();
    perLane.push_back(lane);
  }
  // The words trick pays for bf16 data: x0 and x1, or for a fused tile the
  // bf16 inputs its neighbour computes them from.
  auto isBF16 = [](Value v) { return getElementTypeOrSelf(v.getType()).isBF16(); };
  SmallVector<Value> inputs = tile.getDpsInputs();
  if (inputs.size() == 4 ? !isBF16(inputs[0]) || !isBF16(inputs[1])
                         : llvm::count_if(llvm::zip(inputs, perLane), [&](auto p) {
                             return std::get<1>(p) && isBF16(std::get<0>(p));
                           }) < 2)
    return failure();
  Location loc = tile.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(tile);

  // Each 1-D read is split into even and odd lanes: with bf16 pairs seen as
  // 32-bit words (rope-expand-bf16) that costs a shift or a mask, and the
  // results are re-interleaved as words, instead of widening and narrowing
  // 16-bit lanes with shuffles. Scalars are used on both halves.
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  SmallVector<std::pair<Value, Value>> split;
  for (auto [in, lane] : llvm::zip(tile.getDpsInputs(), perLane)) {
    if (!lane) {
      auto type = cast<RankedTensorType>(in.getType());
      Value scalar = tensor::ExtractOp::create(
          rewriter, loc, in, SmallVector<Value>(type.getRank(), zero));
      split.push_back({scalar, scalar});
      continue;
    }
    auto halves = vector::DeinterleaveOp::create(
        rewriter, loc, readLeadingLanes(rewriter, loc, in, lanes));
    split.push_back({halves.getRes1(), halves.getRes2()});
  }

  Value result = init;
  for (int64_t j = 0; j < 2; ++j) {
    Value halves[2];
    for (int parity = 0; parity < 2; ++parity) {
      SmallVector<Value> args;
      for (auto [even, odd] : split)
        args.push_back(parity ? odd : even);
      halves[parity] =
          cloneBodyOnVectors(rewriter, tile, args, j, pairDim, lanes / 2);
      if (!halves[parity])
        return failure();
    }
    Value out =
        vector::InterleaveOp::create(rewriter, loc, halves[0], halves[1]);
    SmallVector<Value> idx(initType.getRank(), zero);
    idx[pairDim] = arith::ConstantIndexOp::create(rewriter, loc, j);
    result = vector::TransferWriteOp::create(rewriter, loc, out, result, idx,
                                             ArrayRef<bool>{true})
                 .getResult();
  }
  return result;
}
