//===- Vectorize.cpp - rope-vectorize pass --------------------------------===//
//
// Tiles the rope kernels' linalg ops to one vector with upstream's
// TilingInterface tiling and vectorizes them with upstream's linalg
// vectorizer; only the choice of tile sizes is ours.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "VectorizeRotation.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/StringMap.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEVECTORIZEPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

/// Largest power of two <= `width` dividing `size`.
static int64_t laneCount(int64_t size, int64_t width) {
  int64_t lanes = 1;
  while (lanes * 2 <= width && size % (lanes * 2) == 0)
    lanes *= 2;
  return lanes;
}

/// Whether `op` is the rotation generic (not the table or pass-through ops).
static bool isRotateStage(Operation *op) {
  return rope::LoweringAttr::hasRole(op, rope::Role::Rotate);
}

/// The longest reduction kept whole in one vector (a head_dim).
constexpr int64_t kMaxWholeReduction = 512;

/// Tile sizes: 1 everywhere, whole for a trailing pair dimension of size 2
/// and for reductions, one vector for the innermost other dimension.
static std::optional<SmallVector<int64_t>> tileSizesFor(linalg::LinalgOp op,
                                                        int64_t width) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.empty())
    return std::nullopt;
  SmallVector<int64_t> sizes(ranges.size(), 1);
  int64_t inner = ranges.size() - 1;
  // Only the rotation generic has a pair dimension (of size 2): innermost for
  // interleaved pairing ([.., R/2, 2]), next to innermost for half ([.., 2,
  // R/2]). It stays whole; the dimension of frequencies gets the vector.
  bool isRotate = isRotateStage(op);
  // A fused neighbour's reductions (a norm's sum over head_dim) stay whole
  // and its other dimensions go one by one: one vector reduction per row,
  // never a block of rows reduced row by row (as many registers as rows).
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  bool hasReduction = false;
  for (int64_t d = 0; d < int64_t(ranges.size()); ++d) {
    if (!linalg::isReductionIterator(iterators[d]))
      continue;
    if (ShapedType::isDynamic(ranges[d]) || ranges[d] > kMaxWholeReduction)
      return std::nullopt;
    sizes[d] = 0;
    hasReduction = true;
  }
  if (hasReduction)
    return sizes;
  while (inner >= 0 && linalg::isReductionIterator(iterators[inner]))
    --inner;
  if (inner < 0)
    return sizes;
  if (isRotate && ranges.size() >= 2 && ranges[inner] == 2) {
    sizes[inner] = 0;
    --inner;
  } else if (isRotate && ranges.size() >= 2 && ranges[inner - 1] == 2) {
    sizes[inner - 1] = 0;
  }
  if (ShapedType::isDynamic(ranges[inner]))
    return std::nullopt;
  // `width` counts f32 lanes: one register. Narrower results get as many
  // lanes as fill the same bytes when stored, so 16-bit outputs are written
  // a whole cache line at a time.
  Type resultElt = getElementTypeOrSelf(op.getDpsInits().front().getType());
  int64_t bits = std::max<int64_t>(resultElt.getIntOrFloatBitWidth(), 8);
  sizes[inner] = laneCount(ranges[inner], width * 32 / bits);
  return sizes;
}

