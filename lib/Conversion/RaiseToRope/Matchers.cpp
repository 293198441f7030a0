//===- Matchers.cpp - rope-raise: matchers of written-out RoPE ------------===//

#include "Matchers.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

using namespace mlir;
using namespace mlir::rope;

namespace mlir::rope::raise {

std::optional<Elementwise> matchElementwise(Value v) {
  auto linalgOp = v.getDefiningOp<linalg::LinalgOp>();
  if (!linalgOp || linalgOp->getNumResults() != 1 ||
      linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumParallelLoops() != linalgOp.getNumLoops() ||
      !linalgOp.hasPureTensorSemantics())
    return std::nullopt;
  OpOperand *init = linalgOp.getDpsInitOperand(0);
  if (!linalgOp.getMatchingIndexingMap(init).isIdentity())
    return std::nullopt;
  Block *body = linalgOp.getBlock();
  if (!body || body->getOperations().size() != 2)
    return std::nullopt;
  Operation &inner = body->front();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != inner.getResult(0))
    return std::nullopt;
  Elementwise e;
  e.op = linalgOp;
  if (isa<arith::AddFOp>(inner))
    e.kind = "addf";
  else if (isa<arith::SubFOp>(inner))
    e.kind = "subf";
  else if (isa<arith::MulFOp>(inner))
    e.kind = "mulf";
  else if (isa<arith::NegFOp>(inner))
    e.kind = "negf";
  else
    return std::nullopt;
  // Each operand of the arith op is the block argument of an input.
  for (Value operand : inner.getOperands()) {
    auto arg = dyn_cast<BlockArgument>(operand);
    if (!arg || arg.getOwner() != body ||
        arg.getArgNumber() >= linalgOp.getNumDpsInputs())
      return std::nullopt;
    OpOperand *input = linalgOp.getDpsInputOperand(arg.getArgNumber());
    e.operands.push_back(input->get());
    e.maps.push_back(linalgOp.getMatchingIndexingMap(input));
  }
  return e;
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
  return LastDimWindow{source, getConstantIntValue(offsets.back()),
                       getConstantIntValue(sizes.back())};
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
  return v.getDefiningOp<tensor::ConcatOp>() ||
         v.getDefiningOp<tensor::InsertSliceOp>();
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
    std::optional<int64_t> at = getConstantIntValue(offsets.back());
    std::optional<int64_t> n = getConstantIntValue(sizes.back());
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
FailureOr<Value> matchRotateHalf(Value v, bool &inverse, Miss &miss) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t d = type.getShape().back();
  Value first, second;
  if (failed(matchHalves(v, first, second, miss)))
    return failure();
  Value firstNeg = matchNegated(first), secondNeg = matchNegated(second);
  if (static_cast<bool>(firstNeg) == static_cast<bool>(secondNeg)) {
    miss.reason = firstNeg ? "both halves are negated"
                           : "neither half is negated";
    return failure();
  }
  inverse = static_cast<bool>(secondNeg);
  // Forward: cat(-x2, x1); inverse: cat(x2, -x1).
  Value upperHalf = inverse ? first : firstNeg;
  Value lowerHalf = inverse ? secondNeg : second;
  const int64_t half = d / 2;
  FailureOr<Value> upper = matchHalf(upperHalf, /*upper=*/true, half, miss);
  if (failed(upper))
    return failure();
  FailureOr<Value> lower = matchHalf(lowerHalf, /*upper=*/false, half, miss);
  if (failed(lower))
    return failure();
  if (*upper != *lower) {
    miss.reason = "the halves are slices of different tensors";
    return failure();
  }
  return *upper;
}

/// A table operand: its map reads the last dimension as the element and
/// otherwise only token dimensions (or constant 0 on size-1 dimensions).
/// Sets the layout from the dimensions it reads.
LogicalResult checkTableMap(Value table, AffineMap map, int64_t rank,
                            std::optional<Layout> &layout, Miss &miss,
                            StringRef name) {
  auto type = cast<RankedTensorType>(table.getType());
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
  if (!isa<AffineDimExpr>(last) ||
      cast<AffineDimExpr>(last).getPosition() != rank - 1 ||
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
