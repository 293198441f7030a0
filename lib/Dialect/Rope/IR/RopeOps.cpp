//===- RopeOps.cpp - Rope operation verification and interfaces -----------===//

#include "rope/Utils/ShapeString.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rope;

//===----------------------------------------------------------------------===//
// Layout helpers
//===----------------------------------------------------------------------===//

int64_t mlir::rope::getTensorRank(Layout layout) {
  return layout == Layout::THD ? 3 : 4;
}

SmallVector<int64_t> mlir::rope::getTokenDims(Layout layout) {
  switch (layout) {
  case Layout::THD:
    return {0};
  case Layout::BSHD:
    return {0, 1};
  case Layout::BHSD:
    return {0, 2};
  }
  llvm_unreachable("unknown layout");
}

int64_t mlir::rope::getHeadCountDim(Layout layout) {
  return layout == Layout::BHSD ? 1 : getTensorRank(layout) - 2;
}

int64_t RotateOp::getTensorRank() { return rope::getTensorRank(getLayout()); }

SmallVector<int64_t> RotateOp::getTokenDims() {
  return rope::getTokenDims(getLayout());
}

int64_t RotateOp::getHeadCountDim() {
  return rope::getHeadCountDim(getLayout());
}

int64_t RotateOp::getHeadDim() {
  return cast<RankedTensorType>(getInputs().front().getType()).getShape().back();
}

int64_t RotateOp::getEffectiveRotaryDim() {
  if (std::optional<int64_t> r = getRotaryDim())
    return *r;
  return getHeadDim();
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

static bool compatibleDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

static bool compatibleShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  return a.size() == b.size() &&
         llvm::all_of(llvm::zip(a, b), [](auto p) {
           return compatibleDims(std::get<0>(p), std::get<1>(p));
         });
}

/// cos/sin meet their error bound while |p * f| stays far below 2^52, the
/// range where the f64 angle reduction is exact (see SinCos.h).
static LogicalResult verifyFrequencyRange(Operation *op,
                                          FrequencyAttrInterface freqs,
                                          int64_t rotaryDim) {
  constexpr double kMaxInverseFrequency = RotateOp::kMaxInverseFrequency;
  std::optional<SmallVector<double>> values =
      freqs.getStaticInverseFrequencies(rotaryDim);
  if (!values) {
    // Run-time frequencies (dynamic NTK, LongRoPE selection) are base
    // powers scaled down: at most max(1, 1 / base).
    if (auto ntk = dyn_cast<DynamicNTKFreqsAttr>(freqs);
        ntk && 1.0 / ntk.getBase() > kMaxInverseFrequency)
      return op->emitOpError("'base' must be at least ")
             << 1.0 / kMaxInverseFrequency << ", got " << ntk.getBase();
    return success();
  }
  for (auto [i, f] : llvm::enumerate(*values))
    if (!std::isfinite(f) || std::fabs(f) > kMaxInverseFrequency)
      return op->emitOpError("inverse frequency ")
             << i << " is " << f << ", expected a finite value of magnitude "
             << "at most " << kMaxInverseFrequency;
  return success();
}

