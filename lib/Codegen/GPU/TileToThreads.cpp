//===- TileToThreads.cpp - rope-gpu-tile-to-threads pass ------------------===//
//
// The block level of the GPU lowering, on the tiled form both pipelines
// share: each token tile (a top-level scf.forall) becomes a thread block,
// and each linalg op in it is tiled into an scf.forall mapped to the block's
// threads (upstream tileUsingSCF), one 16-byte vector per thread along the
// contiguous dimension, then vectorized (upstream linalg::vectorize). A
// linalg op outside any token loop (a neighbour that was not fused) first
// gets a loop of its own over its outermost parallel dimension: a kernel of
// its own. What the ops of one block pass each other (the token's cos/sin,
// a norm's row sums) is allocated in workgroup memory.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "rope/Dialect/Rope/IR/RopeAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEGPUTILETOTHREADSPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {

/// Whether `op` is (inside) an scf.forall mapped to GPU threads.
bool inThreadLoop(Operation *op) {
  for (auto forall = op->getParentOfType<scf::ForallOp>(); forall;
       forall = forall->getParentOfType<scf::ForallOp>())
    if (auto mapping = forall.getMapping())
      if (llvm::any_of(*mapping, llvm::IsaPred<gpu::GPUThreadMappingAttr>))
        return true;
  return false;
}

/// A read of a stride-2 slice along the last dimension (one half of
/// interleaved pairs: x[..., 0::2] or x[..., 1::2]) as a contiguous read of
/// twice the elements and a vector.deinterleave: 16-byte loads instead of
/// one load per element. The even and odd halves read the same vector
/// (CSE), so a pair is loaded once.
struct ContiguousPairRead : OpRewritePattern<vector::TransferReadOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto slice = read.getBase().getDefiningOp<tensor::ExtractSliceOp>();
    VectorType type = read.getVectorType();
    if (!slice || read.getMask() || type.isScalable() ||
        !read.getPermutationMap().isMinorIdentity() ||
        !llvm::all_of(read.getInBoundsValues(), [](bool b) { return b; }))
      return failure();
    RankedTensorType sourceType = slice.getSourceType();
    const int64_t rank = sourceType.getRank();
    if (slice.getType().getRank() != rank)
      return failure();
    SmallVector<int64_t> strides(slice.getStaticStrides());
    std::optional<int64_t> offset =
        getConstantIntValue(slice.getMixedOffsets().back());
    std::optional<int64_t> size =
        getConstantIntValue(slice.getMixedSizes().back());
    if (strides.back() != 2 || !offset || !size ||
        sourceType.isDynamicDim(rank - 1) ||
        *offset - *offset % 2 + 2 * *size > sourceType.getDimSize(rank - 1) ||
        llvm::any_of(ArrayRef(strides).drop_back(),
                     [](int64_t s) { return s != 1; }))
      return failure();
    Location loc = read.getLoc();
    AffineExpr d0, d1;
    bindDims(rewriter.getContext(), d0, d1);
    SmallVector<Value> indices;
    for (int64_t d = 0; d < rank; ++d) {
      OpFoldResult index = read.getIndices()[d];
      OpFoldResult at =
          d + 1 < rank
              ? affine::makeComposedFoldedAffineApply(
                    rewriter, loc, d0 + d1,
                    {slice.getMixedOffsets()[d], index})
              : affine::makeComposedFoldedAffineApply(
                    rewriter, loc, d0 * 2 + (*offset - *offset % 2),
                    {index});
      indices.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, at));
    }
    // A 0-d read (one pair per row): both elements, one of them taken.
    if (type.getRank() == 0) {
      auto pair = VectorType::get({2}, type.getElementType());
      Value both = vector::TransferReadOp::create(
          rewriter, loc, pair, slice.getSource(), indices, read.getPadding(),
          ArrayRef<bool>{true});
      Value element = vector::ExtractOp::create(rewriter, loc, both,
                                                ArrayRef<int64_t>{*offset % 2});
      rewriter.replaceOpWithNewOp<vector::BroadcastOp>(read, type, element);
      return success();
    }
    SmallVector<int64_t> shape(type.getShape());
    shape.back() *= 2;
    auto wide = VectorType::get(shape, type.getElementType());
    Value both = vector::TransferReadOp::create(
        rewriter, loc, wide, slice.getSource(), indices, read.getPadding(),
        SmallVector<bool>(shape.size(), true));
    auto halves = vector::DeinterleaveOp::create(rewriter, loc, both);
    rewriter.replaceOp(read, *offset % 2 ? halves.getRes2()
                                         : halves.getRes1());
    return success();
  }
};

