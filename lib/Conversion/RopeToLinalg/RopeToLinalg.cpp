//===- RopeToLinalg.cpp - Lower rope.rotate to linalg ---------------------===//
//
// Each rotated tensor becomes one linalg.generic over a view of its rotated
// part with a dimension of size 2 for the pair element:
//   half:        x[..., R] -> x[..., 2, R/2]   (element i pairs with i + R/2)
//   interleaved: x[..., R] -> x[..., R/2, 2]   (element 2i pairs with 2i + 1)
// The generic reads both pair elements through two indexing maps that pin
// the pair index to 0 and 1, and writes
//   y[j = 0] = x0 * c - x1 * s,   y[j = 1] = x1 * c + x0 * s.
// Writing one destination view (not two halves) keeps one-shot bufferization
// in place; cos/sin are computed in the body, so no table is materialized.
//
//===----------------------------------------------------------------------===//

#include "rope/Conversion/Passes.h"

#include "rope/Conversion/Utils/FrequencyTensors.h"
#include "rope/Conversion/Utils/RuntimeChecks.h"
#include "rope/Conversion/Utils/LoweringHelpers.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Utils/SinCos.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_CONVERTROPETOLINALGPASS
#include "rope/Conversion/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {

constexpr StringLiteral kStageAttr = RopeDialect::getStageAttrName();
constexpr StringLiteral kStoreAlignmentAttr =
    RopeDialect::getStoreAlignmentAttrName();

/// Values shared by the rotation of every input of one rope.rotate.
struct RotationContext {
  RotateOp op;
  int64_t rotaryDim;
  Value offset;           // i64, implicit positions only
  FrequencyTensors freqs; // frequency form only
  // Per-token cos/sin with the token shape of the rotated tensor plus R/2:
  // a per-token cache, or the table of a token tile. When set, the rotation
  // reads them instead of computing cos/sin.
  Value tableCos, tableSin;
};

Value toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

/// cos/sin (f32) of frequency `i` at position `pos` (i64): computed from the
/// frequency tensor's element `f` (f64) with the attention factor applied,
/// or gathered from the op's cache (rows range-checked up front).
SinCos cosSinAt(OpBuilder &b, Location loc, const RotationContext &ctx,
                Value pos, Value i, Value f) {
  RotateOp op = ctx.op;
  if (!op.getFreqs()) {
    Value row = arith::IndexCastOp::create(b, loc, b.getIndexType(), pos);
    auto gather = [&](Value cache) {
      return toF32(b, loc,
                   tensor::ExtractOp::create(b, loc, cache, ValueRange{row, i}));
    };
    return {gather(op.getSinCache()), gather(op.getCosCache())};
  }
  Value p = arith::SIToFPOp::create(b, loc, b.getF64Type(), pos);
  return scaleByAttentionFactor(
      b, loc, buildAccurateSinCosOfProduct(b, loc, p, f),
      ctx.freqs.attentionFactor);
}