/// Checks the rotated tensors of a rope.rotate or rope.apply: as many outs
/// as ins with their types, the layout's rank, one static head_dim, one token
/// shape; returns the token shape and head_dim of `ins` #0.
static LogicalResult verifyRotatedTensors(Operation *op, Layout layout,
                                          ValueRange inputs, ValueRange inits,
                                          SmallVectorImpl<int64_t> &tokenShape,
                                          int64_t &headDim) {
  auto emitOpError = [&]() { return op->emitOpError(); };
  if (inputs.empty())
    return emitOpError() << "expects at least one input tensor";
  if (inputs.size() != inits.size())
    return emitOpError() << "expects as many 'outs' as 'ins', got "
                         << inits.size() << " and " << inputs.size();
  const int64_t rank = getTensorRank(layout);
  SmallVector<int64_t> tokenDims = getTokenDims(layout);
  for (auto [idx, input, init] : llvm::enumerate(inputs, inits)) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type != init.getType())
      return emitOpError() << "'outs' #" << idx << " has type "
                           << init.getType() << ", expected the type of 'ins' #"
                           << idx << ": " << type;
    if (type.getRank() != rank)
      return emitOpError() << "'ins' #" << idx << " has rank "
                           << type.getRank() << ", expected " << rank
                           << " for layout '" << stringifyLayout(layout) << "'";
    int64_t d = type.getShape().back();
    if (ShapedType::isDynamic(d))
      return emitOpError() << "'ins' #" << idx << " needs a static head_dim";
    SmallVector<int64_t> tokens = llvm::map_to_vector(
        tokenDims, [&](int64_t dim) { return type.getDimSize(dim); });
    // Frequencies and tables are built at compile time with R/2 entries:
    // an absurd head_dim must fail here, not exhaust memory when folding.
    if (d > RotateOp::kMaxHeadDim)
      return emitOpError() << "'ins' #" << idx << " has head_dim " << d
                           << ", expected at most " << RotateOp::kMaxHeadDim;
    if (idx == 0) {
      headDim = d;
      tokenShape.assign(tokens);
      continue;
    }
    if (d != headDim)
      return emitOpError() << "all inputs must share head_dim, but 'ins' #"
                           << idx << " has " << d << " and 'ins' #0 has "
                           << headDim;
    if (!compatibleShapes(tokens, tokenShape))
      return emitOpError()
             << "all inputs must share the token shape, but 'ins' #" << idx
             << " has " << shapeString(tokens) << " and 'ins' #0 has "
             << shapeString(tokenShape);
  }
  return success();
}

/// Checks rotary_dim R against head_dim.
static LogicalResult verifyRotaryDim(Operation *op, int64_t r,
                                     int64_t headDim) {
  if (r <= 0)
    return op->emitOpError("rotary_dim must be positive, got ") << r;
  if (r % 2 != 0)
    return op->emitOpError("rotary_dim must be even, got ") << r;
  if (r > headDim)
    return op->emitOpError("rotary_dim (")
           << r << ") must not exceed head_dim (" << headDim << ")";
  return success();
}

/// The checks every rotating op (rope.rotate, rope.apply) shares: its
/// rotated tensors, then its rotary_dim R against their head_dim. Sets the
/// token shape the tensors agree on.
template <typename OpT>
static LogicalResult verifyRotation(OpT op,
                                    SmallVectorImpl<int64_t> &tokenShape) {
  int64_t headDim = 0;
  if (failed(verifyRotatedTensors(op, op.getLayout(), op.getInputs(),
                                  op.getInits(), tokenShape, headDim)))
    return failure();
  return verifyRotaryDim(op, op.getEffectiveRotaryDim(), headDim);
}

/// Checks mrope sections: one non-negative entry per position axis,
/// summing to R/2; interleaved, every frequency axis k >= 1 takes (k, k + N,
/// ... below N * s_k) must exist.
static LogicalResult verifyMRopeSection(Operation *op,
                                        ArrayRef<int64_t> sections,
                                        bool interleaved, int64_t r) {
  const int64_t n = sections.size();
  if (n == 0)
    return op->emitOpError("'mrope_section' must have one entry per position "
                           "axis, got none");
  int64_t sum = 0;
  for (int64_t s : sections) {
    if (s < 0 || s > r / 2)
      return op->emitOpError("'mrope_section' entries must be in [0, "
                             "rotary_dim / 2 = ")
             << r / 2 << "], got " << s;
    sum += s; // at most n * r / 2: no overflow
  }
  if (sum != r / 2)
    return op->emitOpError("'mrope_section' must sum to rotary_dim / 2 = ")
           << r / 2 << ", got " << sum;
  if (interleaved)
    for (int64_t k = 1; k < n; ++k)
      if (sections[k] > 0 && k + n * (sections[k] - 1) >= r / 2)
        return op->emitOpError("interleaved 'mrope_section' entry ")
               << k << " (" << sections[k] << ") takes frequencies " << k
               << ", " << k + n << ", ..., " << k + n * (sections[k] - 1)
               << ", but there are " << r / 2;
  return success();
}

