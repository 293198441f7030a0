//===- Matchers.h - rope-raise: matchers of written-out RoPE ----*- C++ -*-===//
//
// The pieces rope-raise recognizes: elementwise linalg ops, windows of the
// last dimension, negation, concatenation and rotate_half, and tables read
// per token. Each matcher that fails on a candidate says why in a Miss.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_LIB_CONVERSION_RAISETOROPE_MATCHERS_H
#define ROPE_LIB_CONVERSION_RAISETOROPE_MATCHERS_H

#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <string>

namespace mlir::rope::raise {

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

std::optional<Elementwise> matchElementwise(Value v);

/// Whether `size` equals dimension `d` of `v`.
bool sizeIsDim(OpFoldResult size, Value v, int64_t d);

/// A window of the last dimension: an extract_slice over the whole source
/// but the last dimension (unit strides, same rank); the window's offset
/// and size there, when static.
struct LastDimWindow {
  Value source;
  std::optional<int64_t> offset, size;
};
FailureOr<LastDimWindow> matchLastDimWindow(Value v, Miss &miss);

/// A half of the last dimension: the window at `half` (upper) or 0 of
/// `half` elements; returns its source.
FailureOr<Value> matchHalf(Value v, bool upper, int64_t half, Miss &miss);

/// `v` negated (negf, or a multiply by a splat -1): the operand, or null.
Value matchNegated(Value v);

/// Whether `v` is a concatenation (tensor.concat or insert_slice).
bool isConcatLike(Value v);

/// The two halves of a concatenation along the last dimension.
LogicalResult matchHalves(Value v, Value &first, Value &second, Miss &miss);

/// rotate_half(x) = concat(-x2, x1) (`inverse`: concat(x2, -x1)): x.
FailureOr<Value> matchRotateHalf(Value v, bool &inverse, Miss &miss);

/// A table operand read through `map` in the iteration space of a rank
/// `rank` tensor: one entry per token and head-vector element. Sets the
/// layout from the dimensions it reads.
LogicalResult checkTableMap(Value table, AffineMap map, int64_t rank,
                            std::optional<Layout> &layout, Miss &miss,
                            StringRef name);

} // namespace mlir::rope::raise

#endif // ROPE_LIB_CONVERSION_RAISETOROPE_MATCHERS_H