/// Largest divisor of `n` that is at most `limit`.
int64_t largestDivisorAtMost(int64_t n, int64_t limit) {
  for (int64_t d = std::min(n, limit); d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

/// Per-thread tile sizes of `op` (0: the dimension is not split): the
/// contiguous (last) dimension in 16-byte vectors, then the outer parallel
/// dimensions over the threads left, innermost first; reductions and small
/// dimensions that an input broadcasts over (the two halves of a pair, which
/// read the same inputs) stay whole in one thread.
FailureOr<SmallVector<int64_t>> threadTileSizes(linalg::LinalgOp op,
                                                int64_t blockSize,
                                                int64_t accessBytes,
                                                bool scalar) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.empty() || llvm::any_of(ranges, ShapedType::isDynamic))
    return failure();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  const int64_t n = ranges.size();
  SmallVector<int64_t> threads(n, 1);
  // Dimensions some input does not index (a broadcast) and that are small.
  llvm::SmallBitVector keep(n);
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.getNumResults() == 0)
      continue; // a scalar
    for (int64_t d = 0; d < n; ++d)
      if (!map.isFunctionOfDim(d) && ranges[d] <= 4)
        keep.set(d);
  }
  int64_t elementBits = 8;
  for (Value init : op.getDpsInits())
    elementBits = std::max<int64_t>(
        elementBits,
        getElementTypeOrSelf(init.getType()).getIntOrFloatBitWidth());
  int64_t available = blockSize;
  // Elements one access takes, along the innermost dimensions while they
  // are taken whole (interleaved pairs: several [.., 2] pairs).
  int64_t lanes =
      scalar ? 1 : std::max<int64_t>(1, accessBytes * 8 / elementBits);
  for (int64_t d = n - 1; d >= 0; --d) {
    if (!linalg::isParallelIterator(iterators[d]) || keep.test(d))
      continue;
    int64_t perThread = 1;
    if (lanes > 1) {
      perThread = std::min(lanes, ranges[d]);
      while (perThread > 1 && ranges[d] % perThread)
        perThread /= 2;
      lanes = perThread == ranges[d] ? lanes / perThread : 1;
    }
    threads[d] = largestDivisorAtMost(ranges[d] / perThread, available);
    available /= threads[d];
  }
  SmallVector<int64_t> sizes(n, 0);
  for (int64_t d = 0; d < n; ++d)
    if (threads[d] > 1)
      sizes[d] = ranges[d] / threads[d];
  // One thread for all of it: still a loop, so that one thread writes.
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; })) {
    auto it = llvm::find_if(iterators, linalg::isParallelIterator);
    if (it == iterators.end())
      return failure();
    int64_t d = std::distance(iterators.begin(), it);
    sizes[d] = ranges[d];
  }
  return sizes;
}

