//===- Tables.cpp - rope-raise: where cos and sin come from ---------------===//

#include "Tables.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::rope;

namespace mlir::rope::raise {
namespace {

/// A linalg op on tensors with one input and one init, all loops parallel,
/// the init read through a permutation; its body block if so.
Block *unaryBody(linalg::LinalgOp op) {
  if (!op || op->getNumResults() != 1 || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !op.hasPureTensorSemantics() ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isPermutation())
    return nullptr;
  return op.getBlock();
}

/// The one op before the yield of `body` if it takes the input element and
/// its result is yielded.
Operation *unaryBodyOp(Block *body) {
  if (!body || body->getOperations().size() != 2)
    return nullptr;
  Operation &inner = body->front();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1 || inner.getNumResults() != 1 ||
      yield.getOperand(0) != inner.getResult(0))
    return nullptr;
  return &inner;
}

/// Whether `v` is the input element of `body`.
bool isInputElement(Value v, Block *body) {
  auto arg = dyn_cast<BlockArgument>(v);
  return arg && arg.getOwner() == body && arg.getArgNumber() == 0;
}

/// The map through which op's input is read, seen from the iteration space
/// `map` reads the op's result in.
AffineMap inputReadMap(linalg::LinalgOp op, AffineMap map) {
  AffineMap in = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  return in.compose(inversePermutation(out).compose(map));
}

/// `map` on a tensor of `type` as a map from the token dimensions (and,
/// with `withLast`, the last dimension of the iteration space after them):
/// token dimension tokenDims[j] becomes d_j; any other dimension may only
/// read a dimension of size 1 (at 0).
FailureOr<AffineMap> tokenReadMap(AffineMap map, RankedTensorType type,
                                  ArrayRef<int64_t> tokenDims, bool withLast) {
  MLIRContext *ctx = map.getContext();
  const unsigned rank = map.getNumDims();
  if (map.getNumResults() != static_cast<unsigned>(type.getRank()))
    return failure();
  SmallVector<AffineExpr> exprs;
  for (auto [k, e] : llvm::enumerate(map.getResults())) {
    if (auto c = dyn_cast<AffineConstantExpr>(e)) {
      if (c.getValue() != 0)
        return failure();
      exprs.push_back(e);
      continue;
    }
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d)
      return failure();
    const unsigned p = d.getPosition();
    const auto *it = llvm::find(tokenDims, static_cast<int64_t>(p));
    if (it != tokenDims.end())
      exprs.push_back(getAffineDimExpr(it - tokenDims.begin(), ctx));
    else if (withLast && p == rank - 1)
      exprs.push_back(getAffineDimExpr(tokenDims.size(), ctx));
    else if (type.getDimSize(k) == 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      return failure();
  }
  return AffineMap::get(tokenDims.size() + (withLast ? 1 : 0), 0, exprs, ctx);
}

/// Whether `src` read through `readMap` (over the token dimensions of `x`,
/// then, with `width`, `width` entries) is `src` itself: the identity, or 0
/// where both sizes are 1, and `width` entries.
bool readsInPlace(AffineMap readMap, Value src, Value x,
                  ArrayRef<int64_t> tokenDims, std::optional<int64_t> width) {
  auto srcType = cast<RankedTensorType>(src.getType());
  auto xType = cast<RankedTensorType>(x.getType());
  const unsigned loops = tokenDims.size() + (width ? 1 : 0);
  if (srcType.getRank() != loops || readMap.getNumResults() != loops ||
      readMap.getNumDims() != loops)
    return false;
  for (auto [k, e] : llvm::enumerate(readMap.getResults())) {
    const bool isToken = k < tokenDims.size();
    if (!isToken) {
      if (e != getAffineDimExpr(k, readMap.getContext()) ||
          srcType.getDimSize(k) != *width)
        return false;
      continue;
    }
    const int64_t xDim = tokenDims[k];
    if (e == getAffineConstantExpr(0, readMap.getContext())) {
      if (srcType.getDimSize(k) != 1 || xType.getDimSize(xDim) != 1)
        return false;
      continue;
    }
    // Read by the dimension itself: the sizes are those the elementwise ops
    // that read the table agree on.
    if (e != getAffineDimExpr(k, readMap.getContext()))
      return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Gathered tables: out[..., j] = cache[row(position), j]
//===----------------------------------------------------------------------===//

/// Whether `row` is computed from the position element of `body` (and
/// values from above) by pure ops without regions or loop indices.
bool isRowOfPosition(Value row, Block *body) {
  SmallVector<Value> worklist{row};
  llvm::SmallPtrSet<Operation *, 8> seen;
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() == body && arg.getArgNumber() != 0)
        return false;
      continue;
    }
    Operation *op = v.getDefiningOp();
    if (op->getBlock() != body || !seen.insert(op).second)
      continue;
    if (!isPure(op) || op->getNumRegions() || isa<linalg::IndexOp>(op))
      return false;
    llvm::append_range(worklist, op->getOperands());
  }
  return true;
}

