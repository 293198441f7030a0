//===- FuseRows.cpp - rope-fuse-rows --------------------------------------===//
//
// A fused norm's row sums, computed for a whole token tile before the
// rotation, read every row twice. Tiling the rotation to rows and fusing
// the sums into the row loop (upstream's tile-and-fuse over
// TilingInterface) reads each row once, summed and rotated in registers.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSEROWSPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Whether `value` is (a slice of) a fused neighbour's reduction.
bool isFusedReduction(Value value) {
  while (auto slice = value.getDefiningOp<tensor::ExtractSliceOp>())
    value = slice.getSource();
  auto producer = value.getDefiningOp<linalg::LinalgOp>();
  return producer && LoweringAttr::hasRole(producer, Role::Fused) &&
         producer.getNumReductionLoops() > 0;
}

/// `slice`'s source if the slice is the whole of it (sizes the source's,
/// proven by upstream's value bounds: the canonicalizer cannot fold a
/// dynamic one), else null.
Value wholeSliceSource(tensor::ExtractSliceOp slice) {
  if (!slice || !slice.hasZeroOffset() || !slice.hasUnitStride() ||
      slice.getSourceType().getRank() != slice.getType().getRank())
    return {};
  for (auto [dim, size] : llvm::enumerate(slice.getMixedSizes())) {
    FailureOr<bool> equal = ValueBoundsConstraintSet::areEqual(
        size, ValueBoundsConstraintSet::Variable(slice.getSource(), dim));
    if (failed(equal) || !*equal)
      return {};
  }
  return slice.getSource();
}

/// Tile sizes of one token: 1 for the loops the cos/sin tables are indexed
/// by (but the frequencies, the innermost loop), 0 for the heads, the pair
/// and the frequencies. The token's rows are summed together (independent
/// reductions), their scales computed on vectors of rows, and the rows
/// rotated while they are in L1. Without tables (not expected), one row.
SmallVector<int64_t> tokenTileSizes(linalg::GenericOp rotation) {
  const unsigned n = rotation.getNumLoops();
  for (OpOperand *input : rotation.getDpsInputOperands()) {
    Value table = input->get();
    while (auto slice = table.getDefiningOp<tensor::ExtractSliceOp>())
      table = slice.getSource();
    Operation *producer = table.getDefiningOp();
    if (!producer || !LoweringAttr::hasRole(producer, Role::Table))
      continue;
    SmallVector<int64_t> sizes(n, 0);
    for (AffineExpr e : rotation.getMatchingIndexingMap(input).getResults())
      if (auto dim = dyn_cast<AffineDimExpr>(e); dim && dim.getPosition() < n - 1)
        sizes[dim.getPosition()] = 1;
    return sizes;
  }
  SmallVector<int64_t> sizes(n, 1);
  sizes[n - 1] = sizes[n - 2] = 0;
  return sizes;
}

struct RopeFuseRowsPass : rope::impl::RopeFuseRowsPassBase<RopeFuseRowsPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> rotations;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (LoweringAttr::hasRole(op, Role::Rotate) &&
          op.hasPureTensorSemantics() && op.getNumLoops() > 2 &&
          llvm::any_of(op.getDpsInputs(), isFusedReduction))
        rotations.push_back(op);
    });

    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp rotation : rotations) {
      SmallVector<int64_t> sizes = tokenTileSizes(rotation);
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tiling);
      // Only the neighbour's ops; the tables stay per token tile.
      options.setFusionControlFn(
          [](tensor::ExtractSliceOp, OpResult producer, bool)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            if (!LoweringAttr::hasRole(producer.getOwner(), Role::Fused))
              return std::nullopt;
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          });
      // Tile-and-fuse finds producers only directly behind the tile's
      // slices: read the whole-tile slices' sources instead.
      for (OpOperand *input : rotation.getDpsInputOperands())
        if (Value source = wholeSliceSource(
                input->get().getDefiningOp<tensor::ExtractSliceOp>()))
          rewriter.modifyOpInPlace(rotation, [&] { input->set(source); });
      rewriter.setInsertionPoint(rotation);
      FailureOr<scf::SCFTileAndFuseResult> fused =
          scf::tileConsumerAndFuseProducersUsingSCF(
              rewriter, cast<TilingInterface>(rotation.getOperation()),
              options);
      if (failed(fused)) {
        rotation->emitOpError("could not be tiled to rows with its fused "
                              "neighbour's reduction");
        return signalPassFailure();
      }
      // Rows touch disjoint elements: every loop is parallel.
      for (LoopLikeOpInterface loop : fused->loops)
        LoweringAttr::set(loop,
                          LoweringAttr::of(loop).withIndependentIterations());
      for (OpResult result : rotation->getResults())
        rewriter.replaceAllUsesWith(result,
                                    fused->replacements.lookup(result));
      rewriter.eraseOp(rotation);
    }
  }
};
} // namespace