/// Emits one linalg.generic rotating `x` (already restricted to its rotated
/// part) into `dest`; returns the rotated tensor with the shape of `x`.
Value buildRotation(OpBuilder &b, Location loc, const RotationContext &ctx,
                    Value x, Value dest) {
  RotateOp op = ctx.op;
  auto type = cast<RankedTensorType>(x.getType());
  const int64_t rank = type.getRank();
  const int64_t half = ctx.rotaryDim / 2;
  const bool isHalf = op.getPairing() == Pairing::Half;
  const int64_t numLoops = rank + 1;
  const int64_t pairDim = isHalf ? rank - 1 : rank;
  const int64_t freqDim = isHalf ? rank : rank - 1;
  SmallVector<int64_t> tokenDims = op.getTokenDims();
  const int64_t seqDim = tokenDims.back();

  // [..., R] -> [..., 2, R/2] or [..., R/2, 2].
  SmallVector<int64_t> viewShape(type.getShape().drop_back());
  viewShape.append(isHalf ? SmallVector<int64_t>{2, half}
                          : SmallVector<int64_t>{half, 2});
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t d = 0; d < rank - 1; ++d)
    reassoc.push_back({d});
  reassoc.push_back({rank - 1, rank});
  auto viewType = RankedTensorType::get(viewShape, type.getElementType());
  Value destView =
      tensor::ExpandShapeOp::create(b, loc, viewType, dest, reassoc);

  // The two elements of each pair as [..., R/2] slices of x: halves for
  // `half`, even/odd elements (stride 2) for `interleaved`. Reading them
  // through projections (not constant-index maps) keeps the generic
  // vectorizable.
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  sizes.back() = b.getIndexAttr(half);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  if (!isHalf)
    strides.back() = b.getIndexAttr(2);
  auto pairSlice = [&](int64_t first) -> Value {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets.back() = b.getIndexAttr(first);
    return tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes, strides);
  };
  Value x0 = pairSlice(0);
  Value x1 = pairSlice(isHalf ? half : 1);

  MLIRContext *mctx = b.getContext();
  auto projection = [&](ArrayRef<int64_t> dims,
                        std::optional<int64_t> leading = std::nullopt) {
    SmallVector<AffineExpr> exprs;
    if (leading)
      exprs.push_back(getAffineConstantExpr(*leading, mctx));
    for (int64_t d : dims)
      exprs.push_back(getAffineDimExpr(d, mctx));
    return AffineMap::get(numLoops, 0, exprs, mctx);
  };
  SmallVector<int64_t> pairOperandDims;
  for (int64_t d = 0; d < numLoops; ++d)
    if (d != pairDim)
      pairOperandDims.push_back(d);

  SmallVector<Value> inputs{x0, x1};
  SmallVector<AffineMap> maps(2, projection(pairOperandDims));
  int64_t freqArg = -1, posArg = -1, cacheArg = -1;
  const bool useTable = static_cast<bool>(ctx.tableCos);
  if (useTable) {
    cacheArg = inputs.size();
    SmallVector<int64_t> dims(tokenDims);
    dims.push_back(freqDim);
    inputs.append({ctx.tableCos, ctx.tableSin});
    maps.append(2, projection(dims));
  } else if (op.getFreqs()) {
    freqArg = inputs.size();
    inputs.push_back(ctx.freqs.freqs);
    maps.push_back(projection({freqDim}));
  }
  Value positions = useTable ? Value() : op.getPositions();
  if (positions) {
    posArg = inputs.size();
    if (op.isMRope()) {
      for (int64_t k = 0; k < 3; ++k) {
        inputs.push_back(positions);
        maps.push_back(projection(tokenDims, k));
      }
    } else {
      inputs.push_back(positions);
      maps.push_back(projection(tokenDims));
    }
  }
  maps.push_back(b.getMultiDimIdentityMap(numLoops));
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);

  // bf16 data rotated with cos/sin computed here (finite: positions are
  // integers) or read from bf16 caches: the result's NaNs come from bf16
  // values or are the default NaN (see RopeDialect::getBF16OperandsAttrName).
  auto isBF16 = [](Value v) {
    return getElementTypeOrSelf(v.getType()).isBF16();
  };
  const bool bf16Operands =
      type.getElementType().isBF16() &&
      (op.getFreqs() || (isBF16(op.getCosCache()) && isBF16(op.getSinCache())));

  auto body = [&](OpBuilder &nb, Location nl, ValueRange args) {
    Value i = linalg::IndexOp::create(nb, nl, freqDim);

    // Position of this token (i64); mrope picks the component of section i.
    Value pos;
    if (posArg >= 0 && op.isMRope()) {
      pos = castToI64(nb, nl,
                      selectMRopeSection(nb, nl, i, *op.getMropeSection(),
                                         args.slice(posArg, 3)));
    } else if (posArg >= 0) {
      pos = castToI64(nb, nl, args[posArg]);
    } else if (ctx.offset && !useTable) {
      Value s = castToI64(nb, nl, linalg::IndexOp::create(nb, nl, seqDim));
      pos = arith::AddIOp::create(nb, nl, ctx.offset, s);
    }

    Value cosV, sinV;
    if (cacheArg >= 0) {
      cosV = toF32(nb, nl, args[cacheArg]);
      sinV = toF32(nb, nl, args[cacheArg + 1]);
    } else {
      SinCos sc = cosSinAt(nb, nl, ctx, pos, i,
                           freqArg >= 0 ? args[freqArg] : Value());
      cosV = sc.cos;
      sinV = sc.sin;
    }
    if (op.getInverse())
      sinV = arith::NegFOp::create(nb, nl, sinV);

    // y = a * c + b * s with (a, b) = (x0, -x1) for j = 0, (x1, x0) for j = 1.
    Value x0 = toF32(nb, nl, args[0]);
    Value x1 = toF32(nb, nl, args[1]);
    Value j = linalg::IndexOp::create(nb, nl, pairDim);
    Value first = arith::CmpIOp::create(
        nb, nl, arith::CmpIPredicate::eq, j,
        arith::ConstantIndexOp::create(nb, nl, 0));
    Value a = arith::SelectOp::create(nb, nl, first, x0, x1);
    Value bv = arith::SelectOp::create(
        nb, nl, first, arith::NegFOp::create(nb, nl, x1), x0);
    Value y = math::FmaOp::create(nb, nl, a, cosV,
                                  arith::MulFOp::create(nb, nl, bv, sinV));
    if (y.getType() != type.getElementType()) {
      auto trunc = arith::TruncFOp::create(nb, nl, type.getElementType(), y);
      if (bf16Operands)
        trunc->setAttr(RopeDialect::getBF16OperandsAttrName(),
                       nb.getUnitAttr());
      y = trunc;
    }
    linalg::YieldOp::create(nb, nl, y);
  };

  auto generic = linalg::GenericOp::create(b, loc, TypeRange{viewType}, inputs,
                                           ValueRange{destView}, maps,
                                           iterators, body);
  generic->setAttr(kStageAttr, b.getStringAttr("rotate"));
  return tensor::CollapseShapeOp::create(b, loc, type, generic.getResult(0),
                                         reassoc);
}