struct GatherMatch {
  linalg::GenericOp op;
  Value cache, positions, row;
  AffineMap posMap;
};

/// A generic that reads, for each point, cache[row, j] with j its last loop
/// and row computed from its one (integer) input.
std::optional<GatherMatch> matchGather(Value t, AffineMap map) {
  auto g = t.getDefiningOp<linalg::GenericOp>();
  Block *body = unaryBody(g);
  if (!body ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto extract = yield.getOperand(0).getDefiningOp<tensor::ExtractOp>();
  if (!extract || extract->getBlock() != body ||
      extract.getIndices().size() != 2)
    return std::nullopt;
  Value cache = extract.getTensor();
  if (g.getRegion().isAncestor(cache.getParentRegion()))
    return std::nullopt;
  const unsigned loops = g.getNumLoops();
  auto col = extract.getIndices()[1].getDefiningOp<linalg::IndexOp>();
  if (!col || col.getDim() != loops - 1)
    return std::nullopt;
  auto cacheType = cast<RankedTensorType>(cache.getType());
  auto type = cast<RankedTensorType>(t.getType());
  if (cacheType.isDynamicDim(1) ||
      cacheType.getDimSize(1) != type.getShape().back() ||
      !isa<Float32Type, Float16Type, BFloat16Type>(
          cacheType.getElementType()))
    return std::nullopt;
  OpOperand *input = g.getDpsInputOperand(0);
  auto posType = dyn_cast<RankedTensorType>(input->get().getType());
  AffineMap inMap = g.getMatchingIndexingMap(input);
  if (!posType || !posType.getElementType().isSignlessInteger() ||
      inMap.isFunctionOfDim(loops - 1))
    return std::nullopt;
  Value row = extract.getIndices()[0];
  if (!isRowOfPosition(row, body))
    return std::nullopt;
  return GatherMatch{g, cache, input->get(), row, inMap.compose(map)};
}

/// Whether two row computations (in two gathers' bodies) are the same
/// function of their position elements; the caches stand for each other
/// (the wrap `p < 0 ? p + dim(cache, 0) : p` reads each gather's own, and
/// rope.gather checks at run time that their sizes agree).
bool sameRow(Value a, Value b, Value cacheA, Value cacheB) {
  if (a == b || (a == cacheA && b == cacheB && a.getType() == b.getType()))
    return true;
  if (a.getType() != b.getType())
    return false;
  auto argA = dyn_cast<BlockArgument>(a), argB = dyn_cast<BlockArgument>(b);
  if (argA || argB)
    return argA && argB && argA.getArgNumber() == 0 &&
           argB.getArgNumber() == 0 &&
           isa<linalg::GenericOp>(argA.getOwner()->getParentOp()) &&
           isa<linalg::GenericOp>(argB.getOwner()->getParentOp());
  Operation *opA = a.getDefiningOp(), *opB = b.getDefiningOp();
  if (opA->getName() != opB->getName() ||
      opA->getAttrDictionary() != opB->getAttrDictionary() ||
      opA->getNumOperands() != opB->getNumOperands() ||
      cast<OpResult>(a).getResultNumber() !=
          cast<OpResult>(b).getResultNumber() ||
      opA->getNumRegions() || opB->getNumRegions())
    return false;
  return llvm::all_of(llvm::zip(opA->getOperands(), opB->getOperands()),
                      [&](auto p) {
                        return sameRow(std::get<0>(p), std::get<1>(p),
                                       cacheA, cacheB);
                      });
}

/// Whether `row` is index_cast(position) of an i32/i64 position.
bool isPlainRow(Value row, Block *body) {
  auto cast = row.getDefiningOp<arith::IndexCastOp>();
  return cast && isInputElement(cast.getIn(), body) &&
         (cast.getIn().getType().isInteger(32) ||
          cast.getIn().getType().isInteger(64));
}

//===----------------------------------------------------------------------===//
// Computed tables: factor * cos(p * f) and factor * sin(p * f)
//===----------------------------------------------------------------------===//

/// A float constant scalar (or splat).
std::optional<double> floatConstant(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    if (isa<FloatType>(splat.getElementType()))
      return splat.getSplatValue<APFloat>().convertToDouble();
  return std::nullopt;
}

struct TrigMatch {
  bool isCos;
  double factor = 1.0;
  Value angles;
  AffineMap anglesMap;
};

/// factor * cos(angles) or factor * sin(angles), through moves and
/// multiplies by constants.
std::optional<TrigMatch> matchTrig(Value t, AffineMap map) {
  double factor = 1.0;
  for (int depth = 0; depth < 8; ++depth) {
    lookThroughMoves(t, map);
    // A multiply by a constant tensor operand.
    if (std::optional<Elementwise> e = matchElementwise(t);
        e && e->kind == "mulf") {
      bool found = false;
      for (int k = 0; k < 2 && !found; ++k)
        if (std::optional<double> c = floatConstant(e->operands[k])) {
          factor *= *c;
          t = e->operands[1 - k];
          map = e->maps[1 - k].compose(map);
          found = true;
        }
      if (found)
        continue;
      return std::nullopt;
    }
    auto op = t.getDefiningOp<linalg::LinalgOp>();
    Block *body = unaryBody(op);
    Operation *inner = unaryBodyOp(body);
    if (!inner)
      return std::nullopt;
    Value in = op.getDpsInputOperand(0)->get();
    // The element times a scalar constant (captured or in the body).
    if (auto mul = dyn_cast<arith::MulFOp>(inner)) {
      std::optional<double> c;
      if (isInputElement(mul.getLhs(), body))
        c = floatConstant(mul.getRhs());
      else if (isInputElement(mul.getRhs(), body))
        c = floatConstant(mul.getLhs());
      if (!c)
        return std::nullopt;
      factor *= *c;
      map = inputReadMap(op, map);
      t = in;
      continue;
    }
    // Conversions of the table (HF's cos.to(x.dtype), autocast's extf):
    // the raised op's tables are the f32 values before rounding.
    if (isa<arith::TruncFOp, arith::ExtFOp>(inner) &&
        isInputElement(inner->getOperand(0), body)) {
      map = inputReadMap(op, map);
      t = in;
      continue;
    }
    if (!isa<math::CosOp, math::SinOp>(inner) ||
        !isInputElement(inner->getOperand(0), body))
      return std::nullopt;
    return TrigMatch{isa<math::CosOp>(inner), factor, in,
                     inputReadMap(op, map)};
  }
  return std::nullopt;
}

/// The values of a dense_resource blob of T, or nothing (also when the
/// blob was elided).
template <typename T>
std::optional<SmallVector<double>> blobValues(Attribute attr) {
  auto blob = dyn_cast<::mlir::detail::DenseResourceElementsAttrBase<T>>(attr);
  if (!blob)
    return std::nullopt;
  std::optional<ArrayRef<T>> data = blob.tryGetAsArrayRef();
  if (!data)
    return std::nullopt;
  return SmallVector<double>(data->begin(), data->end());
}

/// The values of a float constant, or nothing.
std::optional<SmallVector<double>> constantValues(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!isa<FloatType>(dense.getElementType()))
      return std::nullopt;
    SmallVector<double> values;
    for (const APFloat &f : dense.getValues<APFloat>())
      values.push_back(f.convertToDouble());
    return values;
  }
  if (std::optional<SmallVector<double>> values = blobValues<float>(attr))
    return values;
  return blobValues<double>(attr);
}

