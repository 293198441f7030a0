//===- RaiseRotateHalf.cpp - rope-raise: HF rotate_half to rope.apply -----===//
//
// Recognizes y = x * cos + rotate_half(x) * sin written in linalg and tensor
// ops and replaces it with rope.apply on full-width tables. Every condition
// that makes the two programs compute the same values is checked; a
// candidate that fails one is left alone, with a remark naming it.
//
//===----------------------------------------------------------------------===//

#include "rope/Conversion/Passes.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPERAISEPASS
#include "rope/Conversion/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
/// An elementwise linalg op (generic or named) whose body is one arith op
/// on its inputs: the operands with their indexing maps.
struct Elementwise {
  Operation *op = nullptr;
  StringRef kind; // "addf", "subf", "mulf", "negf"
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
};

/// Why a candidate was not raised.
struct Miss {
  std::string reason;
};

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

/// Whether dimension `d` of `a` and `b` have the same size.
bool sameDim(Value a, int64_t da, Value b, int64_t db) {
  FailureOr<bool> eq = ValueBoundsConstraintSet::areEqual({a, da}, {b, db});
  return succeeded(eq) && *eq;
}

/// Whether `size` equals dimension `d` of `v`.
bool sizeIsDim(OpFoldResult size, Value v, int64_t d) {
  FailureOr<bool> eq = ValueBoundsConstraintSet::areEqual(size, {v, d});
  return succeeded(eq) && *eq;
}

/// A window of the last dimension: an extract_slice over the whole source
/// but the last dimension (unit strides, same rank); the window's offset
/// and size there, when static. Fails with the reason.
struct LastDimWindow {
  Value source;
  std::optional<int64_t> offset, size;
};
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

/// A [token shape..., D] table from `table` read through `map` (a
/// broadcast of the rotated tensor's iteration space).
Value buildTokenTable(OpBuilder &b, Location loc, Value table, AffineMap map,
                      Value x, ArrayRef<int64_t> tokenDims, int64_t width) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto tableType = cast<RankedTensorType>(table.getType());
  const int64_t rank = xType.getRank();
  // Loop j of the new table is x's dimension tokenDims[j] (the last, D).
  SmallVector<AffineExpr> replacement(rank, b.getAffineConstantExpr(0));
  for (auto [j, d] : llvm::enumerate(tokenDims))
    replacement[d] = b.getAffineDimExpr(j);
  replacement[rank - 1] = b.getAffineDimExpr(tokenDims.size());
  const unsigned loops = tokenDims.size() + 1;
  AffineMap readMap = map.replaceDimsAndSymbols(replacement, {}, loops, 0);
  // Already a [token shape..., D] table read in place.
  if (readMap.isIdentity() && tableType.getRank() == loops)
    return table;
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : tokenDims)
    sizes.push_back(tensor::getMixedSize(b, loc, x, d));
  sizes.push_back(b.getIndexAttr(width));
  Value init = tensor::EmptyOp::create(b, loc, sizes,
                                       tableType.getElementType());
  SmallVector<AffineMap> maps{readMap, b.getMultiDimIdentityMap(loops)};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  auto copy = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{table}, ValueRange{init},
      maps, iterators, [](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, args[0]);
      });
  return copy.getResult(0);
}

