//===- Matchers.cpp - rope-raise: matchers of written-out RoPE ------------===//

#include "Matchers.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::rope;

namespace mlir::rope::raise {

/// A constant offset or size, also where the frontend computes it from
/// static sizes (x.shape[-1] // 2 as tensor.dim and arith.divsi).
static std::optional<int64_t> constantIndex(OpFoldResult ofr) {
  if (std::optional<int64_t> c = getConstantIntValue(ofr))
    return c;
  FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
      presburger::BoundType::EQ, ofr);
  if (succeeded(bound))
    return *bound;
  return std::nullopt;
}

std::optional<Elementwise> matchElementwise(Value v) {
  std::optional<BodyMatch> m = matchBody(v, [](Operation *op) {
    return isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::NegFOp>(
        op);
  });
  if (!m)
    return std::nullopt;
  Elementwise e;
  e.op = v.getDefiningOp();
  e.kind = TypeSwitch<Operation *, StringRef>(m->bodyOp)
               .Case([](arith::AddFOp) { return "addf"; })
               .Case([](arith::SubFOp) { return "subf"; })
               .Case([](arith::MulFOp) { return "mulf"; })
               .Default([](Operation *) { return "negf"; });
  e.operands = std::move(m->operands);
  e.maps = std::move(m->maps);
  return e;
}

std::optional<BodyMatch> matchBody(Value v,
                                   function_ref<bool(Operation *)> isOp) {
  auto linalgOp = v.getDefiningOp<linalg::LinalgOp>();
  if (!linalgOp || linalgOp->getNumResults() != 1 ||
      linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumParallelLoops() != linalgOp.getNumLoops() ||
      !linalgOp.hasPureTensorSemantics() ||
      !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0))
           .isIdentity())
    return std::nullopt;
  Block *body = linalgOp.getBlock();
  if (!body || body->getOperations().size() != 2)
    return std::nullopt;
  Operation &inner = body->front();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1 || inner.getNumResults() != 1 ||
      yield.getOperand(0) != inner.getResult(0) || !isOp(&inner))
    return std::nullopt;
  BodyMatch m{&inner, {}, {}};
  for (Value operand : inner.getOperands()) {
    auto arg = dyn_cast<BlockArgument>(operand);
    if (!arg || arg.getOwner() != body ||
        arg.getArgNumber() >= linalgOp.getNumDpsInputs())
      return std::nullopt;
    OpOperand *input = linalgOp.getDpsInputOperand(arg.getArgNumber());
    m.operands.push_back(input->get());
    m.maps.push_back(linalgOp.getMatchingIndexingMap(input));
  }
  return m;
}

/// Whether `size` equals dimension `d` of `v`.
bool sizeIsDim(OpFoldResult size, Value v, int64_t d) {
  FailureOr<bool> eq = ValueBoundsConstraintSet::areEqual(size, {v, d});
  return succeeded(eq) && *eq;
}

/// A window of the last dimension: an extract_slice over the whole source
/// but the last dimension (unit strides, same rank); the window's offset
/// and size there, when static. Fails with the reason.
FailureOr<LastDimWindow> matchLastDimWindow(Value v, Miss &miss) {
  // torch-mlir casts a slice of computed size to its static type.
  while (auto cast = v.getDefiningOp<tensor::CastOp>())
    v = cast.getSource();
  auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice) {
    miss.reason = "a half is not a tensor.extract_slice";
    return failure();
  }
  Value source = slice.getSource();
  const int64_t rank = slice.getSourceType().getRank();
  if (slice.getType().getRank() != rank || !slice.hasUnitStride()) {
    miss.reason = "a half is a strided or rank-reducing slice";
    return failure();
  }
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
  SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (!isConstantIntValue(offsets[d], 0) || !sizeIsDim(sizes[d], source, d)) {
      miss.reason = "a half does not cover dimension " + std::to_string(d) +
                    " of its source";
      return failure();
    }
  return LastDimWindow{source, constantIndex(offsets.back()),
                       constantIndex(sizes.back())};
}

/// A half of the last dimension of the returned source: the window at
/// `half` (upper) or 0 of `half` elements.
FailureOr<Value> matchHalf(Value v, bool upper, int64_t half, Miss &miss) {
  FailureOr<LastDimWindow> w = matchLastDimWindow(v, miss);
  if (failed(w))
    return failure();
  if (w->offset != (upper ? half : 0) || w->size != half) {
    std::string at = w->offset ? std::to_string(*w->offset) : "?";
    std::string n = w->size ? std::to_string(*w->size) : "?";
    miss.reason = "halves split at " + at + " (" + n + " elements) of " +
                  std::to_string(2 * half) + ", expected " +
                  std::to_string(upper ? half : 0) + " (" +
                  std::to_string(half) + ")";
    return failure();
  }
  return w->source;
}