/// Rotates one input into its destination, copying the pass-through part
/// `[R, D)` when rotary_dim < head_dim.
Value lowerInput(OpBuilder &b, Location loc, const RotationContext &ctx,
                 Value x, Value init) {
  auto type = cast<RankedTensorType>(x.getType());
  const int64_t rank = type.getRank();
  const int64_t headDim = type.getShape().back();
  if (ctx.rotaryDim == headDim)
    return buildRotation(b, loc, ctx, x, init);

  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  SmallVector<OpFoldResult> zeros(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> ones(rank, b.getIndexAttr(1));
  SmallVector<OpFoldResult> passOffsets(zeros), passSizes(sizes),
      rotSizes(sizes);
  passOffsets.back() = b.getIndexAttr(ctx.rotaryDim);
  passSizes.back() = b.getIndexAttr(headDim - ctx.rotaryDim);
  rotSizes.back() = b.getIndexAttr(ctx.rotaryDim);

  Value xPass =
      tensor::ExtractSliceOp::create(b, loc, x, passOffsets, passSizes, ones);
  Value destPass = tensor::ExtractSliceOp::create(b, loc, init, passOffsets,
                                                  passSizes, ones);
  Value copied =
      linalg::CopyOp::create(b, loc, xPass, destPass).getResult(0);
  Value dest = tensor::InsertSliceOp::create(b, loc, copied, init,
                                             passOffsets, passSizes, ones);

  Value xRot = tensor::ExtractSliceOp::create(b, loc, x, zeros, rotSizes, ones);
  Value destRot =
      tensor::ExtractSliceOp::create(b, loc, dest, zeros, rotSizes, ones);
  Value rotated = buildRotation(b, loc, ctx, xRot, destRot);
  return tensor::InsertSliceOp::create(b, loc, rotated, dest, zeros, rotSizes,
                                       ones);
}


/// Emits the f32 cos/sin table of one token tile, shape [1?, size, R/2],
/// `size` <= `tile` being the tile's token count: a slice of a static
/// [1?, tile, R/2] buffer (which lives on the stack after bufferization),
/// so a short last tile or a decode step computes only the rows it uses.
std::pair<Value, Value> buildTileTable(OpBuilder &b, Location loc,
                                       const RotationContext &ctx,
                                       Value batchIv, Value t0, Value seqLen,
                                       int64_t tile, OpFoldResult size) {
  RotateOp op = ctx.op;
  const int64_t half = ctx.rotaryDim / 2;
  SmallVector<int64_t> shape;
  if (batchIv)
    shape.push_back(1);
  shape.append({tile, half});
  const int64_t numLoops = shape.size();
  const int64_t rowDim = numLoops - 2, freqDim = numLoops - 1;
  MLIRContext *mctx = b.getContext();

  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (op.getFreqs()) {
    inputs.push_back(ctx.freqs.freqs);
    maps.push_back(AffineMap::get(numLoops, 0, getAffineDimExpr(freqDim, mctx)));
  }
  // Static buffers (the stack after bufferization), written only in their
  // first `size` rows. alloc_tensor, not tensor.empty: CSE would merge two
  // identical empties, and the two results would then share one buffer.
  SmallVector<OpFoldResult> zeros(numLoops, b.getIndexAttr(0)),
      ones(numLoops, b.getIndexAttr(1)), sizes;
  for (int64_t extent : shape)
    sizes.push_back(b.getIndexAttr(extent));
  sizes[rowDim] = size;
  auto rows = [&]() -> Value {
    Value full = bufferization::AllocTensorOp::create(
        b, loc, RankedTensorType::get(shape, b.getF32Type()), ValueRange{});
    return tensor::ExtractSliceOp::create(b, loc, full, zeros, sizes, ones);
  };
  Value cosRows = rows(), sinRows = rows();
  maps.append(2, b.getMultiDimIdentityMap(numLoops));
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value lastToken = arith::SubIOp::create(b, loc, seqLen, one);

  auto body = [&](OpBuilder &nb, Location nl, ValueRange args) {
    Value i = linalg::IndexOp::create(nb, nl, freqDim);
    Value row = linalg::IndexOp::create(nb, nl, rowDim);
    Value token = arith::MinUIOp::create(
        nb, nl, arith::AddIOp::create(nb, nl, t0, row), lastToken);
    Value pos;
    if (Value positions = op.getPositions()) {
      SmallVector<Value> indices;
      if (op.isMRope()) {
        auto idx = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(nb, nl, v);
        };
        indices.push_back(selectMRopeSection(nb, nl, i, *op.getMropeSection(),
                                             {idx(0), idx(1), idx(2)}));
      }
      if (batchIv)
        indices.push_back(batchIv);
      indices.push_back(token);
      pos = castToI64(nb, nl,
                      tensor::ExtractOp::create(nb, nl, positions, indices));
    } else {
      pos = arith::AddIOp::create(nb, nl, ctx.offset,
                                  castToI64(nb, nl, token));
    }
    const bool fromFreqs = static_cast<bool>(op.getFreqs());
    SinCos sc = cosSinAt(nb, nl, ctx, pos, i, fromFreqs ? args[0] : Value());
    Value cosV = sc.cos, sinV = sc.sin;
    linalg::YieldOp::create(nb, nl, ValueRange{cosV, sinV});
  };
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{cosRows.getType(), sinRows.getType()}, inputs,
      ValueRange{cosRows, sinRows}, maps, iterators, body);
  generic->setAttr(kStageAttr, b.getStringAttr("table"));
  return {generic.getResult(0), generic.getResult(1)};
}