/// `mrope_interleaved` is a layout of `mrope_section`.
static LogicalResult verifyInterleavedHasSections(Operation *op,
                                                  bool interleaved,
                                                  bool sections) {
  if (interleaved && !sections)
    return op->emitOpError("'mrope_interleaved' needs 'mrope_section'");
  return success();
}

LogicalResult RotateOp::verify() {
  SmallVector<int64_t> tokenShape;
  if (failed(verifyRotation(*this, tokenShape)))
    return failure();
  const int64_t r = getEffectiveRotaryDim();

  // Position source.
  if (getPositions() && getOffset())
    return emitOpError("expects 'positions' or 'offset', not both");

  // Frequency source.
  if (static_cast<bool>(getCosCache()) != static_cast<bool>(getSinCache()))
    return emitOpError("expects both a cos and a sin cache, or neither");
  if (getFreqs() && hasCache())
    return emitOpError("expects 'freqs' or 'cache', not both");
  if (!getFreqs() && !hasCache())
    return emitOpError("expects a frequency source: 'freqs' or 'cache'");
  if (FrequencyAttrInterface freqs = getFreqsAttr()) {
    if (!getPositions() && !getOffset())
      return emitOpError("'freqs' needs 'positions' or 'offset'");
    if (failed(freqs.verifyForRotaryDim(r, [&] { return emitOpError(); })))
      return failure();
    if (failed(verifyFrequencyRange(*this, freqs, r)))
      return failure();
  }

  // Positions shape, with one component per axis for mrope.
  if (failed(verifyInterleavedHasSections(*this, getMropeInterleaved(),
                                          isMRope())))
    return failure();
  if (std::optional<ArrayRef<int64_t>> sections = getMropeSection()) {
    if (!getPositions())
      return emitOpError("'mrope_section' needs explicit 'positions'");
    if (failed(verifyMRopeSection(*this, *sections, getMropeInterleaved(),
                                  r)))
      return failure();
  }
  if (Value positions = getPositions()) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(positions.getType()).getShape();
    SmallVector<int64_t> expected(tokenShape);
    if (isMRope())
      expected.insert(expected.begin(), getMropeSection()->size());
    if (!compatibleShapes(shape, expected))
      return emitOpError("'positions' has shape ")
             << shapeString(shape) << ", expected " << shapeString(expected)
             << (isMRope() ? " (one component per mrope_section entry, "
                             "then the token shape)"
                           : " (the token shape of the inputs)");
    // The kernel reads one row per section: the count must be known.
    if (isMRope() && ShapedType::isDynamic(shape.front()))
      return emitOpError("'positions' needs a static leading dimension with "
                         "mrope_section (")
             << getMropeSection()->size() << ", one row per axis), got ?";
  }

  // Cache shapes.
  if (hasCache()) {
    auto cosType = cast<RankedTensorType>(getCosCache().getType());
    auto sinType = cast<RankedTensorType>(getSinCache().getType());
    if (cosType.getShape() != sinType.getShape())
      return emitOpError("cos and sin caches must have the same shape, got ")
             << shapeString(cosType.getShape()) << " and "
             << shapeString(sinType.getShape());
    ArrayRef<int64_t> shape = cosType.getShape();
    if (shape.empty() || shape.back() != r / 2)
      return emitOpError("cache width (last dimension) must be rotary_dim / "
                         "2 = ")
             << r / 2 << ", got cache shape " << shapeString(shape);
    if (hasPerTokenCache()) {
      SmallVector<int64_t> expected(tokenShape);
      expected.push_back(r / 2);
      if (!compatibleShapes(shape, expected))
        return emitOpError("a cache without positions must have shape ")
               << shapeString(expected) << " (token shape, rotary_dim / 2), "
               << "got " << shapeString(shape);
    } else if (shape.size() != 2) {
      return emitOpError("a cache indexed by position must have shape "
                         "[max_position, rotary_dim / 2], got ")
             << shapeString(shape);
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Interfaces
//===----------------------------------------------------------------------===//

/// The results of a destination-style rope op: its inits' types.
template <typename OpTy>
static LogicalResult inferInitTypes(ValueRange operands,
                                    DictionaryAttr attributes,
                                    OpaqueProperties properties,
                                    RegionRange regions,
                                    SmallVectorImpl<Type> &inferred) {
  typename OpTy::Adaptor adaptor(operands, attributes, properties, regions);
  llvm::append_range(inferred, adaptor.getInits().getTypes());
  return success();
}

LogicalResult RotateOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location,
    ValueRange operands, DictionaryAttr attributes,
    OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  return inferInitTypes<RotateOp>(operands, attributes, properties, regions,
                            inferredReturnTypes);
}

MutableOperandRange RotateOp::getDpsInitsMutable() {
  return getInitsMutable();
}


//===----------------------------------------------------------------------===//
// InvFreqOp
//===----------------------------------------------------------------------===//

LogicalResult InvFreqOp::verify() {
  auto type = cast<RankedTensorType>(getType());
  if (type.isDynamicDim(0))
    return emitOpError("needs a static number of frequencies");
  const int64_t r = getRotaryDim();
  if (r <= 0)
    return emitOpError("needs at least one frequency");
  if (r / 2 > RotateOp::kMaxHeadDim / 2)
    return emitOpError("has ") << r / 2 << " frequencies, expected at most "
                               << RotateOp::kMaxHeadDim / 2;
  FrequencyAttrInterface freqs = getFreqs();
  if (failed(freqs.verifyForRotaryDim(r, [&] { return emitOpError(); })) ||
      failed(verifyFrequencyRange(*this, freqs, r)))
    return failure();
  const bool runtime = !freqs.getStaticInverseFrequencies(r).has_value();
  if (runtime && !getPositions())
    return emitOpError("needs 'positions': ")
           << freqs << " depends on the sequence length";
  if (!runtime && getPositions())
    return emitOpError("takes no 'positions': ")
           << freqs << " does not depend on the sequence length";
  return success();
}

OpFoldResult InvFreqOp::fold(FoldAdaptor) {
  std::optional<SmallVector<double>> values =
      getFreqs().getStaticInverseFrequencies(getRotaryDim());
  if (!values)
    return {};
  return DenseElementsAttr::get(cast<ShapedType>(getType()),
                                ArrayRef<double>(*values));
}

//===----------------------------------------------------------------------===//
// PositionsOp
//===----------------------------------------------------------------------===//

LogicalResult PositionsOp::verify() {
  int64_t rank = getInit().getType().getRank();
  if (rank != 1 && rank != 2)
    return emitOpError("'outs' must have the token shape [tokens] or "
                       "[batch, seq], got rank ")
           << rank;
  return success();
}

MutableOperandRange PositionsOp::getDpsInitsMutable() {
  return getInitMutable();
}

//===----------------------------------------------------------------------===//
// CosSinOp
//===----------------------------------------------------------------------===//

/// Checks that `positions` has the token shape of a table (`tableShape`
/// without its width), with a leading axis count for mrope.
static LogicalResult verifyPositionsShape(Operation *op, Value positions,
                                          ArrayRef<int64_t> tableShape,
                                          std::optional<int64_t> axes) {
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(positions.getType()).getShape();
  SmallVector<int64_t> expected(tableShape.drop_back());
  if (axes)
    expected.insert(expected.begin(), *axes);
  if (!compatibleShapes(shape, expected))
    return op->emitOpError("'positions' has shape ")
           << shapeString(shape) << ", expected " << shapeString(expected)
           << (axes ? " (one component per mrope_section entry, then the "
                      "token shape of 'outs')"
                    : " (the token shape of 'outs')");
  if (axes && ShapedType::isDynamic(shape.front()))
    return op->emitOpError("'positions' needs a static leading dimension "
                           "with mrope_section (")
           << *axes << ", one row per axis), got ?";
  return success();
}

/// The positions and mrope sections of a table op whose outs have shape
/// `tableShape` (token shape + [R/2]).
static LogicalResult
verifyTablePositions(Operation *op, Value positions,
                     ArrayRef<int64_t> tableShape,
                     std::optional<ArrayRef<int64_t>> sections,
                     bool interleaved) {
  if (failed(verifyInterleavedHasSections(op, interleaved,
                                          sections.has_value())))
    return failure();
  std::optional<int64_t> axes;
  if (sections) {
    if (ShapedType::isDynamic(tableShape.back()))
      return op->emitOpError("'mrope_section' needs a static table width");
    if (failed(verifyMRopeSection(op, *sections, interleaved,
                                  2 * tableShape.back())))
      return failure();
    axes = sections->size();
  }
  return verifyPositionsShape(op, positions, tableShape, axes);
}

LogicalResult CosSinOp::verify() {
  auto type = cast<RankedTensorType>(getCosInit().getType());
  if (type.getRank() < 2 || type.getRank() > 3)
    return emitOpError("'outs' must have the token shape plus [R/2], got "
                       "rank ")
           << type.getRank();
  const int64_t half = type.getShape().back();
  const int64_t freqs = getInvFreq().getType().getDimSize(0);
  if (!compatibleDims(half, freqs))
    return emitOpError("'outs' width is ")
           << half << ", expected the number of frequencies, " << freqs;
  return verifyTablePositions(*this, getPositions(), type.getShape(),
                              getMropeSection(), getMropeInterleaved());
}

MutableOperandRange CosSinOp::getDpsInitsMutable() {
  return MutableOperandRange(getOperation(), 2, 2);
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::verify() {
  auto table = cast<RankedTensorType>(getCosTable().getType());
  auto out = cast<RankedTensorType>(getCosInit().getType());
  if (table.getRank() != 2)
    return emitOpError("'tables' must have shape [max_position, width], got ")
           << shapeString(table.getShape());
  if (out.getRank() < 2 || out.getRank() > 3)
    return emitOpError("'outs' must have the token shape plus [width], got "
                       "rank ")
           << out.getRank();
  if (out.getElementType() != table.getElementType())
    return emitOpError("'outs' element type ")
           << out.getElementType() << " differs from the tables' "
           << table.getElementType();
  if (!compatibleDims(out.getShape().back(), table.getShape().back()))
    return emitOpError("'outs' width ")
           << out.getShape().back() << " differs from the tables' "
           << table.getShape().back();
  return verifyTablePositions(*this, getPositions(), out.getShape(),
                              getMropeSection(), getMropeInterleaved());
}

MutableOperandRange GatherOp::getDpsInitsMutable() {
  return MutableOperandRange(getOperation(), 3, 2);
}

//===----------------------------------------------------------------------===//
// ApplyOp
//===----------------------------------------------------------------------===//

int64_t ApplyOp::getHeadDim() {
  return cast<RankedTensorType>(getInputs().front().getType()).getShape().back();
}

int64_t ApplyOp::getEffectiveRotaryDim() {
  if (std::optional<int64_t> r = getRotaryDim())
    return *r;
  return getHeadDim();
}

bool ApplyOp::hasFullWidthTables() {
  return cast<RankedTensorType>(getCos().getType()).getShape().back() ==
         getEffectiveRotaryDim();
}

LogicalResult ApplyOp::verify() {
  SmallVector<int64_t> tokenShape;
  if (failed(verifyRotation(*this, tokenShape)))
    return failure();
  const int64_t r = getEffectiveRotaryDim();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(getCos().getType()).getShape();
  SmallVector<int64_t> expected(tokenShape);
  expected.push_back(r / 2);
  const bool widthOk =
      !shape.empty() && (shape.back() == r / 2 || shape.back() == r);
  if (!widthOk || !compatibleShapes(shape.drop_back(),
                                    ArrayRef(expected).drop_back()))
    return emitOpError("'cos_sin' tables have shape ")
           << shapeString(shape) << ", expected the token shape plus R/2 = "
           << r / 2 << " or R = " << r << ": " << shapeString(expected);
  return success();
}

LogicalResult ApplyOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location,
    ValueRange operands, DictionaryAttr attributes,
    OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  return inferInitTypes<ApplyOp>(operands, attributes, properties, regions,
                            inferredReturnTypes);
}

MutableOperandRange ApplyOp::getDpsInitsMutable() { return getInitsMutable(); }

#define GET_OP_CLASSES
#include "rope/Dialect/Rope/IR/RopeOps.cpp.inc"
