//===- RopeToLinalg.cpp - Lower the rope ops to linalg --------------------===//
//
// One pattern per op, each a linalg.generic in destination-passing style:
//   rope.positions -> offset + linalg.index
//   rope.inv_freq  -> a constant, or the run-time frequencies
//   rope.cos_sin   -> the table, cos/sin of p * f (SinCos.h) per element
//   rope.gather    -> tensor.extract of the rows
//   rope.apply     -> per input, a generic over a view of its rotated part
//                     with a dimension of size 2 for the pair element:
//       half:        x[..., R] -> x[..., 2, R/2]   (i pairs with i + R/2)
//       interleaved: x[..., R] -> x[..., R/2, 2]   (2i pairs with 2i + 1)
//     reading both pair elements through two projections and writing
//       y[j = 0] = x0 * c - x1 * s,   y[j = 1] = x1 * c + x0 * s.
// rope.rotate is first decomposed into these (its definition). Writing one
// destination view (not two halves) keeps one-shot bufferization in place.
// Run-time checks are rope-insert-runtime-checks', run before.
//
//===----------------------------------------------------------------------===//

#include "rope/Conversion/Passes.h"

#include "rope/Dialect/Rope/Utils/FrequencyTensors.h"
#include "rope/Dialect/Rope/Utils/LoweringHelpers.h"
#include "rope/Dialect/Rope/Utils/RuntimeChecks.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Transforms.h"
#include "rope/Utils/SinCos.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_CONVERTROPETOLINALGPASS
#include "rope/Conversion/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {

/// Values shared by the rotation of every input of one rope.apply.
struct RotationContext {
  ApplyOp op;
  int64_t rotaryDim;
  // The tables restricted to the rotated part: token shape + [R/2] or [R].
  Value cos, sin;
  bool fullWidth;
  // The rotation's f32 values are finite or come from bf16 data (see
  // LoweringAttr::getBf16Operands).
  bool bf16Operands;
};

Value toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

/// Whether `table` is computed by rope.cos_sin (finite f32 values), seen
/// through slices and after its own lowering.
bool isComputedTable(Value table) {
  while (auto slice = table.getDefiningOp<tensor::ExtractSliceOp>())
    table = slice.getSource();
  Operation *def = table.getDefiningOp();
  if (!def)
    return false;
  if (isa<CosSinOp>(def))
    return true;
  return LoweringAttr::hasRole(def, Role::Table);
}

