//===- TileAndFuse.cpp - rope-tile-and-fuse pass --------------------------===//
//
// Upstream tile-and-fuse on rope.apply: the tiling, the loop and the fusion
// of the cos/sin producers are scf::tileConsumerAndFuseProducersUsingSCF's;
// only the choice of tile sizes and the tables' tile buffers are ours.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/CSE.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPETILEANDFUSEPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {

/// Tile sizes over (batch?, tokens, heads), computed before the loop:
/// batch 1, tokens clamp(ceil(T / ceil(minTiles / B)), 1, tokenTile), heads
/// whole (their loops keep static trip counts, which the CPU passes after
/// vectorization need).
SmallVector<OpFoldResult> tileSizes(OpBuilder &b, ApplyOp op,
                                    int64_t tokenTile, int64_t minTiles) {
  Location loc = op.getLoc();
  SmallVector<Range> domain =
      cast<TilingInterface>(op.getOperation()).getIterationDomain(b);
  const bool batched = domain.size() == 3;
  SmallVector<OpFoldResult> sizes;
  if (batched)
    sizes.push_back(b.getIndexAttr(1));
  if (minTiles <= 1) {
    sizes.push_back(b.getIndexAttr(tokenTile));
  } else {
    auto value = [&](OpFoldResult v) {
      return getValueOrCreateConstantIndexOp(b, loc, v);
    };
    auto cst = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value batches = batched ? value(domain[0].size) : cst(1);
    Value tokens = value(domain[domain.size() - 2].size);
    Value perSequence =
        arith::CeilDivUIOp::create(b, loc, cst(minTiles), batches);
    sizes.push_back(
        arith::MaxUIOp::create(
            b, loc,
            arith::MinUIOp::create(
                b, loc, arith::CeilDivUIOp::create(b, loc, tokens, perSequence),
                cst(tokenTile)),
            cst(1))
            .getResult());
  }
  sizes.push_back(b.getIndexAttr(0));
  return sizes;
}

/// B * T of `op`, as an index.
Value tokenCount(OpBuilder &b, ApplyOp op) {
  Location loc = op.getLoc();
  SmallVector<Range> domain =
      cast<TilingInterface>(op.getOperation()).getIterationDomain(b);
  Value tokens = arith::ConstantIndexOp::create(b, loc, 1);
  for (const Range &r : ArrayRef(domain).drop_back())
    tokens = arith::MulIOp::create(
        b, loc, tokens, getValueOrCreateConstantIndexOp(b, loc, r.size));
  return tokens;
}

/// Tile sizes of a batch of few tokens (B * T < minTiles): one token, and
/// the heads split so that there are about minTiles tiles in all:
/// ceil(H / ceil(minTiles / (B * T))).
SmallVector<OpFoldResult> headSplitSizes(OpBuilder &b, ApplyOp op,
                                         int64_t minTiles) {
  Location loc = op.getLoc();
  SmallVector<Range> domain =
      cast<TilingInterface>(op.getOperation()).getIterationDomain(b);
  auto value = [&](OpFoldResult v) {
    return getValueOrCreateConstantIndexOp(b, loc, v);
  };
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<OpFoldResult> sizes(domain.size() - 1, b.getIndexAttr(1));
  Value tokens = tokenCount(b, op);
  Value splits = arith::CeilDivUIOp::create(
      b, loc, cst(minTiles), arith::MaxUIOp::create(b, loc, tokens, cst(1)));
  sizes.push_back(arith::MaxUIOp::create(
                      b, loc,
                      arith::CeilDivUIOp::create(b, loc, value(domain.back().size),
                                                 splits),
                      cst(1))
                      .getResult());
  return sizes;
}

/// The largest power of two, at most 64, that divides the byte size of
/// every row segment the kernel writes (rows, halves, the pass-through
/// part): with outputs aligned to it, every segment starts on such a
/// boundary and vector stores of that size can be aligned streaming stores
/// (see rope-nontemporal-stores). 0 below 16 bytes.
int64_t rowSegmentAlignment(ApplyOp op) {
  const int64_t rotaryDim = op.getEffectiveRotaryDim();
  int64_t segment =
      op.getPairing() == Pairing::Half ? rotaryDim / 2 : rotaryDim;
  int64_t alignment = 64;
  for (Value x : op.getInputs()) {
    auto type = cast<RankedTensorType>(x.getType());
    int64_t bytes = type.getElementTypeBitWidth() / 8;
    int64_t d = type.getShape().back();
    for (int64_t size : {d * bytes, segment * bytes, (d - rotaryDim) * bytes})
      while (size % alignment)
        alignment /= 2;
  }
  return alignment >= 16 ? alignment : 0;
}

