//===- Tables.h - rope-raise: where cos and sin come from -------*- C++ -*-===//
//
// A raised rotation reads cos and sin per token. Frontends gather them from
// a cache by position, compute them from positions and inverse frequencies,
// or pass them in. These helpers see through ops that only move elements,
// recognize the first two sources (so the raised program gathers with
// rope.gather or computes with rope.cos_sin instead of reading tables),
// and build the per-token tables rope.apply takes.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_LIB_CONVERSION_RAISETOROPE_TABLES_H
#define ROPE_LIB_CONVERSION_RAISETOROPE_TABLES_H

#include "Matchers.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

namespace mlir::rope::raise {

/// `table` read at `map(i)` for each point `i` of an iteration space,
/// followed back through ops that only move or broadcast elements
/// (tensor.cast, expand_shape/collapse_shape of unit dimensions, and
/// linalg ops that copy their one input: generic, broadcast, transpose,
/// copy). Updates both to the first producer that computes, with the map
/// composed.
void lookThroughMoves(Value &table, AffineMap &map);

/// Where the cos and sin tables of one rotation come from.
struct TablePlan {
  enum class Kind { Tables, Gathered, Computed };
  Kind kind = Kind::Tables;
  /// Gathered and computed: the integer positions, read at `posMap(i)`.
  Value positions;
  AffineMap posMap;
  /// Gathered: the [P, W] caches, and the gather whose body computes the
  /// row from the position (`row`).
  Value cosCache, sinCache;
  int64_t cosOffset = 0, sinOffset = 0;
  linalg::GenericOp gather;
  Value row;
  /// Computed: the inverse frequencies (R/2, R the rotated width), the
  /// attention factor, and whether the tables were cat(f, f) of them.
  SmallVector<double> invFreq;
  double factor = 1.0;
};

/// Plans the tables of a rotation whose cos and sin are read through
/// `cosMap`/`sinMap` (their last dimension from column `cosOffset` /
/// `sinOffset` on) in the iteration space of a rank `rank` tensor with
/// the given token dimensions, `width` entries per token (`perElement`: one
/// per rotated element, else one per pair; `interleaved`: the pairing). Fails, with the
/// reason, when cos and sin are gathered or computed but not as one
/// rotation (different positions, caches or frequencies, cos and sin
/// swapped): a near miss, which must not be raised.
FailureOr<TablePlan> planTables(Value cos, AffineMap cosMap,
                                int64_t cosOffset, Value sin, AffineMap sinMap,
                                int64_t sinOffset, int64_t rank,
                                ArrayRef<int64_t> tokenDims, int64_t width,
                                bool perElement, bool interleaved,
                                Miss &miss);

/// The per-token cos and sin tables of `plan` for rotating `x`: rope.gather
/// or rope.cos_sin results, or copies of the tables read through the maps
/// (the tables themselves where they already have the token shape).
std::pair<Value, Value> buildTables(OpBuilder &b, Location loc,
                                    const TablePlan &plan, Value cos,
                                    AffineMap cosMap, Value sin,
                                    AffineMap sinMap, Value x,
                                    ArrayRef<int64_t> tokenDims,
                                    int64_t width);

/// A [token shape..., width] table from `table` read through `map` (a
/// broadcast of `x`'s iteration space).
Value buildTokenTable(OpBuilder &b, Location loc, Value table, AffineMap map,
                      Value x, ArrayRef<int64_t> tokenDims, int64_t width);

} // namespace mlir::rope::raise

#endif // ROPE_LIB_CONVERSION_RAISETOROPE_TABLES_H