/// The largest power of two, at most 64, that divides the byte size of
/// every row segment the kernel writes (rows, halves, the pass-through
/// part): with outputs aligned to it, every segment starts on such a
/// boundary and vector stores of that size can be aligned streaming stores
/// (see rope-nontemporal-stores). 0 below 16 bytes.
int64_t rowSegmentAlignment(RotateOp op, int64_t rotaryDim) {
  // Half pairing writes the two halves separately, interleaved pairing the
  // whole rotated part.
  int64_t segment =
      op.getPairing() == Pairing::Half ? rotaryDim / 2 : rotaryDim;
  int64_t alignment = 64;
  for (Value x : op.getInputs()) {
    auto type = cast<RankedTensorType>(x.getType());
    int64_t bytes = type.getElementTypeBitWidth() / 8;
    int64_t d = type.getShape().back();
    for (int64_t size : {d * bytes, segment * bytes, (d - rotaryDim) * bytes})
      while (size % alignment)
        alignment /= 2;
  }
  return alignment >= 16 ? alignment : 0;
}

/// Lowers the op as an scf.forall over token tiles (and batch rows): each
/// tile computes its tokens' cos/sin once into a small table, then rotates
/// every input's slice reading that table, so all heads of all inputs share
/// one sin/cos evaluation per token and frequency.
SmallVector<Value> lowerTiled(OpBuilder &b, Location loc,
                              const RotationContext &ctx, int64_t tile,
                              int64_t minTiles) {
  RotateOp op = ctx.op;
  SmallVector<int64_t> tokenDims = op.getTokenDims();
  const bool batched = tokenDims.size() == 2;
  const int64_t half = ctx.rotaryDim / 2;
  Value x0 = op.getInputs().front();
  Value seqLen = tensor::DimOp::create(b, loc, x0, tokenDims.back());

  SmallVector<OpFoldResult> lbs, ubs, steps;
  Value batches;
  if (batched) {
    batches = tensor::DimOp::create(b, loc, x0, 0);
    lbs.push_back(b.getIndexAttr(0));
    ubs.push_back(batches);
    steps.push_back(b.getIndexAttr(1));
  }
  // Tokens per tile: `tile`, or fewer for short sequences so that there are
  // at least `minTiles` tiles in all (e.g. a 16-token decode batch on two
  // threads): clamp(ceil(T / ceil(minTiles / B)), 1, tile).
  OpFoldResult step = b.getIndexAttr(tile);
  if (minTiles > 1) {
    auto cst = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value perSequence = cst(minTiles);
    if (batches)
      perSequence = arith::CeilDivUIOp::create(b, loc, perSequence, batches);
    Value tokens = arith::CeilDivUIOp::create(b, loc, seqLen, perSequence);
    step = arith::MaxUIOp::create(
               b, loc, cst(1), arith::MinUIOp::create(b, loc, tokens, cst(tile)))
               .getResult();
  }
  lbs.push_back(b.getIndexAttr(0));
  ubs.push_back(seqLen);
  steps.push_back(step);
  auto forall = scf::ForallOp::create(b, loc, lbs, ubs, steps, op.getInits(),
                                      std::nullopt);
  if (int64_t alignment = rowSegmentAlignment(op, ctx.rotaryDim))
    forall->setAttr(kStoreAlignmentAttr, b.getI64IntegerAttr(alignment));

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(forall.getBody());
  SmallVector<Value> ivs = forall.getInductionVars();
  Value batchIv = batched ? ivs.front() : Value();
  Value t0 = ivs.back();
  AffineExpr d0, d1;
  bindDims(b.getContext(), d0, d1);
  AffineExpr s0 = getAffineSymbolExpr(0, b.getContext());
  OpFoldResult size = affine::makeComposedFoldedAffineMin(
      b, loc, AffineMap::get(2, 1, {s0, d1 - d0}, b.getContext()),
      {t0, seqLen, step});

  // Token-shaped offsets/sizes of this tile, then R/2.
  SmallVector<OpFoldResult> tokOffsets, tokSizes;
  if (batched) {
    tokOffsets.push_back(batchIv);
    tokSizes.push_back(b.getIndexAttr(1));
  }
  tokOffsets.push_back(t0);
  tokSizes.push_back(size);

  RotationContext tileCtx = ctx;
  auto slice = [&](Value v, ArrayRef<OpFoldResult> offsets,
                   ArrayRef<OpFoldResult> sizes) -> Value {
    SmallVector<OpFoldResult> ones(offsets.size(), b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(b, loc, v, offsets, sizes, ones);
  };
  SmallVector<OpFoldResult> tableOffsets(tokOffsets), tableSizes(tokSizes);
  tableOffsets.push_back(b.getIndexAttr(0));
  tableSizes.push_back(b.getIndexAttr(half));
  if (op.hasPerTokenCache()) {
    tileCtx.tableCos = slice(op.getCosCache(), tableOffsets, tableSizes);
    tileCtx.tableSin = slice(op.getSinCache(), tableOffsets, tableSizes);
  } else {
    std::tie(tileCtx.tableCos, tileCtx.tableSin) =
        buildTileTable(b, loc, ctx, batchIv, t0, seqLen, tile, size);
  }

  SmallVector<Value> rotated;
  SmallVector<SmallVector<OpFoldResult>> allOffsets, allSizes;
  for (auto [x, out] : llvm::zip(op.getInputs(), forall.getRegionIterArgs())) {
    auto type = cast<RankedTensorType>(x.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
    for (auto [k, d] : llvm::enumerate(tokenDims)) {
      offsets[d] = tokOffsets[k];
      sizes[d] = tokSizes[k];
    }
    Value xs = slice(x, offsets, sizes);
    Value ds = slice(out, offsets, sizes);
    rotated.push_back(lowerInput(b, loc, tileCtx, xs, ds));
    allOffsets.push_back(offsets);
    allSizes.push_back(sizes);
  }

  b.setInsertionPointToStart(forall.getTerminator().getBody());
  for (auto [k, r] : llvm::enumerate(rotated)) {
    SmallVector<OpFoldResult> ones(allOffsets[k].size(), b.getIndexAttr(1));
    tensor::ParallelInsertSliceOp::create(b, loc, r,
                                          forall.getRegionIterArgs()[k],
                                          allOffsets[k], allSizes[k], ones);
  }
  return SmallVector<Value>(forall.getResults());
}

struct RotateOpLowering : OpRewritePattern<RotateOp> {
  RotateOpLowering(MLIRContext *context, int64_t tokenTile, int64_t minTiles)
      : OpRewritePattern(context), tokenTile(tokenTile), minTiles(minTiles) {}

  LogicalResult matchAndRewrite(RotateOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RotationContext ctx{op, op.getEffectiveRotaryDim(), {}, {}, {}, {}};
    buildShapeChecks(rewriter, loc, op);
    if (Value offset = op.getOffset())
      ctx.offset = castToI64(rewriter, loc, offset);

    FrequencyAttrInterface freqs = op.getFreqsAttr();
    const bool gathersCache = op.hasCache() && !op.hasPerTokenCache();
    // Every rotation from frequencies checks its positions' range.
    const bool needsRange = gathersCache || freqs;

    // Smallest and largest position, for the cache bounds check and for the
    // sequence length n = largest position + 1 of run-time scaling types.
    Value minPos, maxPos, empty;
    if (needsRange) {
      if (Value positions = op.getPositions()) {
        std::tie(minPos, maxPos) = buildMinMax(rewriter, loc, positions);
        empty = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                      minPos, maxPos);
      } else {
        Value seq = tensor::DimOp::create(rewriter, loc, op.getInputs().front(),
                                          op.getTokenDims().back());
        empty = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq, seq,
            arith::ConstantIndexOp::create(rewriter, loc, 0));
        Value one = arith::ConstantOp::create(rewriter, loc,
                                              rewriter.getI64IntegerAttr(1));
        minPos = ctx.offset;
        maxPos = arith::SubIOp::create(
            rewriter, loc,
            arith::AddIOp::create(rewriter, loc, ctx.offset,
                                  castToI64(rewriter, loc, seq)),
            one);
      }
    }
    if (gathersCache)
      buildCacheBoundsCheck(rewriter, loc, op, minPos, maxPos);
    if (freqs) {
      buildPositionRangeCheck(rewriter, loc, minPos, maxPos, empty);
      Value seqLen;
      if (needsSequenceLength(freqs))
        seqLen = arith::AddIOp::create(
            rewriter, loc, maxPos,
            arith::ConstantOp::create(rewriter, loc,
                                      rewriter.getI64IntegerAttr(1)));
      ctx.freqs = buildFrequencyTensors(rewriter, loc, freqs, ctx.rotaryDim,
                                        seqLen);
    }

    if (tokenTile > 0) {
      rewriter.replaceOp(op,
                         lowerTiled(rewriter, loc, ctx, tokenTile, minTiles));
      return success();
    }
    if (op.hasPerTokenCache()) {
      ctx.tableCos = op.getCosCache();
      ctx.tableSin = op.getSinCache();
    }
    SmallVector<Value> results;
    for (auto [x, init] : llvm::zip(op.getInputs(), op.getInits()))
      results.push_back(lowerInput(rewriter, loc, ctx, x, init));
    rewriter.replaceOp(op, results);
    return success();
  }

private:
  int64_t tokenTile;
  int64_t minTiles;
};

struct ConvertRopeToLinalgPass
    : rope::impl::ConvertRopeToLinalgPassBase<ConvertRopeToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRopeToLinalgConversionPatterns(patterns, tokenTile, minTiles);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    WalkResult left = getOperation()->walk([](RotateOp op) {
      op.emitOpError("could not be lowered to linalg");
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void mlir::rope::populateRopeToLinalgConversionPatterns(
    RewritePatternSet &patterns, int64_t tokenTile, int64_t minTiles) {
  patterns.add<RotateOpLowering>(patterns.getContext(), tokenTile, minTiles);
}