/// Frequencies: a float constant read at `entry` (the frequency index in
/// the iteration space) in its one dimension of size other than 1.
std::optional<SmallVector<double>> matchFrequencies(Value v, AffineMap map,
                                                    AffineExpr entry) {
  lookThroughMoves(v, map);
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  std::optional<unsigned> freqDim;
  for (int64_t k = 0; k < type.getRank(); ++k)
    if (type.getDimSize(k) != 1) {
      if (freqDim)
        return std::nullopt;
      freqDim = k;
    }
  if (!freqDim || map.getResult(*freqDim) != entry)
    return std::nullopt;
  return constantValues(v);
}

/// Positions as floats: sitofp of an i32/i64 tensor; the tensor and the
/// map it is read through.
std::optional<std::pair<Value, AffineMap>> matchFloatPositions(Value v,
                                                               AffineMap map) {
  lookThroughMoves(v, map);
  auto op = v.getDefiningOp<linalg::LinalgOp>();
  Block *body = unaryBody(op);
  auto cast = dyn_cast_or_null<arith::SIToFPOp>(unaryBodyOp(body));
  if (!cast || !isInputElement(cast.getIn(), body) ||
      !(cast.getIn().getType().isInteger(32) ||
        cast.getIn().getType().isInteger(64)))
    return std::nullopt;
  Value positions = op.getDpsInputOperand(0)->get();
  AffineMap posMap = inputReadMap(op, map);
  lookThroughMoves(positions, posMap);
  return std::pair{positions, posMap};
}