namespace {
struct RopeVectorizePass
    : rope::impl::RopeVectorizePassBase<RopeVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorWidth <= 0) {
      getOperation()->emitError("rope-vectorize needs vector-width > 0 (the "
                                "pipeline resolves it from the target)");
      return signalPassFailure();
    }
    int64_t width = vectorWidth;
    SmallVector<linalg::LinalgOp> targets;
    getOperation()->walk([&](linalg::LinalgOp op) {
      // Only the ops of the rope lowering, never a user's.
      if (rope::LoweringAttr::of(op).getRole())
        targets.push_back(op);
    });

    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : targets) {
      std::optional<SmallVector<int64_t>> sizes = tileSizesFor(op, width);
      const bool fused = LoweringAttr::hasRole(op, Role::Fused);
      // A neighbour's op that does not fit this shape runs as it is (loops).
      if (!sizes && fused)
        LoweringAttr::set(op, LoweringAttr::get(&getContext()));
      if (!sizes)
        continue;
      rewriter.setInsertionPoint(op);
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(&getContext(), *sizes));
      // linalg's TilingInterface is an external model: a driver that did not
      // register it gets a diagnostic, not a crash.
      auto tileable = dyn_cast<TilingInterface>(op.getOperation());
      if (!tileable) {
        op->emitOpError("does not implement TilingInterface; register "
                        "linalg::registerTilingInterfaceExternalModels");
        return signalPassFailure();
      }
      FailureOr<scf::SCFTilingResult> tiled =
          scf::tileUsingSCF(rewriter, tileable, options);
      if (failed(tiled)) {
        op->emitOpError("could not be tiled for vectorization");
        return signalPassFailure();
      }
      // Read what the op tells before replacing (and so freeing) it.
      const bool isRotate = isRotateStage(op);
      // Loops over parallel dimensions only (a reduction stays whole).
      const bool allParallel = llvm::all_of(
          llvm::zip(op.getIteratorTypesArray(), *sizes), [](auto dim) {
            return std::get<1>(dim) == 0 ||
                   linalg::isParallelIterator(std::get<0>(dim));
          });
      rewriter.replaceOp(op, tiled->replacements);
      // The loop over a rotated row's vectors is the innermost one; its
      // unrolled copies read the tables at constant offsets.
      // (One loop per non-zero tile size, outermost first.)
      scf::ForOp rowLoop;
      if (isRotate && !tiled->loops.empty() &&
          tiled->loops.size() == size_t(llvm::count_if(
                                     *sizes, [](int64_t s) { return s; })))
        rowLoop = dyn_cast<scf::ForOp>(tiled->loops.back().getOperation());
      // Distinct iterations of parallel loops write distinct elements.
      if (allParallel)
        for (LoopLikeOpInterface loop : tiled->loops)
          LoweringAttr::set(loop,
                            LoweringAttr::of(loop).withIndependentIterations());
      for (Operation *tiledOp : tiled->tiledOps) {
        if (auto generic = dyn_cast<linalg::GenericOp>(tiledOp)) {
          FailureOr<Value> custom =
              vectorizeInterleavedRotation(rewriter, generic);
          if (failed(custom))
            custom = vectorizeHalfRotationBF16(rewriter, generic);
          if (succeeded(custom)) {
            rewriter.replaceOp(tiledOp, *custom);
            continue;
          }
        }
        rewriter.setInsertionPoint(tiledOp);
        FailureOr<linalg::VectorizationResult> vectorized =
            linalg::vectorize(rewriter, tiledOp, /*inputVectorSizes=*/{},
                              /*inputScalableVecDims=*/{},
                              /*vectorizeNDExtract=*/true);
        if (failed(vectorized)) {
          // A neighbour's op the vectorizer cannot take runs as loops.
          if (fused) {
            LoweringAttr::set(tiledOp, LoweringAttr::get(&getContext()));
            continue;
          }
          tiledOp->emitOpError("could not be vectorized");
          return signalPassFailure();
        }
        rewriter.replaceOp(tiledOp, vectorized->replacements);
      }
      if (rowLoop) {
        std::optional<APInt> trips = rowLoop.getStaticTripCount();
        if (trips && trips->getZExtValue() <= uint64_t(maxUnroll) &&
            failed(loopUnrollFull(rowLoop))) {
          rowLoop->emitOpError("could not be unrolled");
          return signalPassFailure();
        }
      }
    }

    // Drop unit dims and turn transfers into plain loads/stores.
    RewritePatternSet patterns(&getContext());
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateVectorTransferDropUnitDimsPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    vector::populateSinkVectorOpsPatterns(patterns);
    // A fused norm's row sums: one vector.reduction per row.
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerReduction);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // The row sums of a fused neighbour add in a tree rather than in index
    // order: one vector add per register and a log2(lanes) horizontal sum
    // instead of a chain of one dependent add per element (its error bound,
    // log2(n) ulp against n, is also the smaller). Only reductions inside
    // the loops of our lowering, never a user's.
    getOperation()->walk([](vector::ReductionOp reduction) {
      if (!isa<FloatType>(reduction.getType()))
        return;
      Operation *loop = reduction->getParentOp();
      while (loop && LoweringAttr::of(loop).isEmpty())
        loop = loop->getParentOp();
      if (!loop)
        return;
      reduction.setFastmath(reduction.getFastmath() |
                            arith::FastMathFlags::reassoc);
    });
  }
};
} // namespace