/// Emits one linalg.generic rotating `x` (already restricted to its rotated
/// part) into `dest`; returns the rotated tensor with the shape of `x`.
Value buildRotation(OpBuilder &b, Location loc, const RotationContext &ctx,
                    Value x, Value dest) {
  ApplyOp op = ctx.op;
  auto type = cast<RankedTensorType>(x.getType());
  const int64_t rank = type.getRank();
  const int64_t half = ctx.rotaryDim / 2;
  const bool isHalf = op.getPairing() == Pairing::Half;
  const int64_t numLoops = rank + 1;
  const int64_t pairDim = isHalf ? rank - 1 : rank;
  const int64_t freqDim = isHalf ? rank : rank - 1;
  SmallVector<int64_t> tokenDims = getTokenDims(op.getLayout());

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
  // Tables: [tokens..., R/2] read at (tokens, freq), or full width viewed
  // like x ([tokens..., 2, R/2] or [tokens..., R/2, 2]) read at (tokens,
  // both last dims).
  SmallVector<int64_t> tableDims(tokenDims);
  Value cos = ctx.cos, sin = ctx.sin;
  if (ctx.fullWidth) {
    auto tableType = cast<RankedTensorType>(cos.getType());
    const int64_t tableRank = tableType.getRank();
    SmallVector<int64_t> shape(tableType.getShape().drop_back());
    shape.append(isHalf ? SmallVector<int64_t>{2, half}
                        : SmallVector<int64_t>{half, 2});
    SmallVector<ReassociationIndices> tableReassoc;
    for (int64_t d = 0; d < tableRank - 1; ++d)
      tableReassoc.push_back({d});
    tableReassoc.push_back({tableRank - 1, tableRank});
    auto viewOf = [&](Value t) -> Value {
      return tensor::ExpandShapeOp::create(
          b, loc, tableType.clone(shape), t, tableReassoc);
    };
    cos = viewOf(cos);
    sin = viewOf(sin);
    tableDims.append({rank - 1, rank});
  } else {
    tableDims.push_back(freqDim);
  }
  inputs.append({cos, sin});
  maps.append(2, projection(tableDims));
  maps.push_back(b.getMultiDimIdentityMap(numLoops));
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  const bool bf16Operands = type.getElementType().isBF16() && ctx.bf16Operands;

  auto body = [&](OpBuilder &nb, Location nl, ValueRange args) {
    Value cosV = toF32(nb, nl, args[2]);
    Value sinV = toF32(nb, nl, args[3]);
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
    Value y = buildPairElementRotation(nb, nl, a, bv, cosV, sinV);
    if (y.getType() != type.getElementType()) {
      auto trunc = arith::TruncFOp::create(nb, nl, type.getElementType(), y);
      if (bf16Operands)
        LoweringAttr::set(trunc,
                          LoweringAttr::get(nb.getContext()).withBF16Operands());
      y = trunc;
    }
    linalg::YieldOp::create(nb, nl, y);
  };

  auto generic = linalg::GenericOp::create(b, loc, TypeRange{viewType}, inputs,
                                           ValueRange{destView}, maps,
                                           iterators, body);
  LoweringAttr::set(generic,
                    LoweringAttr::get(b.getContext()).withRole(Role::Rotate));
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
  auto copy = linalg::CopyOp::create(b, loc, xPass, destPass);
  LoweringAttr::set(copy, LoweringAttr::get(b.getContext()).withRole(Role::Copy));
  Value copied = copy.getResult(0);
  Value dest = tensor::InsertSliceOp::create(b, loc, copied, init,
                                             passOffsets, passSizes, ones);

  Value xRot = tensor::ExtractSliceOp::create(b, loc, x, zeros, rotSizes, ones);
  Value destRot =
      tensor::ExtractSliceOp::create(b, loc, dest, zeros, rotSizes, ones);
  Value rotated = buildRotation(b, loc, ctx, xRot, destRot);
  return tensor::InsertSliceOp::create(b, loc, rotated, dest, zeros, rotSizes,
                                       ones);
}