struct OuterMatch {
  Value positions;
  AffineMap posMap;
  SmallVector<double> freqs;
};

/// angles[i] = float(positions[posMap(i)]) * freqs[i_last]: a multiply, or
/// a (batch) matmul over a unit reduction into zeros.
std::optional<OuterMatch> matchOuter(Value t, AffineMap map,
                                     AffineExpr entry) {
  lookThroughMoves(t, map);
  MLIRContext *ctx = map.getContext();
  Value operands[2];
  AffineMap maps[2];
  if (std::optional<Elementwise> e = matchElementwise(t);
      e && e->kind == "mulf") {
    for (int k = 0; k < 2; ++k) {
      operands[k] = e->operands[k];
      maps[k] = e->maps[k].compose(map);
    }
  } else if (auto mm = t.getDefiningOp<linalg::LinalgOp>();
             mm && isa<linalg::MatmulOp, linalg::BatchMatmulOp>(mm)) {
    const bool batched = isa<linalg::BatchMatmulOp>(mm);
    bool userMaps = batched
                        ? cast<linalg::BatchMatmulOp>(mm).hasUserDefinedMaps()
                        : cast<linalg::MatmulOp>(mm).hasUserDefinedMaps();
    auto lhsType =
        cast<RankedTensorType>(mm.getDpsInputOperand(0)->get().getType());
    auto fill =
        mm.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
    if (userMaps || !mm.hasPureTensorSemantics() ||
        lhsType.getShape().back() != 1 || !fill ||
        !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
      return std::nullopt;
    // C[b, i, j] = 0 + A[b, i, 0] * B[b, 0, j] (exact: one product).
    AffineExpr zero = getAffineConstantExpr(0, ctx);
    SmallVector<AffineExpr> d;
    for (unsigned k = 0; k < (batched ? 3u : 2u); ++k)
      d.push_back(getAffineDimExpr(k, ctx));
    SmallVector<AffineExpr> lhs, rhs;
    if (batched) {
      lhs = {d[0], d[1], zero};
      rhs = {d[0], zero, d[2]};
    } else {
      lhs = {d[0], zero};
      rhs = {zero, d[1]};
    }
    for (int k = 0; k < 2; ++k) {
      operands[k] = mm.getDpsInputOperand(k)->get();
      maps[k] = AffineMap::get(d.size(), 0, k ? rhs : lhs, ctx).compose(map);
    }
  } else {
    return std::nullopt;
  }
  for (int k = 0; k < 2; ++k) {
    std::optional<SmallVector<double>> freqs =
        matchFrequencies(operands[k], maps[k], entry);
    if (!freqs)
      continue;
    if (auto positions = matchFloatPositions(operands[1 - k], maps[1 - k]))
      return OuterMatch{positions->first, positions->second,
                        std::move(*freqs)};
  }
  return std::nullopt;
}

std::string formatDouble(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", v);
  return buffer;
}

/// The frequency attribute for `values`: RoFormer's base^(-2i/R) where
/// every value is a float within two ulps of it (HF computes inv_freq in
/// float32 with a pow and a division, each rounded), else the values
/// themselves.
Attribute frequencyAttr(MLIRContext *ctx, ArrayRef<double> values) {
  const double n = values.size();
  auto matchesBase = [&](double base) {
    for (auto [i, v] : llvm::enumerate(values)) {
      const double exact = std::pow(base, -double(i) / n);
      const float want = static_cast<float>(exact);
      const double ulp = double(std::nextafter(want, INFINITY)) - want;
      if (static_cast<double>(static_cast<float>(v)) != v ||
          std::fabs(v - exact) > 2 * ulp)
        return false;
    }
    return true;
  };
  if (values.size() >= 2 && values[0] == 1.0 && values[1] > 0 &&
      values[1] < 1) {
    // f_1 = base^(-1/n): candidates are the estimate rounded to a few
    // significant digits (bases are round numbers).
    const double estimate = std::pow(values[1], -n);
    for (double scale = 1; scale <= 1e6 && scale < estimate; scale *= 10) {
      double base = std::round(estimate / scale) * scale;
      if (base > 1 && matchesBase(base))
        return DefaultFreqsAttr::get(ctx, base, std::nullopt);
    }
  }
  return InvFreqsAttr::get(ctx, values, 1.0);
}

} // namespace

