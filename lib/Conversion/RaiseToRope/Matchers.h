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

/// An elementwise linalg op whose body is one op (for which `isOp` holds)
/// on its inputs' elements: that op, and per operand of it, the input and
/// its indexing map.
struct BodyMatch {
  Operation *bodyOp;
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
};
std::optional<BodyMatch> matchBody(Value v,
                                   function_ref<bool(Operation *)> isOp);

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

/// Whether `v` is a concatenation (tensor.concat or insert_slice), or a
/// stack of pairs (see matchPairJoin).
bool isConcatLike(Value v);

/// torch.stack((a, b), -1).flatten(-2): the [..., D/2, 2] tensor a
/// collapse_shape merges into the last dimension, or null.
Value matchPairJoin(Value v);

/// The source of an expand_shape that appends a unit dimension (stack's
/// unsqueeze), else `v`.
Value stripUnsqueeze(Value v);

/// Element `which` (0 or 1) of each adjacent pair of the last dimension
/// (`half` pairs): x[..., which::2] or view(x, [..., half, 2])[..., which].
/// Returns x.
FailureOr<Value> matchPairElement(Value v, int64_t which, int64_t half,
                                  Miss &miss);

/// Element `which` of each pair under `pairing`: matchHalf (the lower or
/// upper half) or matchPairElement.
FailureOr<Value> matchElementOfPair(Value v, int64_t which, Pairing pairing,
                                    int64_t half, Miss &miss);

/// matchNegated, also of a part seen through stack's unsqueeze.
Value matchNegatedPart(Value v);

/// The two halves of a concatenation along the last dimension.
LogicalResult matchHalves(Value v, Value &first, Value &second, Miss &miss);

/// The rotated partner of each element: rotate_half(x) = concat(-x2, x1)
/// (pairing half) or rotate_every_two(x) = stack(-x[1::2], x[::2]).flatten
/// (pairing interleaved); `inverse` with the other element negated.
/// Returns x.
FailureOr<Value> matchRotation(Value v, bool &inverse, Pairing &pairing,
                               Miss &miss);

/// How a table's last dimension is read: at the element (or, `perPair`, at
/// element floordiv 2, one entry per adjacent pair), plus `offset` (a
/// window of a wider table).
struct TableEntry {
  bool perPair = false;
  int64_t offset = 0;
};

/// A table operand read through `map` in the iteration space of a rank
/// `rank` tensor: one entry per token and head-vector element (or pair,
/// with `allowPerPair`). Sets the layout from the dimensions it reads and
/// `entry` from how it reads the last.
LogicalResult checkTableMap(Value table, AffineMap map, int64_t rank,
                            std::optional<Layout> &layout, Miss &miss,
                            StringRef name, TableEntry &entry,
                            bool allowPerPair);

} // namespace mlir::rope::raise

#endif // ROPE_LIB_CONVERSION_RAISETOROPE_MATCHERS_H