/// Gives a fused table producer's destinations static tile buffers
/// ([1?, tokenTile, W], written in their first rows): the slice of a
/// whole-sequence tensor.empty they had would be one large heap buffer.
/// alloc_tensor, not tensor.empty: CSE would merge two identical empties and
/// the cos and sin tables would then share one buffer.
void useTileBuffers(RewriterBase &rewriter, Operation *table,
                    int64_t tokenTile) {
  for (OpOperand &init :
       cast<DestinationStyleOpInterface>(table).getDpsInitsMutable()) {
    auto slice = init.get().getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice || !slice.getSource().getDefiningOp<tensor::EmptyOp>() ||
        !slice.hasUnitStride())
      continue;
    RankedTensorType type = slice.getType();
    SmallVector<int64_t> shape(type.getShape());
    const int64_t tokenDim = type.getRank() - 2;
    if (ShapedType::isDynamic(shape.back()))
      continue;
    for (int64_t d = 0; d < tokenDim; ++d)
      shape[d] = 1;
    shape[tokenDim] = tokenTile;
    rewriter.setInsertionPoint(table);
    Location loc = table->getLoc();
    Value buffer = bufferization::AllocTensorOp::create(
        rewriter, loc, type.clone(shape), ValueRange{});
    SmallVector<OpFoldResult> zeros(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> ones(type.getRank(), rewriter.getIndexAttr(1));
    Value rows = tensor::ExtractSliceOp::create(
        rewriter, loc, buffer, zeros, slice.getMixedSizes(), ones);
    rewriter.modifyOpInPlace(table, [&] { init.set(rows); });
  }
}

/// Whether `producer` is a linalg op on tensors whose results reach nothing
/// but `consumer`, directly or through other such ops, or what is already
/// in `loop` (the tiled copies): fusing it computes each element once, in
/// the tile that reads it. A producer with other users is left whole.
bool feedsOnly(Operation *producer, Operation *consumer, Operation *loop,
               int depth = 0) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(producer);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() || depth > 8)
    return false;
  for (Operation *user : producer->getUsers()) {
    // Its shape read by the tile sizes or a run-time check: that is its
    // destination's (resolved after fusion).
    if (user == consumer || (loop && loop->isAncestor(user)) ||
        isa<tensor::DimOp>(user))
      continue;
    if (!feedsOnly(user, consumer, loop, depth + 1))
      return false;
  }
  return true;
}

using SizeFn =
    std::function<SmallVector<OpFoldResult>(OpBuilder &, ApplyOp)>;

/// Tiles `op` with tile sizes `sizes` into an scf.forall, fusing its table
/// producers, and replaces it.
LogicalResult tileAndFuse(RewriterBase &rewriter, ApplyOp op, SizeFn sizes,
                          int64_t tokenTile, bool fuseNeighbours,
                          bool blockMapping) {
  scf::SCFTilingOptions tiling;
  tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  tiling.setTileSizeComputationFunction(
      [sizes](OpBuilder &b, Operation *op) {
        return sizes(b, cast<ApplyOp>(op));
      });
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  // Fuse the table producers and the neighbours' linalg ops that compute
  // only what this op reads (a QK-norm before it): each tile computes its
  // slice of them. Not the destinations' producers.
  options.setFusionControlFn(
      [op, fuseNeighbours](tensor::ExtractSliceOp slice, OpResult producer,
                           bool isDestination)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        Operation *owner = producer.getOwner();
        if (isDestination)
          return std::nullopt;
        if (isa<CosSinOp, GatherOp, PositionsOp>(owner) ||
            (fuseNeighbours &&
             feedsOnly(owner, op, slice->getParentOfType<scf::ForallOp>())))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        return std::nullopt;
      });
  const int64_t alignment = rowSegmentAlignment(op);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(result))
    return op.emitOpError("could not be tiled");
  // Upstream fusion fuses a producer once per slice of its results: the cos
  // and the sin slice each get a copy of the table op, on equal slices. CSE
  // merges them (and the slices) before the tables get their buffers.
  if (!result->loops.empty()) {
    Operation *loop = result->loops.front().getOperation();
    DominanceInfo dominance;
    eliminateCommonSubExpressions(rewriter, dominance, loop);
    loop->walk([&](Operation *table) {
      if (isa<CosSinOp, GatherOp>(table))
        useTileBuffers(rewriter, table, tokenTile);
    });
    if (alignment)
      LoweringAttr::set(loop,
                        LoweringAttr::of(loop).withStoreAlignment(alignment));
    // A GPU block per tile; mapped loops also keep their single-iteration
    // form through canonicalization (a one-token decode step is a block).
    if (blockMapping) {
      auto forall = cast<scf::ForallOp>(loop);
      SmallVector<Attribute> mapping;
      const int64_t rank = forall.getRank();
      for (int64_t i = 0; i < rank; ++i)
        mapping.push_back(gpu::GPUBlockMappingAttr::get(
            rewriter.getContext(),
            static_cast<gpu::MappingId>(
                static_cast<int64_t>(gpu::MappingId::LinearDim0) + rank - 1 -
                i)));
      forall.setMappingAttr(rewriter.getArrayAttr(mapping));
    }
    // The neighbours' ops now computed per tile: vectorized with the rest.
    loop->walk([&](linalg::LinalgOp fused) {
      LoweringAttr::set(fused,
                        LoweringAttr::of(fused).withRole(Role::Fused));
    });
  }
  for (OpResult res : op->getResults())
    rewriter.replaceAllUsesWith(res, result->replacements.lookup(res));
  rewriter.eraseOp(op);
  // The untiled producers, once unused (consumers come first); their
  // shapes read from their destinations.
  for (Operation *producer : result->fusedProducers) {
    auto dps = dyn_cast<DestinationStyleOpInterface>(producer);
    for (Operation *user : llvm::make_early_inc_range(producer->getUsers()))
      if (auto dim = dyn_cast<tensor::DimOp>(user); dim && dps) {
        auto source = cast<OpResult>(dim.getSource());
        rewriter.setInsertionPoint(dim);
        rewriter.replaceOpWithNewOp<tensor::DimOp>(
            dim, dps.getDpsInits()[source.getResultNumber()], dim.getIndex());
      }
    if (producer->use_empty())
      rewriter.eraseOp(producer);
  }
  return success();
}