/// A generic over the destinations of a table op (token shape + [W]): the
/// positions read at the token, `extra` inputs at their own maps; `body`
/// gets (position as i64, frequency index, the extra block arguments).
linalg::GenericOp buildTableGeneric(
    PatternRewriter &b, Operation *op, Value positions,
    std::optional<ArrayRef<int64_t>> mropeSection, bool mropeInterleaved,
    ValueRange extra,
    ArrayRef<AffineMap> extraMaps, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, Value,
                                    ValueRange)>
        body) {
  Location loc = op->getLoc();
  auto type = cast<RankedTensorType>(inits.front().getType());
  const int64_t numLoops = type.getRank(), freqDim = numLoops - 1;
  MLIRContext *mctx = b.getContext();
  SmallVector<AffineExpr> tokens;
  for (int64_t d = 0; d < freqDim; ++d)
    tokens.push_back(getAffineDimExpr(d, mctx));
  SmallVector<Value> inputs(extra);
  SmallVector<AffineMap> maps(extraMaps);
  // mrope: each axis's component as a token-shaped slice (the vectorizer
  // takes no constant indices in maps).
  SmallVector<Value> components{positions};
  if (mropeSection) {
    auto posType = cast<RankedTensorType>(positions.getType());
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, positions);
    sizes.front() = b.getIndexAttr(1);
    SmallVector<OpFoldResult> ones(posType.getRank(), b.getIndexAttr(1));
    auto componentType = RankedTensorType::get(posType.getShape().drop_front(),
                                               posType.getElementType());
    components.clear();
    for (int64_t k = 0, n = mropeSection->size(); k < n; ++k) {
      SmallVector<OpFoldResult> offsets(posType.getRank(), b.getIndexAttr(0));
      offsets.front() = b.getIndexAttr(k);
      components.push_back(tensor::ExtractSliceOp::create(
          b, loc, componentType, positions, offsets, sizes, ones));
    }
  }
  // Positions `offset + s` are computed in place, not read from a buffer.
  auto implicit = positions.getDefiningOp<PositionsOp>();
  if (implicit)
    components.clear();
  for (Value c : components) {
    inputs.push_back(c);
    maps.push_back(AffineMap::get(numLoops, 0, tokens, mctx));
  }
  maps.append(inits.size(), b.getMultiDimIdentityMap(numLoops));
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  const int64_t numExtra = extra.size();
  const int64_t numPositions = components.size();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange(inits), inputs, inits, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value i = linalg::IndexOp::create(nb, nl, freqDim);
        ValueRange pos = args.slice(numExtra, numPositions);
        Value p;
        if (implicit)
          p = arith::AddIOp::create(
              nb, nl, castToI64(nb, nl, implicit.getOffset()),
              castToI64(nb, nl, linalg::IndexOp::create(nb, nl, freqDim - 1)));
        else
          p = mropeSection
                  ? selectMRopeSection(nb, nl, i, *mropeSection,
                                       mropeInterleaved, pos)
                  : pos.front();
        linalg::YieldOp::create(
            nb, nl,
            body(nb, nl, castToI64(nb, nl, p), i, args.take_front(numExtra)));
      });
  LoweringAttr::set(generic,
                    LoweringAttr::get(b.getContext()).withRole(Role::Table));
  return generic;
}

/// Whether a tensor has a static dimension of size 0: its op has nothing
/// to write (and slices of it at the offsets the lowering uses would be
/// out of bounds).
bool isEmpty(Value tensor) {
  auto type = dyn_cast<RankedTensorType>(tensor.getType());
  return type && llvm::is_contained(type.getShape(), 0);
}

/// {cos, sin} where `valid`, else NaN: a position the host could not check
/// (a device buffer) poisons its row instead of reading out of bounds or
/// computing outside the error bound.
SmallVector<Value> poisonUnless(OpBuilder &b, Location loc, Value valid,
                                ValueRange cosSin) {
  SmallVector<Value> result;
  for (Value v : cosSin) {
    auto type = cast<FloatType>(v.getType());
    Value nan = arith::ConstantOp::create(
        b, loc, b.getFloatAttr(type, std::numeric_limits<double>::quiet_NaN()));
    result.push_back(arith::SelectOp::create(b, loc, valid, v, nan));
  }
  return result;
}