/// `v` negated: negf, or a multiply by a splat -1 constant.
Value matchNegated(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  if (!e)
    return {};
  if (e->kind == "negf" && e->maps[0].isIdentity())
    return e->operands[0];
  if (e->kind != "mulf")
    return {};
  for (int k = 0; k < 2; ++k) {
    SplatElementsAttr splat;
    if (e->maps[1 - k].isIdentity() &&
        matchPattern(e->operands[k], m_Constant(&splat)) &&
        splat.getElementType().isIntOrFloat() &&
        isa<FloatType>(splat.getElementType()) &&
        splat.getSplatValue<APFloat>().isExactlyValue(-1.0))
      return e->operands[1 - k];
  }
  return {};
}

/// Whether `v` is a concatenation along the last dimension, as
/// tensor.concat or as insert_slice chains (into a tensor.empty, or into
/// anything both slices overwrite).
bool isConcatLike(Value v) {
  if (Value stacked = matchPairJoin(v))
    v = stacked;
  return v.getDefiningOp<tensor::ConcatOp>() ||
         v.getDefiningOp<tensor::InsertSliceOp>();
}

Value matchPairJoin(Value v) {
  auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse)
    return {};
  RankedTensorType src = collapse.getSrcType();
  const int64_t r = src.getRank();
  SmallVector<ReassociationIndices> groups =
      collapse.getReassociationIndices();
  if (r < 2 || src.getShape().back() != 2 ||
      groups.size() != static_cast<size_t>(r - 1) ||
      groups.back() != ReassociationIndices{r - 2, r - 1})
    return {};
  return collapse.getSrc();
}

Value stripUnsqueeze(Value v) {
  auto expand = v.getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand)
    return v;
  const int64_t r = expand.getSrcType().getRank();
  SmallVector<ReassociationIndices> groups = expand.getReassociationIndices();
  if (expand.getResultType().getRank() != r + 1 ||
      expand.getResultType().getShape().back() != 1 || r == 0 ||
      groups.back() != ReassociationIndices{r - 1, r})
    return v;
  return expand.getSrc();
}

FailureOr<Value> matchPairElement(Value v, int64_t which, int64_t half,
                                  Miss &miss) {
  v = stripUnsqueeze(v);
  while (auto cast = v.getDefiningOp<tensor::CastOp>())
    v = cast.getSource();
  // select(view, -1, which) as extract_slice [..., which:which+1] and a
  // collapse of that unit dimension.
  if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>()) {
    RankedTensorType src = collapse.getSrcType();
    const int64_t r = src.getRank();
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    if (r >= 2 && src.getShape().back() == 1 &&
        groups.back() == ReassociationIndices{r - 2, r - 1})
      v = collapse.getSrc();
  }
  auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice) {
    miss.reason = "an element of the pairs is not a tensor.extract_slice";
    return failure();
  }
  Value source = slice.getSource();
  RankedTensorType srcType = slice.getSourceType();
  const int64_t rank = srcType.getRank();
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
  SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
  SmallVector<OpFoldResult> strides = slice.getMixedStrides();
  auto coversLeading = [&](int64_t n) {
    for (int64_t d = 0; d < n; ++d)
      if (!isConstantIntValue(offsets[d], 0) ||
          !isConstantIntValue(strides[d], 1) ||
          !sizeIsDim(sizes[d], source, d))
        return false;
    return true;
  };
  auto describe = [&] {
    return "elements of the pairs sliced at offset " +
           std::to_string(getConstantIntValue(offsets.back()).value_or(-1)) +
           " stride " +
           std::to_string(getConstantIntValue(strides.back()).value_or(-1)) +
           ", expected offset " + std::to_string(which) + " stride 2";
  };
  // x[..., which::2].
  if (slice.getType().getRank() == rank && srcType.getShape().back() ==
                                               2 * half &&
      isConstantIntValue(strides.back(), 2)) {
    if (!coversLeading(rank - 1) ||
        !isConstantIntValue(offsets.back(), which) ||
        !isConstantIntValue(sizes.back(), half)) {
      miss.reason = describe();
      return failure();
    }
    return source;
  }
  // view(x, [..., D/2, 2])[..., which]: the slice of the view, whose last
  // dimension it drops (or keeps as 1, collapsed above).
  auto view = source.getDefiningOp<tensor::ExpandShapeOp>();
  if (!view || srcType.getShape().back() != 2 || rank < 2 ||
      srcType.getShape()[rank - 2] != half) {
    miss.reason = "an element of the pairs is neither a stride-2 slice nor "
                  "an element of a [..., D/2, 2] view";
    return failure();
  }
  SmallVector<ReassociationIndices> groups = view.getReassociationIndices();
  if (groups.size() != static_cast<size_t>(rank - 1) ||
      groups.back() != ReassociationIndices{rank - 2, rank - 1}) {
    miss.reason = "the [..., D/2, 2] view splits more than the last "
                  "dimension";
    return failure();
  }
  const bool dropsLast =
      slice.getType().getRank() == rank - 1 &&
      slice.getDroppedDims().test(rank - 1);
  const bool keepsLast = slice.getType().getRank() == rank;
  if ((!dropsLast && !keepsLast) || !coversLeading(rank - 1) ||
      !isConstantIntValue(strides.back(), 1) ||
      !isConstantIntValue(sizes.back(), 1) ||
      !isConstantIntValue(offsets.back(), which)) {
    miss.reason = "the view is not sliced at element " +
                  std::to_string(which) + " of each pair";
    return failure();
  }
  return view.getSrc();
}