void lookThroughMoves(Value &table, AffineMap &map) {
  MLIRContext *ctx = map.getContext();
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  while (true) {
    if (auto cast = table.getDefiningOp<tensor::CastOp>()) {
      auto src = dyn_cast<RankedTensorType>(cast.getSource().getType());
      if (!src || src.getRank() != map.getNumResults())
        return;
      table = cast.getSource();
      continue;
    }
    // A window of the last dimension at a static offset (the slice covers
    // every other dimension, so that sizes stay those the elementwise ops
    // agree on).
    if (auto slice = table.getDefiningOp<tensor::ExtractSliceOp>()) {
      Miss ignored;
      FailureOr<LastDimWindow> w = matchLastDimWindow(table, ignored);
      if (failed(w) || !w->offset)
        return;
      SmallVector<AffineExpr> exprs(map.getResults());
      exprs.back() = exprs.back() + *w->offset;
      table = w->source;
      map = simplifyAffineMap(
          AffineMap::get(map.getNumDims(), 0, exprs, ctx));
      continue;
    }
    // Reshapes: an index of a group's dimensions is its row-major
    // linearization (sizes after the first non-unit one static).
    if (auto expand = table.getDefiningOp<tensor::ExpandShapeOp>()) {
      ArrayRef<int64_t> shape = expand.getResultType().getShape();
      SmallVector<AffineExpr> exprs;
      for (const ReassociationIndices &group :
           expand.getReassociationIndices()) {
        std::optional<AffineExpr> linear;
        for (int64_t j : group) {
          if (shape[j] == 1)
            continue;
          if (linear && ShapedType::isDynamic(shape[j]))
            return;
          linear = linear ? *linear * shape[j] + map.getResult(j)
                          : map.getResult(j);
        }
        exprs.push_back(linear.value_or(zero));
      }
      table = expand.getSrc();
      map = simplifyAffineMap(
          AffineMap::get(map.getNumDims(), 0, exprs, ctx));
      continue;
    }
    if (auto collapse = table.getDefiningOp<tensor::CollapseShapeOp>()) {
      ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
      SmallVector<AffineExpr> exprs(shape.size(), zero);
      for (auto [g, group] :
           llvm::enumerate(collapse.getReassociationIndices())) {
        SmallVector<int64_t> nonUnit;
        for (int64_t j : group)
          if (shape[j] != 1)
            nonUnit.push_back(j);
        int64_t stride = 1;
        for (int64_t m = nonUnit.size() - 1; m >= 0; --m) {
          const int64_t j = nonUnit[m];
          AffineExpr e = map.getResult(g).floorDiv(stride);
          if (m == 0) {
            exprs[j] = e;
            break;
          }
          if (ShapedType::isDynamic(shape[j]))
            return;
          exprs[j] = e % shape[j];
          stride *= shape[j];
        }
      }
      table = collapse.getSrc();
      map = simplifyAffineMap(
          AffineMap::get(map.getNumDims(), 0, exprs, ctx));
      continue;
    }
    auto op = table.getDefiningOp<linalg::LinalgOp>();
    Block *body = unaryBody(op);
    if (body && body->getOperations().size() == 1 &&
        isInputElement(body->getTerminator()->getOperand(0), body)) {
      map = inputReadMap(op, map);
      table = op.getDpsInputOperand(0)->get();
      continue;
    }
    return;
  }
}

