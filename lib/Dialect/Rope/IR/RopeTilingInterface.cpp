//===- RopeTilingInterface.cpp - TilingInterface of the rope ops ----------===//
//
// rope.positions, rope.cos_sin and rope.gather tile over their token
// dimensions (the table width stays whole, as a rotation tile reads all of
// it) and produce any token tile on demand, so upstream tile-and-fuse pulls
// them into a rope.apply tile. rope.apply tiles over tokens and heads; its
// inputs may have different head counts (queries and keys), so head tile
// [h, h + n) takes from input k the heads [min(h, H_k), min(h + n, H_k)).
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::rope;

static Value sliceOf(OpBuilder &b, Location loc, Value v,
                     ArrayRef<OpFoldResult> offsets,
                     ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, v, offsets, sizes, strides);
}

static SmallVector<Range> domainOf(OpBuilder &b, Location loc, Value v,
                                   ArrayRef<int64_t> dims) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
  return llvm::map_to_vector(dims, [&](int64_t d) {
    return Range{b.getIndexAttr(0), sizes[d], b.getIndexAttr(1)};
  });
}

static SmallVector<int64_t> leadingDims(int64_t n) {
  return llvm::to_vector(llvm::seq<int64_t>(0, n));
}

static SmallVector<utils::IteratorType> parallelLoops(int64_t n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

/// The tile of a table (token shape + [width]) for token tile
/// (offsets, sizes): the whole width.
static void tableTile(OpBuilder &b, Location loc, Value table,
                      ArrayRef<OpFoldResult> offsets,
                      ArrayRef<OpFoldResult> sizes,
                      SmallVector<OpFoldResult> &tileOffsets,
                      SmallVector<OpFoldResult> &tileSizes) {
  tileOffsets.assign(offsets.begin(), offsets.end());
  tileSizes.assign(sizes.begin(), sizes.end());
  tileOffsets.push_back(b.getIndexAttr(0));
  tileSizes.push_back(tensor::getMixedSize(
      b, loc, table, cast<RankedTensorType>(table.getType()).getRank() - 1));
}

/// The token tile a table tile needs: only whole-width tiles are produced.
static LogicalResult tokenTileOfTable(Value table,
                                      ArrayRef<OpFoldResult> offsets,
                                      ArrayRef<OpFoldResult> sizes,
                                      SmallVectorImpl<OpFoldResult> &domOffsets,
                                      SmallVectorImpl<OpFoldResult> &domSizes) {
  int64_t width = cast<RankedTensorType>(table.getType()).getShape().back();
  if (!isZeroInteger(offsets.back()) ||
      getConstantIntValue(sizes.back()) != std::optional<int64_t>(width))
    return failure();
  domOffsets.assign(offsets.begin(), offsets.end() - 1);
  domSizes.assign(sizes.begin(), sizes.end() - 1);
  return success();
}

/// Clones `op` onto tiles of its operands; the results take the types of
/// the tiled inits.
static TilingResult cloneOnTiles(OpBuilder &b, Operation *op,
                                 ArrayRef<Value> operands,
                                 ArrayRef<Value> inits) {
  SmallVector<Type> types =
      llvm::map_to_vector(inits, [](Value v) { return v.getType(); });
  Operation *tiled = clone(b, op, types, operands);
  SmallVector<Operation *> slices;
  for (Value v : operands)
    if (auto s = v.getDefiningOp<tensor::ExtractSliceOp>())
      slices.push_back(s);
  return TilingResult{{tiled}, SmallVector<Value>(tiled->getResults()),
                      slices};
}

//===----------------------------------------------------------------------===//
// PositionsOp
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> PositionsOp::getLoopIteratorTypes() {
  return parallelLoops(getType().getRank());
}

SmallVector<Range> PositionsOp::getIterationDomain(OpBuilder &b) {
  return domainOf(b, getLoc(), getInit(), leadingDims(getType().getRank()));
}

FailureOr<TilingResult>
PositionsOp::getTiledImplementation(OpBuilder &b,
                                    ArrayRef<OpFoldResult> offsets,
                                    ArrayRef<OpFoldResult> sizes) {
  Location loc = getLoc();
  Value init = sliceOf(b, loc, getInit(), offsets, sizes);
  // The tile starting at sequence index s0 starts at position offset + s0.
  AffineExpr s0, s1;
  bindSymbols(b.getContext(), s0, s1);
  Value offset = getValueOrCreateConstantIndexOp(
      b, loc,
      affine::makeComposedFoldedAffineApply(
          b, loc, s0 + s1, {OpFoldResult(getOffset()), offsets.back()}));
  return cloneOnTiles(b, *this, {offset, init}, {init});
}

LogicalResult PositionsOp::getResultTilePosition(
    OpBuilder &, unsigned, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  resultOffsets.assign(offsets.begin(), offsets.end());
  resultSizes.assign(sizes.begin(), sizes.end());
  return success();
}

LogicalResult PositionsOp::getIterationDomainTileFromResultTile(
    OpBuilder &, unsigned, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVectorImpl<OpFoldResult> &domOffsets,
    SmallVectorImpl<OpFoldResult> &domSizes) {
  domOffsets.assign(offsets.begin(), offsets.end());
  domSizes.assign(sizes.begin(), sizes.end());
  return success();
}

FailureOr<TilingResult>
PositionsOp::generateResultTileValue(OpBuilder &b, unsigned,
                                     ArrayRef<OpFoldResult> offsets,
                                     ArrayRef<OpFoldResult> sizes) {
  return getTiledImplementation(b, offsets, sizes);
}

//===----------------------------------------------------------------------===//
// CosSinOp and GatherOp: tables over the token dimensions
//===----------------------------------------------------------------------===//

namespace {
/// The token-tiling shared by the two table producers: `positions` (with a
/// leading axis dimension for mrope) and the two inits are sliced.
template <typename OpT>
FailureOr<TilingResult> tileTableOp(OpT op, OpBuilder &b,
                                    ArrayRef<OpFoldResult> offsets,
                                    ArrayRef<OpFoldResult> sizes,
                                    int64_t axes) {
  Location loc = op.getLoc();
  SmallVector<OpFoldResult> posOffsets(offsets), posSizes(sizes);
  if (axes > 0) {
    posOffsets.insert(posOffsets.begin(), b.getIndexAttr(0));
    posSizes.insert(posSizes.begin(), b.getIndexAttr(axes));
  }
  SmallVector<OpFoldResult> tOffsets, tSizes;
  tableTile(b, loc, op.getCosInit(), offsets, sizes, tOffsets, tSizes);
  SmallVector<Value> operands(op->getOperands());
  operands[0] = sliceOf(b, loc, op.getPositions(), posOffsets, posSizes);
  Value cos = sliceOf(b, loc, op.getCosInit(), tOffsets, tSizes);
  Value sin = sliceOf(b, loc, op.getSinInit(), tOffsets, tSizes);
  operands[operands.size() - 2] = cos;
  operands[operands.size() - 1] = sin;
  return cloneOnTiles(b, op, operands, {cos, sin});
}
} // namespace

#define ROPE_TABLE_TILING(OpT, MROPE)                                          \
  SmallVector<utils::IteratorType> OpT::getLoopIteratorTypes() {               \
    return parallelLoops(getCosInit().getType().getRank() - 1);                \
  }                                                                            \
  SmallVector<Range> OpT::getIterationDomain(OpBuilder &b) {                   \
    return domainOf(b, getLoc(), getCosInit(),                                 \
                    leadingDims(getCosInit().getType().getRank() - 1));        \
  }                                                                            \
  FailureOr<TilingResult> OpT::getTiledImplementation(                         \
      OpBuilder &b, ArrayRef<OpFoldResult> offsets,                            \
      ArrayRef<OpFoldResult> sizes) {                                          \
    return tileTableOp(*this, b, offsets, sizes, MROPE);                       \
  }                                                                            \
  LogicalResult OpT::getResultTilePosition(                                    \
      OpBuilder &b, unsigned, ArrayRef<OpFoldResult> offsets,                  \
      ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,  \
      SmallVector<OpFoldResult> &resultSizes) {                                \
    tableTile(b, getLoc(), getCosInit(), offsets, sizes, resultOffsets,        \
              resultSizes);                                                    \
    return success();                                                          \
  }                                                                            \
  LogicalResult OpT::getIterationDomainTileFromResultTile(                     \
      OpBuilder &, unsigned, ArrayRef<OpFoldResult> offsets,                   \
      ArrayRef<OpFoldResult> sizes, SmallVectorImpl<OpFoldResult> &domOffsets, \
      SmallVectorImpl<OpFoldResult> &domSizes) {                               \
    return tokenTileOfTable(getCosInit(), offsets, sizes, domOffsets,          \
                            domSizes);                                         \
  }                                                                            \
  FailureOr<TilingResult> OpT::generateResultTileValue(                        \
      OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,     \
      ArrayRef<OpFoldResult> sizes) {                                          \
    SmallVector<OpFoldResult> domOffsets, domSizes;                            \
    if (failed(tokenTileOfTable(getCosInit(), offsets, sizes, domOffsets,      \
                                domSizes)))                                    \
      return failure();                                                        \
    FailureOr<TilingResult> tiled =                                            \
        getTiledImplementation(b, domOffsets, domSizes);                       \
    if (failed(tiled))                                                         \
      return failure();                                                        \
    tiled->tiledValues = {tiled->tiledValues[resultNumber]};                   \
    return tiled;                                                              \
  }

ROPE_TABLE_TILING(CosSinOp, getNumPositionAxes())
ROPE_TABLE_TILING(GatherOp, getNumPositionAxes())
#undef ROPE_TABLE_TILING

//===----------------------------------------------------------------------===//
// ApplyOp: tokens and heads
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> ApplyOp::getLoopIteratorTypes() {
  return parallelLoops(getTokenDims(getLayout()).size() + 1);
}

SmallVector<Range> ApplyOp::getIterationDomain(OpBuilder &b) {
  Location loc = getLoc();
  SmallVector<Range> domain =
      domainOf(b, loc, getInputs().front(), getTokenDims(getLayout()));
  // Heads: the largest head count of the inputs.
  const int64_t headDim = getHeadCountDim(getLayout());
  SmallVector<OpFoldResult> heads = llvm::map_to_vector(
      getInputs(), [&](Value x) { return tensor::getMixedSize(b, loc, x, headDim); });
  OpFoldResult maxHeads = heads.front();
  if (heads.size() > 1) {
    AffineMap ids = AffineMap::getMultiDimIdentityMap(heads.size(),
                                                      b.getContext());
    maxHeads = affine::makeComposedFoldedAffineMax(b, loc, ids, heads);
  }
  domain.push_back(Range{b.getIndexAttr(0), maxHeads, b.getIndexAttr(1)});
  return domain;
}

/// The heads of input `x` in head tile (offset, size): [min(h, H), min(h + n,
/// H)), or (h, n) itself when H is the whole domain's extent.
static std::pair<OpFoldResult, OpFoldResult>
headTileOf(OpBuilder &b, Location loc, ApplyOp op, Value x,
           OpFoldResult offset, OpFoldResult size) {
  const int64_t headDim = getHeadCountDim(op.getLayout());
  auto type = cast<RankedTensorType>(x.getType());
  int64_t h = type.getDimSize(headDim);
  bool isLargest = !ShapedType::isDynamic(h);
  for (Value other : op.getInputs()) {
    int64_t ho = cast<RankedTensorType>(other.getType()).getDimSize(headDim);
    isLargest &= !ShapedType::isDynamic(ho) && ho <= h;
  }
  if (isLargest)
    return {offset, size};
  MLIRContext *ctx = b.getContext();
  AffineExpr d0, d1, s0;
  bindDims(ctx, d0, d1);
  bindSymbols(ctx, s0);
  OpFoldResult heads = tensor::getMixedSize(b, loc, x, headDim);
  OpFoldResult begin = affine::makeComposedFoldedAffineMin(
      b, loc, AffineMap::get(1, 1, {d0, s0}, ctx), {offset, heads});
  OpFoldResult end = affine::makeComposedFoldedAffineMin(
      b, loc, AffineMap::get(2, 1, {d0 + d1, s0}, ctx), {offset, size, heads});
  OpFoldResult count = affine::makeComposedFoldedAffineApply(
      b, loc, AffineMap::get(2, 0, d0 - d1, ctx), {end, begin});
  return {begin, count};
}

/// The tile of rotated tensor `x` for iteration tile (offsets, sizes).
static void rotatedTile(OpBuilder &b, Location loc, ApplyOp op, Value x,
                        ArrayRef<OpFoldResult> offsets,
                        ArrayRef<OpFoldResult> sizes,
                        SmallVector<OpFoldResult> &tileOffsets,
                        SmallVector<OpFoldResult> &tileSizes) {
  const int64_t rank = getTensorRank(op.getLayout());
  tileOffsets.assign(rank, b.getIndexAttr(0));
  tileSizes = tensor::getMixedSizes(b, loc, x);
  SmallVector<int64_t> tokenDims = getTokenDims(op.getLayout());
  for (auto [k, d] : llvm::enumerate(tokenDims)) {
    tileOffsets[d] = offsets[k];
    tileSizes[d] = sizes[k];
  }
  const int64_t headDim = getHeadCountDim(op.getLayout());
  std::tie(tileOffsets[headDim], tileSizes[headDim]) =
      headTileOf(b, loc, op, x, offsets.back(), sizes.back());
}

FailureOr<TilingResult>
ApplyOp::getTiledImplementation(OpBuilder &b, ArrayRef<OpFoldResult> offsets,
                                ArrayRef<OpFoldResult> sizes) {
  Location loc = getLoc();
  SmallVector<Value> operands, inits;
  SmallVector<Operation *> slices;
  for (Value x : getInputs()) {
    SmallVector<OpFoldResult> o, s;
    rotatedTile(b, loc, *this, x, offsets, sizes, o, s);
    operands.push_back(sliceOf(b, loc, x, o, s));
  }
  for (Value init : getInits()) {
    SmallVector<OpFoldResult> o, s;
    rotatedTile(b, loc, *this, init, offsets, sizes, o, s);
    inits.push_back(sliceOf(b, loc, init, o, s));
  }
  operands.append(inits);
  ArrayRef<OpFoldResult> tokOffsets = offsets.drop_back(),
                         tokSizes = sizes.drop_back();
  SmallVector<OpFoldResult> tOffsets, tSizes;
  tableTile(b, loc, getCos(), tokOffsets, tokSizes, tOffsets, tSizes);
  operands.push_back(sliceOf(b, loc, getCos(), tOffsets, tSizes));
  operands.push_back(sliceOf(b, loc, getSin(), tOffsets, tSizes));
  return cloneOnTiles(b, *this, operands, inits);
}

LogicalResult ApplyOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  rotatedTile(b, getLoc(), *this, getInits()[resultNumber], offsets, sizes,
              resultOffsets, resultSizes);
  return success();
}