/// cos/sin of p * f per (token, frequency), scaled by the attention factor.
struct CosSinOpLowering : OpRewritePattern<CosSinOp> {
  CosSinOpLowering(MLIRContext *ctx, bool poison, QuadrantRounding rounding)
      : OpRewritePattern(ctx), poison(poison), rounding(rounding) {}
  bool poison;
  QuadrantRounding rounding;
  LogicalResult matchAndRewrite(CosSinOp op,
                                PatternRewriter &rewriter) const override {
    if (isEmpty(op.getCosInit())) {
      rewriter.replaceOp(op, {op.getCosInit(), op.getSinInit()});
      return success();
    }
    MLIRContext *mctx = rewriter.getContext();
    const int64_t numLoops = op.getCosInit().getType().getRank();
    AffineMap freqMap =
        AffineMap::get(numLoops, 0, getAffineDimExpr(numLoops - 1, mctx));
    const double a = op.getAttentionFactorOrOne();
    linalg::GenericOp generic = buildTableGeneric(
        rewriter, op, op.getPositions(), op.getMropeSection(),
        op.getMropeInterleaved(), op.getInvFreq(), freqMap, {op.getCosInit(), op.getSinInit()},
        [&](OpBuilder &b, Location loc, Value pos, Value,
            ValueRange args) -> SmallVector<Value> {
          Value p = arith::SIToFPOp::create(b, loc, b.getF64Type(), pos);
          SinCos sc = scaleByAttentionFactor(
              b, loc, buildAccurateSinCosOfProduct(b, loc, p, args[0], rounding),
              a);
          if (poison)
            return poisonUnless(b, loc, buildPositionInRange(b, loc, pos),
                                {sc.cos, sc.sin});
          return {sc.cos, sc.sin};
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// Rows of the tables by position (clamped into the table: the run-time
/// check reports positions outside it, and without it reads stay in bounds).
struct GatherOpLowering : OpRewritePattern<GatherOp> {
  GatherOpLowering(MLIRContext *ctx, bool poison)
      : OpRewritePattern(ctx), poison(poison) {}
  bool poison;
  LogicalResult matchAndRewrite(GatherOp op,
                                PatternRewriter &rewriter) const override {
    if (isEmpty(op.getCosInit())) {
      rewriter.replaceOp(op, {op.getCosInit(), op.getSinInit()});
      return success();
    }
    Location loc = op.getLoc();
    Value rows = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getI64Type(),
        tensor::DimOp::create(rewriter, loc, op.getCosTable(), 0));
    Value cosTable = op.getCosTable(), sinTable = op.getSinTable();
    linalg::GenericOp generic = buildTableGeneric(
        rewriter, op, op.getPositions(), op.getMropeSection(),
        op.getMropeInterleaved(), {}, {},
        {op.getCosInit(), op.getSinInit()},
        [&](OpBuilder &b, Location l, Value pos, Value i,
            ValueRange) -> SmallVector<Value> {
          Value row = buildClampedRow(b, l, pos, rows);
          SmallVector<Value> cosSin = {
              tensor::ExtractOp::create(b, l, cosTable, ValueRange{row, i}),
              tensor::ExtractOp::create(b, l, sinTable, ValueRange{row, i})};
          if (!poison)
            return cosSin;
          Value zero = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(0));
          Value valid = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, pos, zero),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, pos, rows));
          return poisonUnless(b, l, valid, cosSin);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// offset + s at every (batch?, s).
struct PositionsOpLowering : OpRewritePattern<PositionsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PositionsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    const int64_t rank = op.getType().getRank();
    Value offset = castToI64(rewriter, loc, op.getOffset());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{op.getType()}, ValueRange{},
        ValueRange{op.getInit()}, rewriter.getMultiDimIdentityMap(rank),
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          Value s = castToI64(b, l, linalg::IndexOp::create(b, l, rank - 1));
          linalg::YieldOp::create(b, l,
                                  arith::AddIOp::create(b, l, offset, s).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// A constant, or for run-time types the frequencies of n = max(p) + 1.
struct InvFreqOpLowering : OpRewritePattern<InvFreqOp> {
  InvFreqOpLowering(MLIRContext *ctx, bool maxAsReduction)
      : OpRewritePattern(ctx), maxAsReduction(maxAsReduction) {}
  bool maxAsReduction;

  /// max(positions) as a linalg reduction into a tensor<1xi64> (a unit
  /// parallel dimension: a loop of one block on GPUs), read back. Positions
  /// of several dimensions (a batch, M-RoPE's sections) are reduced as one
  /// collapsed dimension: one reduction dimension is what a GPU block
  /// splits over its threads.
  static Value reducedMax(PatternRewriter &rewriter, Location loc,
                          Value positions) {
    auto type = cast<RankedTensorType>(positions.getType());
    if (type.getRank() > 1) {
      ReassociationIndices all =
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      positions = tensor::CollapseShapeOp::create(
          rewriter, loc, positions, ArrayRef<ReassociationIndices>{all});
      type = cast<RankedTensorType>(positions.getType());
    }
    Type i64 = rewriter.getI64Type();
    Value lowest = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getI64IntegerAttr(std::numeric_limits<int64_t>::min()));
    Value init = linalg::FillOp::create(
                     rewriter, loc, lowest,
                     ValueRange{tensor::EmptyOp::create(
                         rewriter, loc, ArrayRef<int64_t>{1}, i64)})
                     .getResult(0);
    const int64_t rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> dims;
    for (int64_t d = 1; d <= rank; ++d)
      dims.push_back(getAffineDimExpr(d, ctx));
    SmallVector<utils::IteratorType> iterators(rank + 1,
                                               utils::IteratorType::reduction);
    iterators.front() = utils::IteratorType::parallel;
    auto reduce = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{positions},
        ValueRange{init},
        {AffineMap::get(rank + 1, 0, dims, ctx),
         AffineMap::get(rank + 1, 0, getAffineDimExpr(0, ctx))},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              arith::MaxSIOp::create(b, l, castToI64(b, l, args[0]), args[1])
                  .getResult());
        });
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    return tensor::ExtractOp::create(rewriter, loc, reduce.getResult(0),
                                     ValueRange{zero});
  }

