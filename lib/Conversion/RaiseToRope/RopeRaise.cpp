//===- RopeRaise.cpp - rope-raise: written-out RoPE to rope ops ----------===//
//
// Recognizes y = x * cos + rotate_half(x) * sin (and its expanded, inverse
// and partial forms) written in linalg and tensor ops and replaces it with
// rope.apply; cos and sin gathered from a cache or computed from positions
// and frequencies become rope.gather or rope.cos_sin (Tables.h). Every
// condition that makes the two programs compute the same values is
// checked; a candidate that fails one is left alone, with a remark naming
// it.
//
//===----------------------------------------------------------------------===//

#include "Matchers.h"
#include "Tables.h"

#include "rope/Conversion/Passes.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPERAISEPASS
#include "rope/Conversion/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;
using namespace mlir::rope::raise;

namespace {
struct RopeRaisePass : rope::impl::RopeRaisePassBase<RopeRaisePass> {
  using Base::Base;

  void runOnOperation() override {
    foldElementwiseBodies();
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
    // Expanded forms (joined by a concat or a stack of pairs), then
    // partial rotary: cat(rope(x[..., :R]), x[..., R:]) is one rope.apply of
    // x with rotary_dim = R.
    SmallVector<Operation *> joins;
    getOperation()->walk([&](Operation *op) {
      if (isa<tensor::ConcatOp, tensor::CollapseShapeOp, tensor::InsertSliceOp>(
              op))
        joins.push_back(op);
    });
    for (Operation *c : joins) {
      Miss miss;
      bool candidate = false;
      if (Operation *done = raiseExpanded(c, candidate, miss))
        raised.push_back(done);
      else if (auto concat = dyn_cast<tensor::ConcatOp>(c);
               concat && (done = raisePartial(concat)))
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

  /// Folds the arith ops in linalg bodies: frontends' elementwise ops
  /// before canonicalization compute more than their one op (torch-mlir's
  /// add and sub scale their second operand by alpha = sitofp(1)). Only
  /// folds run (no patterns): values are replaced by equal ones.
  void foldElementwiseBodies() {
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa_and_nonnull<arith::ArithDialect>(op->getDialect()) &&
          isa_and_nonnull<linalg::LinalgOp>(op->getParentOp()))
        ops.push_back(op);
    });
    if (ops.empty())
      return;
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::AnyOp);
    (void)applyOpPatternsGreedily(ops, FrozenRewritePatternSet(), config);
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
    for (size_t i = 0; i < applies.size(); ++i) {
      ApplyOp first = applies[i];
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
        // One op needs one token shape. Dynamic sizes agree through the
        // shared tables (each op reads them per token); static ones must
        // be equal (one token of 4 and 2 heads read as bshd would not).
        auto firstType = cast<RankedTensorType>(first.getInputs()[0].getType());
        auto otherType = cast<RankedTensorType>(other.getInputs()[0].getType());
        bool sameTokens = llvm::all_of(getTokenDims(first.getLayout()),
                                       [&](int64_t d) {
          return firstType.isDynamicDim(d) || otherType.isDynamicDim(d) ||
                 firstType.getDimSize(d) == otherType.getDimSize(d);
        });
        if (!sameTokens)
          continue;
        // Its inputs must be available at the first op; its inits (the
        // tensor.empty this pass made, and their sizes) move there.
        bool available = llvm::all_of(other.getInputs(), [&](Value v) {
          return dom.properlyDominates(v, first);
        });
        IRRewriter rewriter(first);
        if (!available || failed(moveValueDefinitions(
                              rewriter, other.getInits(), first, dom)))
          continue;
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
  /// x, or the same over the elements of adjacent pairs joined by
  /// stack(.., -1).flatten(-2) (Meta's complex multiply in real arithmetic):
  /// rope.apply on half-width tables when c1, s1 are c2, s2, else on
  /// full-width ones (cat(c1, c2), cat(s1, s2)).
  Operation *raiseExpanded(Operation *root, bool &candidate, Miss &miss) {
    Value joined = root->getResult(0);
    auto type = cast<RankedTensorType>(joined.getType());
    Value stacked = matchPairJoin(joined);
    const Pairing pairing = stacked ? Pairing::Interleaved : Pairing::Half;
    Value parts[2];
    if (stacked) {
      Miss ignored;
      if (failed(matchHalves(stacked, parts[0], parts[1], ignored)))
        return nullptr;
      parts[0] = stripUnsqueeze(parts[0]);
      parts[1] = stripUnsqueeze(parts[1]);
      if (Operation *done =
              raiseComplex(root, parts[0], parts[1], candidate, miss))
        return done;
      if (candidate)
        return nullptr;
    } else if (auto concat = dyn_cast<tensor::ConcatOp>(root)) {
      if (concat.getInputs().size() != 2 ||
          concat.getDim() != static_cast<uint64_t>(type.getRank() - 1))
        return nullptr;
      parts[0] = concat.getInputs()[0];
      parts[1] = concat.getInputs()[1];
    } else {
      // Two insert_slices of the halves (older torch-mlir's aten.cat).
      Miss ignored;
      if (!isa<tensor::InsertSliceOp>(root) ||
          failed(matchHalves(joined, parts[0], parts[1], ignored)))
        return nullptr;
    }
    std::optional<Elementwise> first = matchElementwise(parts[0]);
    std::optional<Elementwise> second = matchElementwise(parts[1]);
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
    // x1 and x2 among the first half's products (a sum's in either order):
    // every reading is tried, since a table can be a window of the same
    // shape as a half (sincos[..., :D/2]).
    Value x1, x2, x, c1, s1, c2, s2;
    AffineMap c1Map, s1Map, c2Map, s2Map;
    int progress = -1;
    auto attempt = [&](Value p0, Value p1, int lowerOperand) -> bool {
      std::optional<Elementwise> e0 = matchElementwise(p0);
      std::optional<Elementwise> e1 = matchElementwise(p1);
      Miss ignored;
      auto note = [&](int step, const char *reason) {
        if (step > progress) {
          progress = step;
          miss.reason = reason;
        }
        return false;
      };
      x1 = e0->operands[lowerOperand];
      FailureOr<Value> lower =
          matchElementOfPair(x1, 0, pairing, h, ignored);
      if (failed(lower) || !e0->maps[lowerOperand].isIdentity())
        return note(0, "the first product is not of the lower half");
      x = *lower;
      c1 = e0->operands[1 - lowerOperand];
      c1Map = e0->maps[1 - lowerOperand];
      bool upperFound = false;
      for (int k = 0; k < 2 && !upperFound; ++k) {
        FailureOr<Value> upper =
            matchElementOfPair(e1->operands[k], 1, pairing, h, ignored);
        if (succeeded(upper) && *upper == x && e1->maps[k].isIdentity()) {
          x2 = e1->operands[k];
          s1 = e1->operands[1 - k];
          s1Map = e1->maps[1 - k];
          upperFound = true;
        }
      }
      if (!upperFound)
        return note(1, "the subtracted product is not of the upper half of "
                       "the same tensor");
      if (x.getType() != type)
        return note(2, "the result and the rotated tensor differ in type");
      // Second half: x2 * c2 and x1 * s2, either order for the sum; for the
      // inverse's difference x2 * c2 is the minuend.
      for (int k = 0; k < 2; ++k) {
        if (inverse && k == 1)
          break;
        if (matchHalfProduct(second->operands[k], x2, c2, c2Map) &&
            matchHalfProduct(second->operands[1 - k], x1, s2, s2Map))
          return true;
      }
      return note(3, "the second half is not x2 * c + x1 * s");
    };
    bool found = false;
    for (int order = 0; order < 2 && !found; ++order) {
      if (order == 1 && first->kind != "addf")
        break;
      Value p0 = first->operands[order], p1 = first->operands[1 - order];
      for (int k = 0; k < 2 && !found; ++k)
        found = attempt(p0, p1, k);
    }
    if (!found)
      return nullptr;
    // The products are in a half's iteration space: tables of h entries.
    auto halfType = cast<RankedTensorType>(x1.getType());
    for (auto [t, m] : {std::pair{&c1, &c1Map}, std::pair{&s1, &s1Map},
                        std::pair{&c2, &c2Map}, std::pair{&s2, &s2Map}})
      lookThroughMoves(*t, *m);
    OpBuilder b(root);
    Location loc = root->getLoc();
    Value cos, sin;
    Layout l;
    if (c1 == c2 && c1Map == c2Map && s1 == s2 && s1Map == s2Map) {
      FailureOr<PlannedTables> t =
          planFor(c1, c1Map, s1, s1Map, halfType, pairing,
                  /*elementSpace=*/false, miss);
      if (failed(t))
        return nullptr;
      l = t->layout;
      std::tie(cos, sin) = emitTables(b, loc, *t, x);
    } else {
      // Each half its own tables: full-width ones, cat(lower, upper).
      FailureOr<PlannedTables> lo =
          planFor(c1, c1Map, s1, s1Map, halfType, pairing,
                  /*elementSpace=*/false, miss);
      if (failed(lo))
        return nullptr;
      FailureOr<PlannedTables> hi =
          planFor(c2, c2Map, s2, s2Map, halfType, pairing,
                  /*elementSpace=*/false, miss);
      if (failed(hi))
        return nullptr;
      if (lo->layout != hi->layout) {
        miss.reason = "the halves' tables vary with different dimensions";
        return nullptr;
      }
      if (getElementTypeOrSelf(c1.getType()) !=
          getElementTypeOrSelf(c2.getType())) {
        miss.reason = "the tables have different element types";
        return nullptr;
      }
      l = lo->layout;
      SmallVector<int64_t> tokenDims = lo->tokenDims;
      // Half pairing: element i reads lo[i], i + D/2 hi[i]: cat(lo, hi).
      // Interleaved: 2i reads lo[i], 2i + 1 hi[i]: stack and flatten.
      auto full = [&](Value lo, AffineMap loMap, Value hi,
                      AffineMap hiMap) -> Value {
        Value a = buildTokenTable(b, loc, lo, loMap, x, tokenDims, h);
        Value c = buildTokenTable(b, loc, hi, hiMap, x, tokenDims, h);
        const int64_t n = tokenDims.size();
        if (pairing == Pairing::Half)
          return tensor::ConcatOp::create(b, loc, n, ValueRange{a, c});
        auto tableType = cast<RankedTensorType>(a.getType());
        SmallVector<int64_t> shape(tableType.getShape());
        SmallVector<ReassociationIndices> unsqueeze;
        for (int64_t i = 0; i < n; ++i)
          unsqueeze.push_back({i});
        unsqueeze.push_back({n, n + 1});
        SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, a);
        sizes.push_back(b.getIndexAttr(1));
        shape.push_back(1);
        auto columnType = tableType.clone(shape);
        Value a1 = tensor::ExpandShapeOp::create(b, loc, columnType, a,
                                                 unsqueeze, sizes);
        Value c1 = tensor::ExpandShapeOp::create(b, loc, columnType, c,
                                                 unsqueeze, sizes);
        Value pairs =
            tensor::ConcatOp::create(b, loc, n + 1, ValueRange{a1, c1});
        return tensor::CollapseShapeOp::create(b, loc, pairs, unsqueeze);
      };
      cos = full(c1, c1Map, c2, c2Map);
      sin = full(s1, s1Map, s2, s2Map);
    }
    Value init = tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, x), type.getElementType());
    auto apply = ApplyOp::create(b, loc, TypeRange{type}, ValueRange{x},
                                 ValueRange{init}, cos, sin, pairing, l,
                                 IntegerAttr(), inverse);
    made.insert(apply);
    if (remarks)
      apply->emitRemark("rope-raise: raised the expanded form to rope.apply ")
          << stringifyPairing(pairing) << " " << stringifyLayout(l)
          << (inverse ? " inverse" : "");
    joined.replaceAllUsesWith(apply.getResult(0));
    return root;
  }

  /// The complex-dialect form of Meta's rotation:
  /// stack(re(z), im(z)).flatten(-2) with z = complex(x[..., ::2],
  /// x[..., 1::2]) * complex(cos, sin) (view_as_complex, a complex
  /// multiply by freqs_cis, view_as_real).
  Operation *raiseComplex(Operation *root, Value re, Value im,
                          bool &candidate, Miss &miss) {
    auto reOf = matchBody(re, [](Operation *op) {
      return isa<complex::ReOp>(op);
    });
    auto imOf = matchBody(im, [](Operation *op) {
      return isa<complex::ImOp>(op);
    });
    if (!reOf || !imOf || !reOf->maps[0].isIdentity() ||
        !imOf->maps[0].isIdentity())
      return nullptr;
    candidate = true;
    if (reOf->operands[0] != imOf->operands[0]) {
      miss.reason = "the real and imaginary parts are of different tensors";
      return nullptr;
    }
    auto isCreate = [](Operation *op) { return isa<complex::CreateOp>(op); };
    auto product = matchBody(reOf->operands[0], [](Operation *op) {
      return isa<complex::MulOp>(op);
    });
    if (!product) {
      miss.reason = "the complex tensor is not a product";
      return nullptr;
    }
    // One factor is complex(x1, x2) read in place, the other the table.
    for (int k = 0; k < 2; ++k) {
      if (!product->maps[k].isIdentity())
        continue;
      auto xz = matchBody(product->operands[k], isCreate);
      if (!xz || !xz->maps[0].isIdentity() || !xz->maps[1].isIdentity())
        continue;
      auto halfType = cast<RankedTensorType>(xz->operands[0].getType());
      const int64_t h = halfType.getShape().back();
      FailureOr<Value> x1 =
          matchPairElement(xz->operands[0], 0, h, miss);
      if (failed(x1))
        return nullptr;
      FailureOr<Value> x2 =
          matchPairElement(xz->operands[1], 1, h, miss);
      if (failed(x2))
        return nullptr;
      if (*x1 != *x2) {
        miss.reason = "the real and imaginary parts are of different tensors";
        return nullptr;
      }
      Value x = *x1;
      auto type = cast<RankedTensorType>(root->getResult(0).getType());
      if (x.getType() != type) {
        miss.reason = "the result and the rotated tensor differ in type";
        return nullptr;
      }
      // The table complex(cos, sin), seen through moves.
      Value table = product->operands[1 - k];
      AffineMap map = product->maps[1 - k];
      lookThroughMoves(table, map);
      auto cs = matchBody(table, isCreate);
      if (!cs) {
        miss.reason = "the factor is not complex(cos, sin)";
        return nullptr;
      }
      Value cos = cs->operands[0], sin = cs->operands[1];
      AffineMap cosMap = cs->maps[0].compose(map);
      AffineMap sinMap = cs->maps[1].compose(map);
      FailureOr<PlannedTables> t =
          planFor(cos, cosMap, sin, sinMap, halfType, Pairing::Interleaved,
                  /*elementSpace=*/false, miss);
      if (failed(t))
        return nullptr;
      OpBuilder b(root);
      Location loc = root->getLoc();
      auto [cosTable, sinTable] = emitTables(b, loc, *t, x);
      Value init = tensor::EmptyOp::create(
          b, loc, tensor::getMixedSizes(b, loc, x), type.getElementType());
      auto apply = ApplyOp::create(b, loc, TypeRange{type}, ValueRange{x},
                                   ValueRange{init}, cosTable, sinTable,
                                   Pairing::Interleaved, t->layout,
                                   IntegerAttr(), /*inverse=*/false);
      made.insert(apply);
      if (remarks)
        apply->emitRemark("rope-raise: raised the complex multiply to "
                          "rope.apply interleaved ")
            << stringifyLayout(t->layout);
      root->getResult(0).replaceAllUsesWith(apply.getResult(0));
      return root;
    }
    miss.reason = "neither factor is complex(x[..., ::2], x[..., 1::2])";
    return nullptr;
  }

  /// The replacement of a partial-rotary concat, or null.
  Operation *raisePartial(tensor::ConcatOp concat) {
    auto type = cast<RankedTensorType>(concat.getType());
    if (concat.getInputs().size() != 2 ||
        concat.getDim() != static_cast<uint64_t>(type.getRank() - 1))
      return nullptr;
    auto rotated = concat.getInputs()[0].getDefiningOp<ApplyOp>();
    if (!rotated || rotated.getInputs().size() != 1 ||
        rotated.getRotaryDim())
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
        rotated.getCos(), rotated.getSin(), rotated.getPairing(),
        rotated.getLayout(), b.getI64IntegerAttr(r), rotated.getInverse());
    made.insert(apply);
    if (remarks)
      apply->emitRemark("rope-raise: raised to rope.apply with rotary_dim = ")
          << r << " of " << d;
    concat.getResult().replaceAllUsesWith(apply.getResult(0));
    return concat;
  }

  /// cos and sin of a rotation, seen through moves, with the layout their
  /// reads imply and where they come from.
  struct PlannedTables {
    Value cos, sin;
    AffineMap cosMap, sinMap;
    Layout layout;
    SmallVector<int64_t> tokenDims;
    int64_t width;
    TablePlan plan;
  };

  /// Checks the tables of a rotation of a tensor of `xType` (read through
  /// their maps in its iteration space, `width` entries per token) and plans
  /// where they come from.
  static FailureOr<PlannedTables>
  planFor(Value cos, AffineMap cosMap, Value sin, AffineMap sinMap,
          RankedTensorType xType, Pairing pairing, bool elementSpace,
          Miss &miss) {
    // xType: the iteration space the tables are read in, the head vector's
    // elements (`elementSpace`) or one element per pair (expanded forms).
    PlannedTables t;
    lookThroughMoves(cos, cosMap);
    lookThroughMoves(sin, sinMap);
    const int64_t rank = xType.getRank();
    std::optional<Layout> layout;
    TableEntry cosEntry, sinEntry;
    if (failed(checkTableMap(cos, cosMap, rank, layout, miss, "cos", cosEntry,
                             elementSpace)) ||
        failed(checkTableMap(sin, sinMap, rank, layout, miss, "sin", sinEntry,
                             elementSpace)))
      return failure();
    const bool cosPerPair = cosEntry.perPair, sinPerPair = sinEntry.perPair;
    if (cosPerPair != sinPerPair) {
      miss.reason = cosPerPair ? "cos has one entry per pair, sin one per "
                                 "element"
                               : "sin has one entry per pair, cos one per "
                                 "element";
      return failure();
    }
    if (cosPerPair && pairing == Pairing::Half) {
      miss.reason = "the tables repeat each entry for adjacent elements "
                    "(repeat_interleave) but the halves are rotated";
      return failure();
    }
    const int64_t width = xType.getShape().back() / (cosPerPair ? 2 : 1);
    const bool perElement = elementSpace && !cosPerPair;
    auto cosType = cast<RankedTensorType>(cos.getType());
    auto sinType = cast<RankedTensorType>(sin.getType());
    if (cosType.getElementType() != sinType.getElementType()) {
      miss.reason = "cos and sin have different element types";
      return failure();
    }
    for (auto [type, entry] : {std::pair{cosType, cosEntry},
                               std::pair{sinType, sinEntry}})
      if (type.isDynamicDim(type.getRank() - 1) ||
          type.getShape().back() < entry.offset + width) {
        miss.reason = "a table is not as wide as the head vector";
        return failure();
      }
    // Static sizes where a table is read by a dimension of the rotated
    // tensor: a table shorter than the tokens is a near miss (the elementwise
    // ops' verifiers miss it when the sizes reach them through reshapes).
    for (auto [table, map, name] :
         {std::tuple{cos, cosMap, "cos"}, std::tuple{sin, sinMap, "sin"}}) {
      auto type = cast<RankedTensorType>(table.getType());
      for (auto [k, e] : llvm::enumerate(map.getResults())) {
        auto dim = dyn_cast<AffineDimExpr>(e);
        if (!dim)
          continue;
        const int64_t have = type.getDimSize(k);
        const int64_t need = xType.getDimSize(dim.getPosition());
        if (!ShapedType::isDynamic(have) && !ShapedType::isDynamic(need) &&
            have < need) {
          miss.reason = std::string(name) + " has " + std::to_string(have) +
                        " entries in dimension " + std::to_string(k) +
                        " where the rotated tensor has " +
                        std::to_string(need);
          return failure();
        }
      }
    }
    // Tables constant over both candidate dimensions (one token, or one
    // head): either reading computes the same; take the unit one as the
    // sequence, so that q and k with different head counts agree.
    if (!layout && rank == 4)
      layout = xType.getDimSize(2) == 1 && xType.getDimSize(1) != 1
                   ? Layout::BHSD
                   : Layout::BSHD;
    t.layout = layout.value_or(Layout::THD);
    t.tokenDims = getTokenDims(t.layout);
    t.width = width;
    FailureOr<TablePlan> plan =
        planTables(cos, cosMap, cosEntry.offset, sin, sinMap, sinEntry.offset,
                   rank, t.tokenDims, width, perElement,
                   pairing == Pairing::Interleaved, miss);
    if (failed(plan))
      return failure();
    t.cos = cos;
    t.sin = sin;
    t.cosMap = cosMap;
    t.sinMap = sinMap;
    t.plan = std::move(*plan);
    return t;
  }

  /// Tables built for earlier rotations, reused by later ones with the same
  /// sources (q and k) so that they can merge.
  struct BuiltTables {
    Value cos, sin;
    AffineMap cosMap, sinMap;
    Layout layout;
    int64_t width;
    std::pair<Value, Value> result;
  };
  SmallVector<BuiltTables> built;

  std::pair<Value, Value> emitTables(OpBuilder &b, Location loc,
                                     const PlannedTables &t, Value x) {
    const int64_t width = t.width;
    DominanceInfo dom(getOperation());
    Operation *at = &*b.getInsertionPoint();
    for (const BuiltTables &prev : built)
      if (prev.cos == t.cos && prev.sin == t.sin &&
          prev.cosMap == t.cosMap && prev.sinMap == t.sinMap &&
          prev.layout == t.layout && prev.width == width &&
          dom.properlyDominates(prev.result.first, at) &&
          dom.properlyDominates(prev.result.second, at))
        return prev.result;
    std::pair<Value, Value> result =
        buildTables(b, loc, t.plan, t.cos, t.cosMap, t.sin, t.sinMap, x,
                    t.tokenDims, width);
    if (remarks && t.plan.kind != TablePlan::Kind::Tables)
      result.first.getDefiningOp()->emitRemark("rope-raise: cos and sin ")
          << (t.plan.kind == TablePlan::Kind::Gathered
                  ? "gathered by position: rope.gather"
                  : "computed from positions and frequencies: rope.cos_sin");
    built.push_back(
        {t.cos, t.sin, t.cosMap, t.sinMap, t.layout, width, result});
    return result;
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
    // The rotated term: the multiply with a concat operand that is a
    // rotation (a table may be a concat too: cat(cos, cos)).
    int rotTerm = -1, rotOperand = -1;
    bool inverse = false;
    Pairing pairing;
    FailureOr<Value> x = failure();
    // Operands read in place first: the remark of a near miss is about the
    // rotated operand, not about a concat table broadcast over the heads.
    for (int pass = 0; pass < 2; ++pass) {
      for (int t = 0; t < 2 && rotTerm < 0; ++t) {
        for (int k = 0; k < 2 && rotTerm < 0; ++k) {
          const bool inPlace = terms[t]->maps[k].isIdentity();
          if (!isConcatLike(terms[t]->operands[k]) || inPlace != (pass == 0))
            continue;
          Miss mine;
          if (!inPlace)
            mine.reason = "the rotated operand is broadcast";
          else
            x = matchRotation(terms[t]->operands[k], inverse, pairing, mine);
          if (succeeded(x)) {
            rotTerm = t;
            rotOperand = k;
          } else if (!candidate) {
            miss = mine;
          }
          candidate = true;
        }
      }
    }
    if (rotTerm < 0)
      return failure();
    Elementwise &rotMul = *terms[rotTerm];
    Elementwise &xMul = *terms[1 - rotTerm];
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
    FailureOr<PlannedTables> tables =
        planFor(cos, cosMap, sin, sinMap, xType, pairing,
                /*elementSpace=*/true, miss);
    if (failed(tables))
      return failure();
    Layout l = tables->layout;

    Operation *root = y.getDefiningOp();
    OpBuilder b(root);
    Location loc = root->getLoc();
    auto [cosTable, sinTable] = emitTables(b, loc, *tables, *x);
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, *x);
    Value init = tensor::EmptyOp::create(b, loc, sizes, xType.getElementType());
    auto apply = ApplyOp::create(b, loc, TypeRange{xType}, ValueRange{*x},
                                 ValueRange{init}, cosTable, sinTable,
                                 pairing, l, IntegerAttr(), inverse);
    made.insert(apply);
    if (remarks)
      apply->emitRemark("rope-raise: raised to rope.apply ")
          << stringifyPairing(pairing) << " " << stringifyLayout(l)
          << (inverse ? " inverse" : "");
    y.replaceAllUsesWith(apply.getResult(0));
    raised.push_back(root);
    return success();
  }
};
} // namespace