FailureOr<TablePlan> planTables(Value cos, AffineMap cosMap,
                                int64_t cosOffset, Value sin, AffineMap sinMap,
                                int64_t sinOffset, int64_t rank,
                                ArrayRef<int64_t> tokenDims, int64_t width,
                                bool perElement, bool interleaved,
                                Miss &miss) {
  // Per-element tables of a half rotation may be cat(f, f) of R/2 angles;
  // of an interleaved one, repeat_interleave(f, 2) (read at entry / 2).
  const bool fullWidth = perElement && !interleaved;
  const bool repeated = perElement && interleaved;
  TablePlan plan;
  // How the tables' last dimension is read (element, or element floordiv 2
  // for one entry per pair), without a window offset.
  AffineExpr entry = cosMap.getResults().back();
  auto positionsUsable = [&](Value positions, AffineMap posMap) {
    auto type = cast<RankedTensorType>(positions.getType());
    return (type.getElementType().isInteger(32) ||
            type.getElementType().isInteger(64)) &&
           succeeded(tokenReadMap(posMap, type, tokenDims, false));
  };

  std::optional<TrigMatch> tc = matchTrig(cos, cosMap);
  std::optional<TrigMatch> ts = matchTrig(sin, sinMap);
  if (tc && ts && cosOffset == 0 && sinOffset == 0) {
    if (!tc->isCos || ts->isCos) {
      miss.reason = !tc->isCos && ts->isCos
                        ? "cos and sin are swapped (the cos operand is a sine)"
                    : tc->isCos ? "the sin operand is a cosine"
                                : "the cos operand is a sine";
      return failure();
    }
    if (tc->angles != ts->angles || tc->anglesMap != ts->anglesMap) {
      miss.reason = "cos and sin are of different angles";
      return failure();
    }
    if (tc->factor != ts->factor) {
      miss.reason = "cos is scaled by " + formatDouble(tc->factor) +
                    " and sin by " + formatDouble(ts->factor);
      return failure();
    }
    // cat(f, f): the two halves of a full-width table are equal.
    Value angles = tc->angles;
    AffineMap map = tc->anglesMap;
    lookThroughMoves(angles, map);
    int64_t entries = width;
    auto concat = angles.getDefiningOp<tensor::ConcatOp>();
    if (fullWidth && concat && concat.getInputs().size() == 2 &&
        concat.getInputs()[0] == concat.getInputs()[1] &&
        static_cast<int64_t>(concat.getDim()) + 1 == concat.getType().getRank() &&
        map.getResult(concat.getDim()) == entry) {
      angles = concat.getInputs()[0];
      entries = width / 2;
    }
    AffineExpr freqEntry = entry;
    if (repeated) {
      freqEntry = entry.floorDiv(2);
      entries = width / 2;
    }
    if (std::optional<OuterMatch> outer = matchOuter(angles, map, freqEntry)) {
      SmallVector<double> freqs = outer->freqs;
      // Full-width frequencies f with f[k] == f[k + R/2].
      if (fullWidth && entries == width &&
          static_cast<int64_t>(freqs.size()) == width &&
          llvm::equal(ArrayRef(freqs).take_front(width / 2),
                      ArrayRef(freqs).drop_front(width / 2))) {
        freqs.resize(width / 2);
        entries = width / 2;
      }
      if (entries == (perElement ? width / 2 : width) &&
          static_cast<int64_t>(freqs.size()) == entries &&
          positionsUsable(outer->positions, outer->posMap)) {
        plan.kind = TablePlan::Kind::Computed;
        plan.positions = outer->positions;
        plan.posMap = outer->posMap;
        plan.invFreq = std::move(freqs);
        plan.factor = tc->factor;
        return plan;
      }
    }
    return plan;
  }

  std::optional<GatherMatch> gc = matchGather(cos, cosMap);
  std::optional<GatherMatch> gs = matchGather(sin, sinMap);
  if (gc && gs) {
    if (gc->positions != gs->positions || gc->posMap != gs->posMap) {
      miss.reason = "cos and sin are gathered at different positions";
      return failure();
    }
    if (!sameRow(gc->row, gs->row, gc->cache, gs->cache)) {
      miss.reason = "cos and sin are gathered from different rows (the "
                    "row index arithmetic differs)";
      return failure();
    }
    // Constant positions outside a static cache: the source reads out of
    // bounds (tables shorter than the positions used).
    DenseIntElementsAttr constant;
    auto cacheType = cast<RankedTensorType>(gc->cache.getType());
    if (isPlainRow(gc->row, gc->op.getBody()) &&
        matchPattern(gc->positions, m_Constant(&constant)) &&
        !cacheType.isDynamicDim(0)) {
      const int64_t rows = cacheType.getDimSize(0);
      for (const APInt &p : constant.getValues<APInt>())
        if (p.getSExtValue() < 0 || p.getSExtValue() >= rows) {
          miss.reason = "position " + std::to_string(p.getSExtValue()) +
                        " used with a cache of " + std::to_string(rows) +
                        " rows";
          return failure();
        }
    }
    if (gc->cache.getType() != gs->cache.getType() ||
        !positionsUsable(gc->positions, gc->posMap))
      return plan;
    plan.kind = TablePlan::Kind::Gathered;
    plan.positions = gc->positions;
    plan.posMap = gc->posMap;
    plan.cosCache = gc->cache;
    plan.sinCache = gs->cache;
    plan.cosOffset = cosOffset;
    plan.sinOffset = sinOffset;
    plan.gather = gc->op;
    plan.row = gc->row;
  }
  return plan;
}