FailureOr<Value> matchElementOfPair(Value v, int64_t which, Pairing pairing,
                                    int64_t half, Miss &miss) {
  if (pairing == Pairing::Half)
    return matchHalf(v, /*upper=*/which == 1, half, miss);
  return matchPairElement(v, which, half, miss);
}

Value matchNegatedPart(Value v) {
  if (Value n = matchNegated(v))
    return n;
  Value inner = stripUnsqueeze(v);
  return inner != v ? matchNegated(inner) : Value();
}

/// The two halves of a concatenation along the last dimension (static even
/// size D): tensor.concat of two, or two insert_slices at 0 and D/2 over
/// the whole tensor but the last dimension, in either order.
LogicalResult matchHalves(Value v, Value &first, Value &second, Miss &miss) {
  auto type = cast<RankedTensorType>(v.getType());
  const int64_t rank = type.getRank();
  int64_t d = type.getShape().back();
  if (ShapedType::isDynamic(d) || d % 2) {
    miss.reason = "the last dimension is not a static even size";
    return failure();
  }
  if (auto concat = v.getDefiningOp<tensor::ConcatOp>()) {
    if (concat.getDim() != static_cast<uint64_t>(rank - 1) ||
        concat.getInputs().size() != 2) {
      miss.reason = "the concat is not of two parts along the last "
                    "dimension";
      return failure();
    }
    first = concat.getInputs()[0];
    second = concat.getInputs()[1];
    auto firstType = cast<RankedTensorType>(first.getType());
    if (firstType.getShape().back() != d / 2) {
      miss.reason = "halves split at " +
                    std::to_string(firstType.getShape().back()) + " and " +
                    std::to_string(d - firstType.getShape().back()) +
                    " of " + std::to_string(d) + ", expected " +
                    std::to_string(d / 2) + " and " + std::to_string(d / 2);
      return failure();
    }
    return success();
  }
  // insert_slice(b, insert_slice(a, dest)): each over the whole tensor but
  // the last dimension, one at 0 and one at D/2, both D/2 wide.
  Value parts[2];
  Value cur = v;
  for (int k = 0; k < 2; ++k) {
    auto insert = cur.getDefiningOp<tensor::InsertSliceOp>();
    if (!insert || !insert.hasUnitStride()) {
      miss.reason = "the rotated operand is not a concat or two "
                    "insert_slices";
      return failure();
    }
    SmallVector<OpFoldResult> offsets = insert.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = insert.getMixedSizes();
    for (int64_t i = 0; i + 1 < rank; ++i)
      if (!isConstantIntValue(offsets[i], 0) ||
          !sizeIsDim(sizes[i], insert.getDest(), i)) {
        miss.reason = "an insert_slice does not cover dimension " +
                      std::to_string(i);
        return failure();
      }
    std::optional<int64_t> at = constantIndex(offsets.back());
    std::optional<int64_t> n = constantIndex(sizes.back());
    if (!at || !n || *n != d / 2 || (*at != 0 && *at != d / 2) ||
        parts[*at ? 1 : 0]) {
      miss.reason = "the insert_slices are not the two halves";
      return failure();
    }
    parts[*at ? 1 : 0] = insert.getSource();
    cur = insert.getDest();
  }
  first = parts[0];
  second = parts[1];
  return success();
}