struct RopeRaisePass : rope::impl::RopeRaisePassBase<RopeRaisePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op->getNumResults() == 1)
        candidates.push_back(op);
    });
    // Nothing is erased while matching: a raised chain's ops may be
    // candidates' operands too.
    for (Operation *op : candidates) {
      Miss miss;
      bool candidate = false;
      if (succeeded(raise(op->getResult(0), candidate, miss)))
        continue;
      if (candidate && remarks)
        op->emitRemark("rope-raise: not raised: ") << miss.reason;
    }
    // Partial rotary: cat(rope(x[..., :R]), x[..., R:]) is one rope.apply
    // of x with rotary_dim = R.
    SmallVector<tensor::ConcatOp> concats;
    getOperation()->walk([&](tensor::ConcatOp c) { concats.push_back(c); });
    for (tensor::ConcatOp c : concats) {
      Miss miss;
      bool candidate = false;
      if (Operation *done = raiseExpanded(c, candidate, miss))
        raised.push_back(done);
      else if (Operation *done = raisePartial(c))
        raised.push_back(done);
      else if (candidate && remarks)
        c->emitRemark("rope-raise: not raised: ") << miss.reason;
    }
    eraseDeadChains();
    // q and k rotated by the same tables: one op (the tables are computed
    // or read once per tile for both).
    mergeSharedTables();
    eraseDeadChains();
  }

  /// The raised chains, as far as nothing else uses them.
  void eraseDeadChains() {
    SetVector<Operation *> worklist(raised.begin(), raised.end());
    raised.clear();
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (!isOpTriviallyDead(op))
        continue;
      for (Value operand : op->getOperands())
        if (Operation *producer = operand.getDefiningOp())
          worklist.insert(producer);
      made.erase(op);
      op->erase();
    }
  }

  SmallVector<Operation *> raised;

  /// Merges rope.apply ops of this pass's making that share tables, pairing,
  /// layout, rotary_dim and direction into the first of them, when the
  /// later one's operands are available there.
  void mergeSharedTables() {
    SmallVector<ApplyOp> applies;
    getOperation()->walk([&](ApplyOp op) {
      if (made.contains(op))
        applies.push_back(op);
    });
    DominanceInfo dom(getOperation());
    llvm::SmallPtrSet<Operation *, 8> merged;
    for (auto [i, first] : llvm::enumerate(applies)) {
      if (merged.contains(first))
        continue;
      SmallVector<ApplyOp> group{first};
      for (ApplyOp other : ArrayRef<ApplyOp>(applies).drop_front(i + 1)) {
        if (merged.contains(other) || other->getBlock() != first->getBlock() ||
            other.getCos() != first.getCos() ||
            other.getSin() != first.getSin() ||
            other.getPairing() != first.getPairing() ||
            other.getLayout() != first.getLayout() ||
            other.getRotaryDimAttr() != first.getRotaryDimAttr() ||
            other.getInverse() != first.getInverse())
          continue;
        // Its inputs must be available at the first op; its inits are the
        // tensor.empty this pass made, which can move there.
        bool available = llvm::all_of(other.getInputs(), [&](Value v) {
          return dom.properlyDominates(v, first);
        });
        available &= llvm::all_of(other.getInits(), [&](Value v) {
          return canHoist(v, first, dom);
        });
        if (!available)
          continue;
        for (Value v : other.getInits())
          hoist(v, first, dom);
        group.push_back(other);
      }
      if (group.size() < 2)
        continue;
      SmallVector<Value> inputs, inits;
      SmallVector<Type> types;
      for (ApplyOp op : group) {
        inputs.append(op.getInputs().begin(), op.getInputs().end());
        inits.append(op.getInits().begin(), op.getInits().end());
        types.append(op->result_type_begin(), op->result_type_end());
      }
      OpBuilder b(first);
      auto one = ApplyOp::create(b, first.getLoc(), types, inputs, inits,
                                 first.getCos(), first.getSin(),
                                 first.getPairing(), first.getLayout(),
                                 first.getRotaryDimAttr(), first.getInverse());
      unsigned k = 0;
      for (ApplyOp op : group) {
        for (Value r : op->getResults())
          r.replaceAllUsesWith(one->getResult(k++));
        merged.insert(op);
        raised.push_back(op);
      }
    }
  }

  /// Whether `v` is available at `at`, or made by ops that can move there
  /// (the tensor.empty inits and tensor.dim sizes this pass builds).
  static bool canHoist(Value v, Operation *at, DominanceInfo &dom) {
    if (dom.properlyDominates(v, at))
      return true;
    Operation *def = v.getDefiningOp();
    if (!def || !isa<tensor::EmptyOp, tensor::DimOp, arith::ConstantOp>(def) ||
        def->getBlock() != at->getBlock())
      return false;
    return llvm::all_of(def->getOperands(),
                        [&](Value o) { return canHoist(o, at, dom); });
  }
  static void hoist(Value v, Operation *at, DominanceInfo &dom) {
    if (dom.properlyDominates(v, at))
      return;
    Operation *def = v.getDefiningOp();
    for (Value o : def->getOperands())
      hoist(o, at, dom);
    def->moveBefore(at);
  }

  /// The rope.apply ops this pass made.
  llvm::SmallPtrSet<Operation *, 8> made;

  /// x[..., offset : offset + size] over everything else, unit strides.
  static bool isLastDimSlice(Value v, Value &source, int64_t offset,
                             int64_t size) {
    Miss ignored;
    FailureOr<LastDimWindow> w = matchLastDimWindow(v, ignored);
    if (failed(w))
      return false;
    source = w->source;
    return w->offset == offset && w->size == size;
  }

  /// A product `a * t` of the half `half` of the rotated tensor (identity
  /// map) and a table: the table and its map.
  static bool matchHalfProduct(Value v, Value half, Value &table,
                               AffineMap &map) {
    std::optional<Elementwise> e = matchElementwise(v);
    if (!e || e->kind != "mulf")
      return false;
    for (int k = 0; k < 2; ++k)
      if (e->operands[k] == half && e->maps[k].isIdentity()) {
        table = e->operands[1 - k];
        map = e->maps[1 - k];
        return true;
      }
    return false;
  }

  /// The expanded form cat(x1 * c1 - x2 * s1, x2 * c2 + x1 * s2) (inverse:
  /// cat(x1 * c1 + x2 * s1, x2 * c2 - x1 * s2)), x1 and x2 the halves of
  /// x: rope.apply on half-width tables when c1, s1 are c2, s2, else on
  /// full-width ones (cat(c1, c2), cat(s1, s2)).
  Operation *raiseExpanded(tensor::ConcatOp concat, bool &candidate,
                           Miss &miss) {
    auto type = cast<RankedTensorType>(concat.getType());
    const int64_t rank = type.getRank();
    if (concat.getInputs().size() != 2 ||
        concat.getDim() != static_cast<uint64_t>(rank - 1))
      return nullptr;
    std::optional<Elementwise> first = matchElementwise(concat.getInputs()[0]);
    std::optional<Elementwise> second =
        matchElementwise(concat.getInputs()[1]);
    if (!first || !second ||
        !llvm::is_contained({StringRef("addf"), StringRef("subf")},
                            first->kind) ||
        !llvm::is_contained({StringRef("addf"), StringRef("subf")},
                            second->kind) ||
        !first->maps[0].isIdentity() || !first->maps[1].isIdentity() ||
        !second->maps[0].isIdentity() || !second->maps[1].isIdentity())
      return nullptr;
    auto productOf = [](Value v) {
      std::optional<Elementwise> e = matchElementwise(v);
      return e && e->kind == "mulf";
    };
    if (!productOf(first->operands[0]) || !productOf(first->operands[1]) ||
        !productOf(second->operands[0]) || !productOf(second->operands[1]))
      return nullptr;
    candidate = true;
    bool inverse;
    if (first->kind == "subf" && second->kind == "addf")
      inverse = false;
    else if (first->kind == "addf" && second->kind == "subf")
      inverse = true;
    else {
      miss.reason = "the two halves are not one difference and one sum";
      return nullptr;
    }
    // The halves: the minuend of the difference (or, inverse, the first
    // operand of each product in the first half) is x1 * c1.
    int64_t d = type.getShape().back();
    if (ShapedType::isDynamic(d) || d % 2) {
      miss.reason = "the last dimension is not a static even size";
      return nullptr;
    }
    const int64_t h = d / 2;
    // Find x1 and x2 among the first half's products (a sum's in either
    // order).
    auto lowerHalfOf = [&](Value product, Value &half, Value &source) {
      std::optional<Elementwise> e = matchElementwise(product);
      for (Value operand : e->operands) {
        Miss ignored;
        FailureOr<Value> lower = matchHalf(operand, false, h, ignored);
        if (succeeded(lower)) {
          half = operand;
          source = *lower;
          return true;
        }
      }
      return false;
    };
    Value x1, x2, x;
    if (!lowerHalfOf(first->operands[0], x1, x) && first->kind == "addf" &&
        lowerHalfOf(first->operands[1], x1, x))
      std::swap(first->operands[0], first->operands[1]);
    if (!x1) {
      miss.reason = "the first product is not of the lower half";
      return nullptr;
    }
    std::optional<Elementwise> p1 = matchElementwise(first->operands[1]);
    for (Value operand : p1->operands) {
      Miss ignored;
      FailureOr<Value> upper = matchHalf(operand, true, h, ignored);
      if (succeeded(upper) && *upper == x)
        x2 = operand;
    }
    if (!x2) {
      miss.reason = "the subtracted product is not of the upper half of the "
                    "same tensor";
      return nullptr;
    }
    if (x.getType() != type) {
      miss.reason = "the result and the rotated tensor differ in type";
      return nullptr;
    }
    Value c1, s1, c2, s2;
    AffineMap c1Map, s1Map, c2Map, s2Map;
    if (!matchHalfProduct(first->operands[0], x1, c1, c1Map) ||
        !matchHalfProduct(first->operands[1], x2, s1, s1Map)) {
      miss.reason = "the first half is not x1 * c - x2 * s";
      return nullptr;
    }
    // Second half: x2 * c2 and x1 * s2, either order for the sum; for the
    // inverse's difference x2 * c2 is the minuend.
    bool found = false;
    for (int k = 0; k < 2 && !found; ++k) {
      if (inverse && k == 1)
        break;
      found = matchHalfProduct(second->operands[k], x2, c2, c2Map) &&
              matchHalfProduct(second->operands[1 - k], x1, s2, s2Map);
    }
    if (!found) {
      miss.reason = "the second half is not x2 * c + x1 * s";
      return nullptr;
    }
    std::optional<Layout> layout;
    for (auto [t, m, name] :
         {std::tuple{c1, c1Map, "cos"}, std::tuple{s1, s1Map, "sin"},
          std::tuple{c2, c2Map, "cos"}, std::tuple{s2, s2Map, "sin"}})
      if (failed(checkTableMap(t, m, rank, layout, miss, name)))
        return nullptr;
    Type elt = cast<RankedTensorType>(c1.getType()).getElementType();
    for (Value t : {s1, c2, s2})
      if (cast<RankedTensorType>(t.getType()).getElementType() != elt) {
        miss.reason = "the tables have different element types";
        return nullptr;
      }
    Layout l = layout.value_or(rank == 3 ? Layout::THD : Layout::BSHD);
    SmallVector<int64_t> tokenDims = getTokenDims(l);
    OpBuilder b(concat);
    Location loc = concat.getLoc();
    Value cos, sin;
    if (c1 == c2 && c1Map == c2Map && s1 == s2 && s1Map == s2Map) {
      cos = buildTokenTable(b, loc, c1, c1Map, x, tokenDims, h);
      sin = buildTokenTable(b, loc, s1, s1Map, x, tokenDims, h);
    } else {
      auto full = [&](Value lo, AffineMap loMap, Value hi, AffineMap hiMap) {
        Value a = buildTokenTable(b, loc, lo, loMap, x, tokenDims, h);
        Value c = buildTokenTable(b, loc, hi, hiMap, x, tokenDims, h);
        return tensor::ConcatOp::create(b, loc, tokenDims.size(),
                                        ValueRange{a, c})
            .getResult();
      };
      cos = full(c1, c1Map, c2, c2Map);
      sin = full(s1, s1Map, s2, s2Map);
    }
    Value init = tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, x), type.getElementType());
    auto apply = ApplyOp::create(b, loc, TypeRange{type}, ValueRange{x},
                                 ValueRange{init}, cos, sin, Pairing::Half, l,
                                 IntegerAttr(), inverse);
    made.insert(apply);
    if (remarks)
      apply->emitRemark("rope-raise: raised the expanded form to rope.apply "
                        "half ")
          << stringifyLayout(l) << (inverse ? " inverse" : "");
    concat.getResult().replaceAllUsesWith(apply.getResult(0));
    return concat;
  }

  /// The replacement of a partial-rotary concat, or null.
  Operation *raisePartial(tensor::ConcatOp concat) {
    auto type = cast<RankedTensorType>(concat.getType());
    if (concat.getInputs().size() != 2 ||
        concat.getDim() != static_cast<uint64_t>(type.getRank() - 1))
      return nullptr;
    auto rotated = concat.getInputs()[0].getDefiningOp<ApplyOp>();
    if (!rotated || rotated.getInputs().size() != 1 ||
        rotated.getRotaryDim() || rotated.getPairing() != Pairing::Half)
      return nullptr;
    const int64_t d = type.getShape().back();
    const int64_t r = cast<RankedTensorType>(rotated.getInputs()[0].getType())
                          .getShape()
                          .back();
    Value x, rest;
    if (ShapedType::isDynamic(d) || r >= d ||
        !isLastDimSlice(rotated.getInputs()[0], x, 0, r) ||
        !isLastDimSlice(concat.getInputs()[1], rest, r, d - r) || x != rest ||
        x.getType() != type)
      return nullptr;
    OpBuilder b(concat);
    Location loc = concat.getLoc();
    Value init = tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, x), type.getElementType());
    auto apply = ApplyOp::create(
        b, loc, TypeRange{type}, ValueRange{x}, ValueRange{init},
        rotated.getCos(), rotated.getSin(), Pairing::Half,
        rotated.getLayout(), b.getI64IntegerAttr(r), rotated.getInverse());
    made.insert(apply);
    if (remarks)
      apply->emitRemark("rope-raise: raised to rope.apply with rotary_dim = ")
          << r << " of " << d;
    concat.getResult().replaceAllUsesWith(apply.getResult(0));
    return concat;
  }

  /// y = x * cos + rot(x) * sin, either order of each add and multiply.
  LogicalResult raise(Value y, bool &candidate, Miss &miss) {
    std::optional<Elementwise> add = matchElementwise(y);
    if (!add || add->kind != "addf" || !add->maps[0].isIdentity() ||
        !add->maps[1].isIdentity())
      return failure();
    std::optional<Elementwise> terms[2] = {matchElementwise(add->operands[0]),
                                           matchElementwise(add->operands[1])};
    if (!terms[0] || !terms[1] || terms[0]->kind != "mulf" ||
        terms[1]->kind != "mulf")
      return failure();
    // The rotated term: the multiply with a concat operand.
    int rotTerm = -1, rotOperand = -1;
    for (int t = 0; t < 2 && rotTerm < 0; ++t)
      for (int k = 0; k < 2; ++k)
        if (isConcatLike(terms[t]->operands[k])) {
          rotTerm = t;
          rotOperand = k;
          break;
        }
    if (rotTerm < 0)
      return failure();
    candidate = true;
    Elementwise &rotMul = *terms[rotTerm];
    Elementwise &xMul = *terms[1 - rotTerm];
    if (!rotMul.maps[rotOperand].isIdentity()) {
      miss.reason = "the rotated operand is broadcast";
      return failure();
    }
    bool inverse = false;
    FailureOr<Value> x =
        matchRotateHalf(rotMul.operands[rotOperand], inverse, miss);
    if (failed(x))
      return failure();
    auto xType = cast<RankedTensorType>(x->getType());
    if (xType != y.getType()) {
      miss.reason = "the result and the rotated tensor differ in type";
      return failure();
    }
    // The other multiply: x (identity) times the cos table.
    int xOperand = -1;
    for (int k = 0; k < 2; ++k)
      if (xMul.operands[k] == *x && xMul.maps[k].isIdentity())
        xOperand = k;
    if (xOperand < 0) {
      miss.reason = "the other product is not of the tensor whose halves "
                    "are rotated";
      return failure();
    }
    Value cos = xMul.operands[1 - xOperand];
    AffineMap cosMap = xMul.maps[1 - xOperand];
    Value sin = rotMul.operands[1 - rotOperand];
    AffineMap sinMap = rotMul.maps[1 - rotOperand];
    const int64_t rank = xType.getRank();
    std::optional<Layout> layout;
    if (failed(checkTableMap(cos, cosMap, rank, layout, miss, "cos")) ||
        failed(checkTableMap(sin, sinMap, rank, layout, miss, "sin")))
      return failure();
    auto cosType = cast<RankedTensorType>(cos.getType());
    auto sinType = cast<RankedTensorType>(sin.getType());
    if (cosType.getElementType() != sinType.getElementType()) {
      miss.reason = "cos and sin have different element types";
      return failure();
    }
    // The tables must cover the rotated tensor where they are read (the
    // elementwise ops' verifiers check static sizes; dynamic ones agree by
    // construction of a valid program).
    if (cosType.getShape().back() != xType.getShape().back() ||
        sinType.getShape().back() != xType.getShape().back()) {
      miss.reason = "a table is not as wide as the head vector";
      return failure();
    }
    Layout l = layout.value_or(rank == 3 ? Layout::THD : Layout::BSHD);
    SmallVector<int64_t> tokenDims = getTokenDims(l);

    Operation *root = y.getDefiningOp();
    OpBuilder b(root);
    Location loc = root->getLoc();
    const int64_t d = xType.getShape().back();
    Value cosTable = buildTokenTable(b, loc, cos, cosMap, *x, tokenDims, d);
    Value sinTable = buildTokenTable(b, loc, sin, sinMap, *x, tokenDims, d);
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, *x);
    Value init = tensor::EmptyOp::create(b, loc, sizes, xType.getElementType());
    auto apply = ApplyOp::create(b, loc, TypeRange{xType}, ValueRange{*x},
                                 ValueRange{init}, cosTable, sinTable,
                                 Pairing::Half, l, IntegerAttr(), inverse);
    made.insert(apply);
    if (remarks)
      apply->emitRemark("rope-raise: raised to rope.apply half ")
          << stringifyLayout(l) << (inverse ? " inverse" : "");
    y.replaceAllUsesWith(apply.getResult(0));
    raised.push_back(root);
    return success();
  }
};
} // namespace