struct RopeTileAndFusePass
    : rope::impl::RopeTileAndFusePassBase<RopeTileAndFusePass> {
  using Base::Base;

  /// token-tile, or fewer tokens where the op's cos/sin tile tables
  /// ([tile, W] each) would take more than stack-table-bytes: they are
  /// meant for the stack, and on the heap a large tile would need malloc in
  /// every tile (and a failed malloc would go unnoticed).
  int64_t tileForStack(ApplyOp op) {
    auto table = cast<RankedTensorType>(op.getCos().getType());
    int64_t width = table.getShape().back();
    if (ShapedType::isDynamic(width) || width == 0)
      return tokenTile;
    int64_t bytesPerToken =
        2 * width * llvm::divideCeil(table.getElementTypeBitWidth(), 8);
    return std::clamp<int64_t>(stackTableBytes / bytesPerToken, 1, tokenTile);
  }

  void runOnOperation() override {
    if (tokenTile <= 0 || stackTableBytes <= 0) {
      getOperation()->emitError(
          "rope-tile-and-fuse needs token-tile > 0 and stack-table-bytes > 0");
      return signalPassFailure();
    }
    SmallVector<ApplyOp> ops;
    getOperation()->walk([&](ApplyOp op) {
      // A static size 0 anywhere: nothing to tile (the lowering passes the
      // empty outs through).
      bool empty = llvm::any_of(op->getOperandTypes(), [](Type t) {
        auto tensor = dyn_cast<RankedTensorType>(t);
        return tensor && llvm::is_contained(tensor.getShape(), 0);
      });
      if (!empty && !op->getParentOfType<scf::ForallOp>())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    int64_t min = minTiles;
    for (ApplyOp op : ops) {
      int64_t tile = tileForStack(op);
      SizeFn tokenSizes = [tile, min](OpBuilder &b, ApplyOp op) {
        return tileSizes(b, op, tile, min);
      };
      // With min-tiles <= 2 there is no batch of 2 .. min-tiles - 1 tokens.
      if (minTiles <= 2 || !splitHeads) {
        if (failed(tileAndFuse(rewriter, op, tokenSizes, tile, fuseNeighbours,
                                blockMapping)))
          return signalPassFailure();
        continue;
      }
      // A batch of 2 .. minTiles - 1 tokens splits its heads too; other
      // sizes (a decode step, longer sequences) keep heads whole, and with
      // them the static head loops of the common case.
      Location loc = op.getLoc();
      rewriter.setInsertionPoint(op);
      Value tokens = tokenCount(rewriter, op);
      Value few = arith::AndIOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                tokens,
                                arith::ConstantIndexOp::create(rewriter, loc,
                                                               minTiles)),
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::uge,
                                tokens,
                                arith::ConstantIndexOp::create(rewriter, loc,
                                                               2)));
      auto ifOp = scf::IfOp::create(rewriter, loc, op->getResultTypes(), few,
                                    /*withElseRegion=*/true);
      auto cloneInto = [&](Block *block) {
        rewriter.setInsertionPointToStart(block);
        auto copy = cast<ApplyOp>(rewriter.clone(*op));
        scf::YieldOp::create(rewriter, loc, copy->getResults());
        return copy;
      };
      ApplyOp split = cloneInto(ifOp.thenBlock());
      ApplyOp whole = cloneInto(ifOp.elseBlock());
      rewriter.replaceOp(op, ifOp.getResults());
      SizeFn headSizes = [min](OpBuilder &b, ApplyOp op) {
        return headSplitSizes(b, op, min);
      };
      if (failed(tileAndFuse(rewriter, split, headSizes, tile, fuseNeighbours,
                                blockMapping)) ||
          failed(tileAndFuse(rewriter, whole, tokenSizes, tile, fuseNeighbours,
                                blockMapping)))
        return signalPassFailure();
    }
  }
};
} // namespace