struct RopeGPUTileToThreadsPass
    : rope::impl::RopeGPUTileToThreadsPassBase<RopeGPUTileToThreadsPass> {
  using Base::Base;

  /// A reduction of run-time length (one reduction dimension, the parallel
  /// ones static: max(positions), one result) over the block's threads:
  /// thread t reduces its contiguous chunk into column t of a partials
  /// tensor (filled with the combiner's neutral element), then one merge
  /// reduces the columns into the op's init. (Upstream's
  /// tileReductionUsingForall writes every thread's partial to column 0
  /// when the parallel dimensions are not tiled.)
  LogicalResult splitOverThreads(IRRewriter &rewriter, linalg::LinalgOp op) {
    MLIRContext *ctx = &getContext();
    Location loc = op.getLoc();
    SmallVector<Operation *, 4> combiners;
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    Value combined =
        generic && op->getNumResults() == 1
            ? matchReduction(generic.getRegionOutputArgs(), 0, combiners)
            : Value();
    std::optional<TypedAttr> neutral;
    if (combined && combiners.size() == 1)
      neutral = arith::getNeutralElement(combiners.front());
    if (!neutral)
      return op->emitOpError("cannot be lowered by rope-gpu-pipeline: a "
                             "reduction of run-time length needs one "
                             "combining op with a neutral element");
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    const int64_t rank = iterators.size();
    const int64_t red = std::distance(
        iterators.begin(), llvm::find_if(iterators, linalg::isReductionIterator));
    auto initType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
    // Partials: the result's shape and one column per thread.
    SmallVector<int64_t> partialShape(initType.getShape());
    partialShape.push_back(blockSize);
    rewriter.setInsertionPoint(op);
    Value neutralValue = arith::ConstantOp::create(rewriter, loc, *neutral);
    Value partials =
        linalg::FillOp::create(
            rewriter, loc, neutralValue,
            ValueRange{tensor::EmptyOp::create(rewriter, loc, partialShape,
                                               initType.getElementType())})
            .getResult(0);
    SmallVector<OpFoldResult> ranges;
    for (Range range : op.createLoopRanges(rewriter, loc))
      ranges.push_back(range.size);
    AffineExpr t, n;
    bindDims(ctx, t);
    bindSymbols(ctx, n);
    const int64_t threads = blockSize;
    auto loop = scf::ForallOp::create(
        rewriter, loc, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(threads)},
        ValueRange{partials},
        rewriter.getArrayAttr({gpu::GPUThreadMappingAttr::get(
            ctx, gpu::MappingId::LinearDim0)}));
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(loop.getBody());
      Value tid = loop.getInductionVar(0);
      // [lo, hi) = [min(t c, N), min((t + 1) c, N)), c = ceil(N / T).
      AffineExpr chunk = n.ceilDiv(threads);
      OpFoldResult lo = affine::makeComposedFoldedAffineMin(
          rewriter, loc, AffineMap::get(1, 1, {t * chunk, n}, ctx),
          {tid, ranges[red]});
      OpFoldResult hi = affine::makeComposedFoldedAffineMin(
          rewriter, loc, AffineMap::get(1, 1, {(t + 1) * chunk, n}, ctx),
          {tid, ranges[red]});
      AffineExpr d0, d1;
      bindDims(ctx, d0, d1);
      OpFoldResult size = affine::makeComposedFoldedAffineApply(
          rewriter, loc, d1 - d0, {lo, hi});
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes(ranges);
      offsets[red] = lo;
      sizes[red] = size;
      // Its own column of the partials as its init.
      Value mine = loop.getRegionIterArgs()[0];
      SmallVector<OpFoldResult> colOffsets(initType.getRank(),
                                           rewriter.getIndexAttr(0));
      colOffsets.push_back(tid);
      SmallVector<OpFoldResult> colSizes =
          getAsIndexOpFoldResult(ctx, initType.getShape());
      colSizes.push_back(rewriter.getIndexAttr(1));
      SmallVector<OpFoldResult> ones(initType.getRank() + 1,
                                     rewriter.getIndexAttr(1));
      Value column = tensor::ExtractSliceOp::create(
          rewriter, loc, initType, mine, colOffsets, colSizes, ones);
      FailureOr<TilingResult> tiled =
          cast<TilingInterface>(op.getOperation())
              .getTiledImplementation(rewriter, offsets, sizes);
      if (failed(tiled))
        return op->emitOpError("could not be split over a block's threads");
      Operation *partial = tiled->tiledOps.front();
      rewriter.modifyOpInPlace(partial, [&] {
        cast<DestinationStyleOpInterface>(partial)
            .getDpsInitsMutable()[0]
            .assign(column);
        partial->getResult(0).setType(initType);
      });
      rewriter.setInsertionPointToStart(loop.getTerminator().getBody());
      tensor::ParallelInsertSliceOp::create(rewriter, loc,
                                            partial->getResult(0), mine,
                                            colOffsets, colSizes, ones);
    }
    // Merge: the columns reduced by the same combiner into the op's init.
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(initType.getRank() + 1),
        AffineMap::getMultiDimIdentityMap(initType.getRank() + 1, ctx)
            .getMajorSubMap(initType.getRank())};
    SmallVector<utils::IteratorType> mergeIterators(
        initType.getRank(), utils::IteratorType::parallel);
    mergeIterators.push_back(utils::IteratorType::reduction);
    Operation *combiner = combiners.front();
    auto merge = linalg::GenericOp::create(
        rewriter, loc, TypeRange{initType}, ValueRange{loop.getResult(0)},
        ValueRange{op.getDpsInits()[0]}, maps, mergeIterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Operation *clone = b.clone(*combiner);
          clone->setOperands(args);
          linalg::YieldOp::create(b, l, clone->getResult(0));
        });
    rewriter.replaceOp(op, merge.getResults());
    return success();
  }

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);
    if (blockSize < 1 || blockSize > 1024) {
      getOperation()->emitError()
          << "rope-gpu-tile-to-threads: block-size " << int64_t(blockSize)
          << " is out of range: expected 1..1024 (CUDA's threads per block)";
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> funcs(getOperation().getOps<func::FuncOp>());
    for (func::FuncOp func : funcs)
      if (failed(runOnFunction(rewriter, func)))
        return signalPassFailure();
  }

  LogicalResult runOnFunction(IRRewriter &rewriter, func::FuncOp func) {
    MLIRContext *ctx = &getContext();
    // 1. A linalg op outside every token loop: a loop of blocks of its own.
    SmallVector<linalg::LinalgOp> loose;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !op->getParentOfType<scf::ForallOp>())
        loose.push_back(op);
    });
    for (linalg::LinalgOp op : loose) {
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      auto it = llvm::find_if(iterators, linalg::isParallelIterator);
      if (it == iterators.end())
        return op->emitOpError("cannot be lowered by rope-gpu-pipeline: it "
                               "has no parallel dimension to run blocks over");
      SmallVector<OpFoldResult> sizes(iterators.size(),
                                      rewriter.getIndexAttr(0));
      sizes[std::distance(iterators.begin(), it)] = rewriter.getIndexAttr(1);
      scf::SCFTilingOptions options;
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      options.setTileSizes(sizes);
      options.setMapping({gpu::GPUBlockMappingAttr::get(
          ctx, gpu::MappingId::LinearDim0)});
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled))
        return op->emitOpError("could not be tiled into blocks");
      rewriter.replaceOp(op, tiled->replacements);
    }

    // 1b. A reduction of run-time length in a block (max(positions) of
    // run-time frequencies): its partial results over the threads
    // (upstream tileReductionUsingForall), merged after them.
    SmallVector<linalg::LinalgOp> longReductions;
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || inThreadLoop(op) ||
          !op->getParentOfType<scf::ForallOp>())
        return;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      SmallVector<utils::IteratorType> iterators =
          op.getIteratorTypesArray();
      bool dynamicReduction = false, dynamicParallel = false;
      for (auto [range, iterator] : llvm::zip(ranges, iterators)) {
        if (!ShapedType::isDynamic(range))
          continue;
        (linalg::isReductionIterator(iterator) ? dynamicReduction
                                               : dynamicParallel) = true;
      }
      if (dynamicReduction && !dynamicParallel &&
          llvm::count_if(iterators, linalg::isReductionIterator) == 1)
        longReductions.push_back(op);
    });
    for (linalg::LinalgOp op : longReductions)
      if (failed(splitOverThreads(rewriter, op)))
        return failure();

    // 2. What the ops of a block pass each other: workgroup memory.
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    SmallVector<Operation *> temporaries;
    func.walk([&](Operation *op) {
      if (isa<tensor::EmptyOp, bufferization::AllocTensorOp>(op) &&
          op->getParentOfType<scf::ForallOp>())
        temporaries.push_back(op);
    });
    for (Operation *op : temporaries) {
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      if (!type.hasStaticShape())
        return op->emitOpError("cannot be lowered by rope-gpu-pipeline: a "
                               "block's temporary needs a static shape "
                               "(workgroup memory)");
      rewriter.setInsertionPoint(op);
      auto alloc = bufferization::AllocTensorOp::create(
          rewriter, op->getLoc(), type, ValueRange{});
      alloc.setMemorySpaceAttr(workgroup);
      rewriter.replaceOp(op, alloc);
    }

    // 3. Every linalg op of a block: over the block's threads, vectorized.
    SmallVector<linalg::LinalgOp> blockOps;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !inThreadLoop(op))
        blockOps.push_back(op);
    });
    for (linalg::LinalgOp op : blockOps) {
      // A table's cos/sin (f64 range reduction, polynomials) is compute:
      // one element per thread, scalar (GPU threads have no vector math).
      const bool scalar = rope::LoweringAttr::hasRole(op, rope::Role::Table);
      FailureOr<SmallVector<int64_t>> sizes =
          threadTileSizes(op, blockSize, accessBytes, scalar);
      if (failed(sizes))
        return op->emitOpError(
            "cannot be lowered by rope-gpu-pipeline: the dimensions inside a "
            "block must be static and one of them parallel");
      SmallVector<Attribute> mapping;
      int64_t loops = llvm::count_if(*sizes, [](int64_t s) { return s; });
      for (int64_t k = 0; k < loops; ++k)
        mapping.push_back(gpu::GPUThreadMappingAttr::get(
            ctx, static_cast<gpu::MappingId>(
                     static_cast<int64_t>(gpu::MappingId::LinearDim0) +
                     loops - 1 - k)));
      scf::SCFTilingOptions options;
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      options.setTileSizes(getAsIndexOpFoldResult(ctx, *sizes));
      options.setMapping(mapping);
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled))
        return op->emitOpError("could not be tiled over threads");
      rewriter.replaceOp(op, tiled->replacements);
      for (Operation *tiledOp : tiled->tiledOps) {
        if (scalar)
          continue;
        rewriter.setInsertionPoint(tiledOp);
        FailureOr<linalg::VectorizationResult> vectorized =
            linalg::vectorize(rewriter, tiledOp, /*inputVectorSizes=*/{},
                              /*inputScalableVecDims=*/{},
                              /*vectorizeNDExtract=*/true);
        // An op the vectorizer cannot take runs as scalar loops.
        if (succeeded(vectorized))
          rewriter.replaceOp(tiledOp, vectorized->replacements);
      }
    }

    // Unit dimensions dropped, transfers 1-D: 16-byte loads and stores.
    RewritePatternSet patterns(ctx);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateVectorTransferDropUnitDimsPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerReduction);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    patterns.add<ContiguousPairRead>(ctx);
    return applyPatternsGreedily(func, std::move(patterns));
  }
};
} // namespace