/// rotate_half(x) (or with `inverse` the rotation by the negated angle):
/// concat(-x2, x1) (inverse: concat(x2, -x1)) along the last dimension.
FailureOr<Value> matchRotation(Value v, bool &inverse, Pairing &pairing,
                               Miss &miss) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t d = type.getShape().back();
  Value first, second;
  Value stacked = matchPairJoin(v);
  pairing = stacked ? Pairing::Interleaved : Pairing::Half;
  if (failed(matchHalves(stacked ? stacked : v, first, second, miss)))
    return failure();
  Value firstNeg = matchNegatedPart(first),
        secondNeg = matchNegatedPart(second);
  const char *parts = stacked ? "elements" : "halves";
  if (static_cast<bool>(firstNeg) == static_cast<bool>(secondNeg)) {
    miss.reason = firstNeg ? std::string("both ") + parts + " are negated"
                  : stacked ? "neither element of the pairs is negated"
                            : "neither half is negated";
    return failure();
  }
  inverse = static_cast<bool>(secondNeg);
  // Forward: (-x2, x1); inverse: (x2, -x1).
  Value upperHalf = inverse ? first : firstNeg;
  Value lowerHalf = inverse ? secondNeg : second;
  const int64_t half = d / 2;
  FailureOr<Value> upper =
      matchElementOfPair(upperHalf, 1, pairing, half, miss);
  if (failed(upper))
    return failure();
  FailureOr<Value> lower =
      matchElementOfPair(lowerHalf, 0, pairing, half, miss);
  if (failed(lower))
    return failure();
  if (*upper != *lower) {
    miss.reason = std::string("the ") + parts +
                  " are slices of different tensors";
    return failure();
  }
  return *upper;
}

/// A table operand: its map reads the last dimension as the element and
/// otherwise only token dimensions (or constant 0 on size-1 dimensions).
/// Sets the layout from the dimensions it reads.
LogicalResult checkTableMap(Value table, AffineMap map, int64_t rank,
                            std::optional<Layout> &layout, Miss &miss,
                            StringRef name, TableEntry &entry,
                            bool allowPerPair) {
  auto type = cast<RankedTensorType>(table.getType());
  MLIRContext *ctx = map.getContext();
  AffineExpr element = getAffineDimExpr(rank - 1, ctx);
  entry = TableEntry();
  if (map.getNumResults()) {
    // A window of the table's last dimension: (entry + offset).
    AffineExpr last = map.getResults().back();
    if (auto sum = dyn_cast<AffineBinaryOpExpr>(last);
        sum && sum.getKind() == AffineExprKind::Add)
      if (auto c = dyn_cast<AffineConstantExpr>(sum.getRHS());
          c && c.getValue() > 0) {
        entry.offset = c.getValue();
        last = sum.getLHS();
      }
    // One entry per pair of adjacent elements: the last dimension read at
    // (element floordiv 2), as repeat_interleave(t, 2) tables are.
    if (allowPerPair && last == element.floorDiv(2)) {
      entry.perPair = true;
      last = element;
    }
    map = map.dropResult(map.getNumResults() - 1)
              .insertResult(last, map.getNumResults() - 1);
  }
  if (map.getNumResults() != static_cast<unsigned>(type.getRank()) ||
      map.getNumDims() != static_cast<unsigned>(rank)) {
    miss.reason = (name + " has an unexpected indexing map").str();
    return failure();
  }
  SmallVector<bool> reads(rank, false);
  for (auto [k, expr] : llvm::enumerate(map.getResults())) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      if (reads[dim.getPosition()]) {
        miss.reason = (name + " reads a dimension twice").str();
        return failure();
      }
      reads[dim.getPosition()] = true;
      continue;
    }
    auto cst = dyn_cast<AffineConstantExpr>(expr);
    if (!cst || cst.getValue() != 0 || type.getDimSize(k) != 1) {
      miss.reason = (name + " has an indexing map that is not a broadcast")
                        .str();
      return failure();
    }
  }
  AffineExpr last = map.getResults().back();
  if (last != element ||
      type.getShape().back() == 1) {
    miss.reason = (name + " does not give each element of the head vector "
                          "its own entry (the last dimension)")
                      .str();
    return failure();
  }
  // thd: [tokens, heads, D]; bshd: heads at 2; bhsd: heads at 1.
  std::optional<Layout> mine;
  if (rank == 3) {
    if (reads[1]) {
      miss.reason = (name + " varies with the heads (dimension 1), not "
                            "only with the tokens")
                        .str();
      return failure();
    }
    mine = Layout::THD;
  } else if (rank == 4) {
    if (reads[1] && reads[2]) {
      miss.reason = (name + " varies with dimensions 1 and 2: one of them "
                            "is the heads")
                        .str();
      return failure();
    }
    if (reads[1])
      mine = Layout::BSHD;
    else if (reads[2])
      mine = Layout::BHSD;
  } else {
    miss.reason = "the rotated tensor has rank " + std::to_string(rank) +
                  ", expected 3 (thd) or 4 (bshd, bhsd)";
    return failure();
  }
  if (mine && layout && *mine != *layout) {
    miss.reason = "cos and sin vary with different dimensions";
    return failure();
  }
  if (mine)
    layout = mine;
  return success();
}

} // namespace mlir::rope::raise