/// Positions with the token shape of `x`: `plan.positions` read through
/// `plan.posMap`, with the row arithmetic of a gather applied.
static Value buildPositions(OpBuilder &b, Location loc, const TablePlan &plan,
                            Value x, ArrayRef<int64_t> tokenDims) {
  auto type = cast<RankedTensorType>(plan.positions.getType());
  AffineMap readMap = *tokenReadMap(plan.posMap, type, tokenDims, false);
  linalg::GenericOp gather = plan.gather;
  Block *gatherBody = gather ? gather.getBody() : nullptr;
  const bool plain = !plan.row || isPlainRow(plan.row, gatherBody);
  if (plain && readsInPlace(readMap, plan.positions, x, tokenDims, std::nullopt))
    return plan.positions;
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : tokenDims)
    sizes.push_back(tensor::getMixedSize(b, loc, x, d));
  Type elt = plain ? type.getElementType() : b.getI64Type();
  Value init = tensor::EmptyOp::create(b, loc, sizes, elt);
  SmallVector<AffineMap> maps{readMap,
                              b.getMultiDimIdentityMap(tokenDims.size())};
  SmallVector<utils::IteratorType> iterators(tokenDims.size(),
                                             utils::IteratorType::parallel);
  auto copy = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{plan.positions},
      ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        if (plain) {
          linalg::YieldOp::create(nb, nl, args[0]);
          return;
        }
        // The gather's row arithmetic, in its order, on this element.
        llvm::SetVector<Operation *> needed;
        SmallVector<Value> worklist{plan.row};
        while (!worklist.empty()) {
          Value v = worklist.pop_back_val();
          Operation *op = v.getDefiningOp();
          if (!op || op->getBlock() != gatherBody || !needed.insert(op))
            continue;
          llvm::append_range(worklist, op->getOperands());
        }
        IRMapping mapping;
        mapping.map(gatherBody->getArgument(0), args[0]);
        for (Operation &op : gatherBody->without_terminator())
          if (needed.contains(&op))
            nb.clone(op, mapping);
        Value row = mapping.lookupOrDefault(plan.row);
        Value i64 = arith::IndexCastOp::create(nb, nl, nb.getI64Type(), row);
        linalg::YieldOp::create(nb, nl, i64);
      });
  return copy.getResult(0);
}

