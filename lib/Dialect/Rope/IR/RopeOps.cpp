//===- RopeOps.cpp - Rope operation verification and interfaces -----------===//

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

int64_t RotateOp::getTensorRank() {
  return getLayout() == Layout::THD ? 3 : 4;
}

SmallVector<int64_t> RotateOp::getTokenDims() {
  switch (getLayout()) {
  case Layout::THD:
    return {0};
  case Layout::BSHD:
    return {0, 1};
  case Layout::BHSD:
    return {0, 2};
  }
  llvm_unreachable("unknown layout");
}

int64_t RotateOp::getHeadCountDim() {
  return getLayout() == Layout::BHSD ? 1 : getTensorRank() - 2;
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

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

/// cos/sin meet their error bound while |p * f| stays far below 2^52, the
/// range where the f64 angle reduction is exact (see SinCos.h).
static LogicalResult verifyFrequencyRange(RotateOp op,
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
      return op.emitOpError("'base' must be at least ")
             << 1.0 / kMaxInverseFrequency << ", got " << ntk.getBase();
    return success();
  }
  for (auto [i, f] : llvm::enumerate(*values))
    if (!std::isfinite(f) || std::fabs(f) > kMaxInverseFrequency)
      return op.emitOpError("inverse frequency ")
             << i << " is " << f << ", expected a finite value of magnitude "
             << "at most " << kMaxInverseFrequency;
  return success();
}

LogicalResult RotateOp::verify() {
  if (getInputs().empty())
    return emitOpError("expects at least one input tensor");
  if (getInputs().size() != getInits().size())
    return emitOpError("expects as many 'outs' as 'ins', got ")
           << getInits().size() << " and " << getInputs().size();

  const int64_t rank = getTensorRank();
  SmallVector<int64_t> tokenDims = getTokenDims();
  SmallVector<int64_t> tokenShape;
  int64_t headDim = 0;
  for (auto [idx, input, init] :
       llvm::enumerate(getInputs(), getInits())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type != init.getType())
      return emitOpError("'outs' #")
             << idx << " has type " << init.getType()
             << ", expected the type of 'ins' #" << idx << ": " << type;
    if (type.getRank() != rank)
      return emitOpError("'ins' #")
             << idx << " has rank " << type.getRank() << ", expected " << rank
             << " for layout '" << stringifyLayout(getLayout()) << "'";
    int64_t d = type.getShape().back();
    if (ShapedType::isDynamic(d))
      return emitOpError("'ins' #") << idx << " needs a static head_dim";
    SmallVector<int64_t> tokens = llvm::map_to_vector(
        tokenDims, [&](int64_t dim) { return type.getDimSize(dim); });
    // Frequencies and tables are built at compile time with R/2 entries:
    // an absurd head_dim must fail here, not exhaust memory when folding.
    if (d > kMaxHeadDim)
      return emitOpError("'ins' #")
             << idx << " has head_dim " << d << ", expected at most "
             << kMaxHeadDim;
    if (idx == 0) {
      headDim = d;
      tokenShape = tokens;
      continue;
    }
    if (d != headDim)
      return emitOpError("all inputs must share head_dim, but 'ins' #")
             << idx << " has " << d << " and 'ins' #0 has " << headDim;
    if (!compatibleShapes(tokens, tokenShape))
      return emitOpError("all inputs must share the token shape, but 'ins' #")
             << idx << " has " << shapeString(tokens) << " and 'ins' #0 has "
             << shapeString(tokenShape);
  }

  // Rotary dimension.
  const int64_t r = getEffectiveRotaryDim();
  if (r <= 0)
    return emitOpError("rotary_dim must be positive, got ") << r;
  if (r % 2 != 0)
    return emitOpError("rotary_dim must be even, got ") << r;
  if (r > headDim)
    return emitOpError("rotary_dim (")
           << r << ") must not exceed head_dim (" << headDim << ")";

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

  // Positions shape, with three components for mrope.
  if (std::optional<ArrayRef<int64_t>> sections = getMropeSection()) {
    if (!getPositions())
      return emitOpError("'mrope_section' needs explicit 'positions'");
    if (sections->size() != 3)
      return emitOpError("'mrope_section' must have 3 entries (temporal, "
                         "height, width), got ")
             << sections->size();
    int64_t sum = 0;
    for (int64_t s : *sections) {
      if (s < 0)
        return emitOpError("'mrope_section' entries must be non-negative, got ")
               << s;
      sum += s;
    }
    if (sum != r / 2)
      return emitOpError("'mrope_section' must sum to rotary_dim / 2 = ")
             << r / 2 << ", got " << sum;
  }
  if (Value positions = getPositions()) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(positions.getType()).getShape();
    SmallVector<int64_t> expected(tokenShape);
    if (isMRope())
      expected.insert(expected.begin(), 3);
    if (!compatibleShapes(shape, expected))
      return emitOpError("'positions' has shape ")
             << shapeString(shape) << ", expected " << shapeString(expected)
             << (isMRope() ? " (3 components, then the token shape)"
                           : " (the token shape of the inputs)");
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

LogicalResult RotateOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location,
    ValueRange operands, DictionaryAttr attributes,
    OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  RotateOp::Adaptor adaptor(operands, attributes, properties, regions);
  for (Value init : adaptor.getInits())
    inferredReturnTypes.push_back(init.getType());
  return success();
}

MutableOperandRange RotateOp::getDpsInitsMutable() {
  return getInitsMutable();
}

#define GET_OP_CLASSES
#include "rope/Dialect/Rope/IR/RopeOps.cpp.inc"