  LogicalResult matchAndRewrite(InvFreqOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value seqLen;
    if (Value positions = op.getPositions()) {
      // (Closed form for offset + s: no positions buffer to scan.)
      Value maxPos = maxAsReduction && !positions.getDefiningOp<PositionsOp>()
                         ? reducedMax(rewriter, loc, positions)
                         : buildPositionRange(rewriter, loc, positions).max;
      seqLen = arith::AddIOp::create(
          rewriter, loc, maxPos,
          arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(1)));
    }
    FrequencyTensors freqs = buildFrequencyTensors(
        rewriter, loc, op.getFreqs(), op.getRotaryDim(), seqLen);
    if (freqs.freqs.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "unexpected frequency type");
    rewriter.replaceOp(op, freqs.freqs);
    return success();
  }
};

/// Every input rotated into its destination by the tables.
struct ApplyOpLowering : OpRewritePattern<ApplyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ApplyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto isBF16 = [](Value v) {
      return getElementTypeOrSelf(v.getType()).isBF16();
    };
    Value cos = op.getCos(), sin = op.getSin();
    RotationContext ctx{
        op, op.getEffectiveRotaryDim(), cos, sin, op.hasFullWidthTables(),
        (isComputedTable(cos) && isComputedTable(sin)) ||
            (isBF16(cos) && isBF16(sin))};
    SmallVector<Value> results;
    for (auto [x, init] : llvm::zip(op.getInputs(), op.getInits()))
      results.push_back(isEmpty(init) ? init
                                      : lowerInput(rewriter, loc, ctx, x, init));
    rewriter.replaceOp(op, results);
    return success();
  }
};
struct ConvertRopeToLinalgPass
    : rope::impl::ConvertRopeToLinalgPassBase<ConvertRopeToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRopeToLinalgConversionPatterns(
        patterns, poisonInvalidPositions,
        magicNumberRounding ? QuadrantRounding::MagicNumber
                            : QuadrantRounding::RoundEven,
        positionMaxAsReduction);
    // Every rope op goes (an op left is an error naming it); the rest stays.
    ConversionTarget target(getContext());
    target.addIllegalDialect<RopeDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    // Lowered producers whose values the consumers recomputed (positions
    // `offset + s` inside a table's body) are dead now.
    IRRewriter rewriter(&getContext());
    (void)runRegionDCE(rewriter, getOperation()->getRegions());
  }
};

} // namespace

void mlir::rope::populateRopeToLinalgConversionPatterns(
    RewritePatternSet &patterns, bool poisonInvalidPositions,
    QuadrantRounding rounding, bool positionMaxAsReduction) {
  populateDecomposeRotatePatterns(patterns);
  patterns.add<ApplyOpLowering, PositionsOpLowering>(patterns.getContext());
  patterns.add<InvFreqOpLowering>(patterns.getContext(),
                                  positionMaxAsReduction);
  patterns.add<CosSinOpLowering>(patterns.getContext(), poisonInvalidPositions,
                                 rounding);
  patterns.add<GatherOpLowering>(patterns.getContext(), poisonInvalidPositions);
}