std::pair<Value, Value> buildTables(OpBuilder &b, Location loc,
                                    const TablePlan &plan, Value cos,
                                    AffineMap cosMap, Value sin,
                                    AffineMap sinMap, Value x,
                                    ArrayRef<int64_t> tokenDims,
                                    int64_t width) {
  if (plan.kind == TablePlan::Kind::Tables)
    return {buildTokenTable(b, loc, cos, cosMap, x, tokenDims, width),
            buildTokenTable(b, loc, sin, sinMap, x, tokenDims, width)};
  Value positions = buildPositions(b, loc, plan, x, tokenDims);
  auto empty = [&](Type elt, int64_t w) -> Value {
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : tokenDims)
      sizes.push_back(tensor::getMixedSize(b, loc, x, d));
    sizes.push_back(b.getIndexAttr(w));
    return tensor::EmptyOp::create(b, loc, sizes, elt);
  };
  if (plan.kind == TablePlan::Kind::Gathered) {
    Type elt = getElementTypeOrSelf(plan.cosCache.getType());
    // The columns read: [offset, offset + width) of each cache.
    auto window = [&](Value cache, int64_t offset) -> Value {
      auto type = cast<RankedTensorType>(cache.getType());
      if (offset == 0 && type.getDimSize(1) == width)
        return cache;
      SmallVector<OpFoldResult> offsets{b.getIndexAttr(0),
                                        b.getIndexAttr(offset)};
      SmallVector<OpFoldResult> sizes{tensor::getMixedSize(b, loc, cache, 0),
                                      b.getIndexAttr(width)};
      SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
      return tensor::ExtractSliceOp::create(b, loc, cache, offsets, sizes,
                                            strides);
    };
    auto gather = GatherOp::create(b, loc, positions,
                                   window(plan.cosCache, plan.cosOffset),
                                   window(plan.sinCache, plan.sinOffset),
                                   empty(elt, width),
                                   empty(elt, width), DenseI64ArrayAttr(),
                                   /*mrope_interleaved=*/false);
    return {gather.getCos(), gather.getSin()};
  }
  const int64_t n = plan.invFreq.size();
  auto freqType = RankedTensorType::get({n}, b.getF64Type());
  auto freqs = cast<FrequencyAttrInterface>(
      frequencyAttr(b.getContext(), plan.invFreq));
  Value invFreq = InvFreqOp::create(b, loc, freqType, freqs, Value());
  Type f32 = b.getF32Type();
  auto cosSin = CosSinOp::create(
      b, loc, positions, invFreq, empty(f32, n), empty(f32, n),
      DenseI64ArrayAttr(),
      plan.factor == 1.0 ? FloatAttr() : b.getF64FloatAttr(plan.factor),
      /*mrope_interleaved=*/false);
  return {cosSin.getCos(), cosSin.getSin()};
}

/// A [token shape..., D] table from `table` read through `map` (a
/// broadcast of the rotated tensor's iteration space).
Value buildTokenTable(OpBuilder &b, Location loc, Value table, AffineMap map,
                      Value x, ArrayRef<int64_t> tokenDims, int64_t width) {
  auto xType = cast<RankedTensorType>(x.getType());
  const int64_t rank = xType.getRank();
  // A window of the last dimension (entry + offset, or the first `width`
  // entries of a wider table): slice it first (linalg infers loop ranges
  // from plain dimensions, and sizes must agree).
  {
    auto type = cast<RankedTensorType>(table.getType());
    const int64_t last = type.getRank() - 1;
    AffineExpr entry = map.getResults().back();
    int64_t offset = 0;
    if (auto sum = dyn_cast<AffineBinaryOpExpr>(entry);
        sum && sum.getKind() == AffineExprKind::Add &&
        isa<AffineConstantExpr>(sum.getRHS())) {
      offset = cast<AffineConstantExpr>(sum.getRHS()).getValue();
      entry = sum.getLHS();
    }
    if (offset != 0 || type.getDimSize(last) != width) {
      SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
      offsets[last] = b.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, table);
      sizes[last] = b.getIndexAttr(width);
      SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
      table = tensor::ExtractSliceOp::create(b, loc, table, offsets, sizes,
                                             strides);
      map = map.dropResult(last).insertResult(entry, last);
    }
  }
  auto tableType = cast<RankedTensorType>(table.getType());
  // Loop j of the new table is x's dimension tokenDims[j] (the last, D).
  SmallVector<AffineExpr> replacement(rank, b.getAffineConstantExpr(0));
  for (auto [j, d] : llvm::enumerate(tokenDims))
    replacement[d] = b.getAffineDimExpr(j);
  // A table with one entry per pair is read at (element floordiv 2): entry
  // j is element 2j's.
  const bool perPair =
      map.getResults().back() == b.getAffineDimExpr(rank - 1).floorDiv(2);
  replacement[rank - 1] = b.getAffineDimExpr(tokenDims.size()) *
                          (perPair ? 2 : 1);
  const unsigned loops = tokenDims.size() + 1;
  AffineMap readMap = simplifyAffineMap(
      map.replaceDimsAndSymbols(replacement, {}, loops, 0));
  // Already a [token shape..., D] table read in place.
  if (readsInPlace(readMap, table, x, tokenDims, width))
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
} // namespace mlir::rope::raise
