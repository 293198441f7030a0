//===- MapForalls.cpp - rope-gpu-map-foralls pass -------------------------===//
//
// Bufferized block loops to gpu.launch: each top-level scf.forall becomes a
// launch with one block per iteration (run-time trip counts, which upstream's
// mapForallToBlocks does not take), its workgroup buffers become workgroup
// attributions, and the thread loops inside go to threads with upstream's
// mapNestedForallToThreadsImpl (a barrier after each).
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/TransformOps/GPUTransformOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEGPUMAPFORALLSPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {

bool isWorkgroup(MemRefType type) {
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

bool hasBlockMapping(scf::ForallOp forall) {
  std::optional<ArrayAttr> mapping = forall.getMapping();
  return mapping &&
         llvm::any_of(*mapping, llvm::IsaPred<gpu::GPUBlockMappingAttr>);
}

/// Whether `v` is a multiple of `n` by how it is computed (constants,
/// products with multiples, sums of multiples, affine maps thereof).
bool isMultipleOf(Value v, int64_t n, int depth = 0) {
  if (n <= 1)
    return true;
  if (depth > 8)
    return false;
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return *c % n == 0;
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto mul = dyn_cast<arith::MulIOp>(def))
    return isMultipleOf(mul.getLhs(), n, depth + 1) ||
           isMultipleOf(mul.getRhs(), n, depth + 1);
  if (auto add = dyn_cast<arith::AddIOp>(def))
    return isMultipleOf(add.getLhs(), n, depth + 1) &&
           isMultipleOf(add.getRhs(), n, depth + 1);
  if (auto linearize = dyn_cast<affine::AffineLinearizeIndexOp>(def)) {
    // sum of index_k * (product of the basis after k)
    SmallVector<int64_t> basis(linearize.getStaticBasis());
    ValueRange indices = linearize.getMultiIndex();
    if (basis.size() < indices.size())
      basis.insert(basis.begin(), indices.size() - basis.size(),
                   ShapedType::kDynamic);
    int64_t stride = 1;
    for (int64_t k = indices.size() - 1; k >= 0; --k) {
      if (!(stride != ShapedType::kDynamic && stride % n == 0) &&
          !isMultipleOf(indices[k], n, depth + 1))
        return false;
      stride = (stride == ShapedType::kDynamic ||
                ShapedType::isDynamic(basis[k]))
                   ? ShapedType::kDynamic
                   : stride * basis[k];
    }
    return true;
  }
  auto apply = dyn_cast<affine::AffineApplyOp>(def);
  if (!apply)
    return false;
  AffineMap map = apply.getAffineMap();
  // Substitute each operand that is a multiple of n by n * (fresh dim): the
  // expression is then a multiple of n structurally.
  SmallVector<AffineExpr> dims, syms;
  MLIRContext *ctx = v.getContext();
  unsigned fresh = map.getNumDims() + map.getNumSymbols();
  for (auto [i, operand] : llvm::enumerate(apply.getMapOperands())) {
    AffineExpr e = isMultipleOf(operand, n, depth + 1)
                       ? getAffineDimExpr(fresh + i, ctx) * n
                       : (i < map.getNumDims()
                              ? getAffineDimExpr(i, ctx)
                              : getAffineSymbolExpr(i - map.getNumDims(), ctx));
    (i < map.getNumDims() ? dims : syms).push_back(e);
  }
  AffineExpr e = map.getResult(0).replaceDimsAndSymbols(dims, syms);
  return e.isMultipleOf(n);
}

/// Alignment in bytes that a vector access of `vecType` at `indices` of
/// `memref` has, given 16-byte aligned buffers (the allocations and the
/// documented contract for callers' buffers): the largest power of two up
/// to 16 bytes and the vector's size that divides the byte offset the
/// indices prove.
uint64_t accessAlignment(MemRefType memref, ValueRange indices,
                         VectorType vecType) {
  const int64_t elementBytes = vecType.getElementTypeBitWidth() / 8;
  const int64_t bytes = vecType.getNumElements() * elementBytes;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (elementBytes == 0 ||
      failed(memref.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset))
    return std::max<int64_t>(elementBytes, 1);
  int64_t align = 16;
  while (align > bytes || align > 16)
    align /= 2;
  for (; align > elementBytes; align /= 2) {
    const int64_t lanes = align / elementBytes;
    if (offset % lanes)
      continue;
    // Row-major: a dynamic stride is still a multiple of the static sizes
    // inside it.
    SmallVector<int64_t> known = strides;
    if (memref.getLayout().isIdentity()) {
      int64_t inner = 1;
      for (int64_t d = memref.getRank() - 1; d >= 0; --d) {
        if (ShapedType::isDynamic(known[d]) && inner % lanes == 0)
          known[d] = inner;
        if (!memref.isDynamicDim(d))
          inner *= memref.getDimSize(d);
      }
    }
    if (llvm::all_of(llvm::zip(indices, known), [&](auto pair) {
          auto [index, stride] = pair;
          return (!ShapedType::isDynamic(stride) && stride % lanes == 0) ||
                 isMultipleOf(index, lanes);
        }))
      return align;
  }
  return elementBytes;
}

/// Constants and globals (constant tables) a kernel reads: defined in it,
/// so that outlining neither passes them as arguments nor loses the globals
/// (it copies referenced ones into the kernel's module). Last: pattern
/// drivers hoist constants to the function.
void sinkConstants(RewriterBase &rewriter, gpu::LaunchOp launch) {
  Block &body = launch.getBody().front();
  launch.walk([&](Operation *op) {
    if (op == launch)
      return;
    for (OpOperand &operand : op->getOpOperands()) {
      Operation *def = operand.get().getDefiningOp();
      if (!def || launch->isAncestor(def) || def->getNumOperands() ||
          def->getNumRegions() || !isPure(def) ||
          !(def->hasTrait<OpTrait::ConstantLike>() ||
            isa<memref::GetGlobalOp, vector::StepOp, ub::PoisonOp>(def)))
        continue;
      rewriter.setInsertionPointToStart(&body);
      Operation *clone = rewriter.clone(*def);
      rewriter.modifyOpInPlace(op, [&] {
        operand.set(
            clone->getResult(cast<OpResult>(operand.get()).getResultNumber()));
      });
    }
  });
}

struct RopeGPUMapForallsPass
    : rope::impl::RopeGPUMapForallsPassBase<RopeGPUMapForallsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ForallOp> blocks;
    getOperation()->walk([&](scf::ForallOp forall) {
      if (hasBlockMapping(forall))
        blocks.push_back(forall);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp forall : blocks)
      if (failed(mapToLaunch(rewriter, forall)))
        return signalPassFailure();
    setAlignments();
    getOperation()->walk(
        [&](gpu::LaunchOp launch) { sinkConstants(rewriter, launch); });
  }

  LogicalResult mapToLaunch(IRRewriter &rewriter, scf::ForallOp forall) {
    if (forall.getNumResults() != 0)
      return forall.emitOpError(
          "must be bufferized before rope-gpu-map-foralls");
    if (forall.getRank() > 3)
      return forall.emitOpError("has more than 3 dimensions: no grid for it");
    Location loc = forall.getLoc();
    rewriter.setInsertionPoint(forall);
    SmallVector<Value> lbs = getValueOrCreateConstantIndexOp(
        rewriter, loc, forall.getMixedLowerBound());
    SmallVector<Value> ubs = getValueOrCreateConstantIndexOp(
        rewriter, loc, forall.getMixedUpperBound());
    SmallVector<Value> steps =
        getValueOrCreateConstantIndexOp(rewriter, loc, forall.getMixedStep());
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    // Grid x is the innermost loop (the contiguous one), as for threads.
    SmallVector<Value> grid(3, one);
    const int64_t rank = forall.getRank();
    for (int64_t i = 0; i < rank; ++i) {
      Value extent = arith::SubIOp::create(rewriter, loc, ubs[i], lbs[i]);
      grid[rank - 1 - i] =
          arith::CeilDivUIOp::create(rewriter, loc, extent, steps[i]);
    }
    Value threads = arith::ConstantIndexOp::create(rewriter, loc, blockSize);
    auto launch = gpu::LaunchOp::create(rewriter, loc, grid[0], grid[1],
                                        grid[2], threads, one, one);
    Block &body = launch.getBody().front();
    rewriter.setInsertionPointToStart(&body);
    gpu::KernelDim3 ids = launch.getBlockIds();
    Value blockIds[3] = {ids.x, ids.y, ids.z};
    SmallVector<Value> ivs;
    for (int64_t i = 0; i < rank; ++i)
      ivs.push_back(arith::AddIOp::create(
          rewriter, loc, lbs[i],
          arith::MulIOp::create(rewriter, loc, blockIds[rank - 1 - i],
                                steps[i])));
    gpu::TerminatorOp::create(rewriter, loc);
    Operation *terminator = body.getTerminator();
    rewriter.eraseOp(forall.getTerminator());
    rewriter.inlineBlockBefore(forall.getBody(), terminator, ivs);
    rewriter.eraseOp(forall);

    // Workgroup buffers: attributions of the launch.
    SmallVector<memref::AllocOp> allocs;
    launch.walk([&](memref::AllocOp alloc) {
      if (isWorkgroup(alloc.getType()))
        allocs.push_back(alloc);
    });
    for (memref::AllocOp alloc : allocs) {
      if (!alloc.getType().hasStaticShape())
        return alloc.emitOpError("workgroup buffer needs a static shape");
      BlockArgument shared =
          launch.addWorkgroupAttribution(alloc.getType(), alloc.getLoc());
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      rewriter.replaceOp(alloc, shared);
    }
    // The CPU code generators' hints (rope.lowering) mean nothing here.
    launch.walk(
        [](Operation *op) { op->removeDiscardableAttr("rope.lowering"); });
    // Thread loops from 0 by 1, as the mapping takes them.
    SmallVector<scf::ForallOp> threadLoops;
    launch.walk([&](scf::ForallOp loop) { threadLoops.push_back(loop); });
    for (scf::ForallOp loop : threadLoops) {
      rewriter.setInsertionPoint(loop);
      if (failed(normalizeForallOp(rewriter, loop)))
        return loop.emitOpError("could not be normalized");
    }
    rewriter.setInsertionPointToStart(&body);
    DiagnosedSilenceableFailure mapped =
        transform::gpu::mapNestedForallToThreadsImpl(
            rewriter, std::nullopt, launch, {blockSize, 1, 1}, /*warpSize=*/32,
            /*syncAfterDistribute=*/true);
    if (!mapped.succeeded()) {
      InFlightDiagnostic diag =
          launch.emitOpError("could not map its thread loops to threads");
      if (mapped.isSilenceableFailure()) {
        SmallVector<Diagnostic> reasons;
        mapped.takeDiagnostics(reasons);
        for (Diagnostic &reason : reasons)
          diag.attachNote(reason.getLocation()) << reason.str();
      }
      return diag;
    }
    return success();
  }

  /// Transfers to plain loads and stores on the buffers (subviews folded
  /// in), each with the alignment its indices prove.
  void setAlignments() {
    // A thread's n-D vectors (several rows, the two halves of a pair) as
    // 1-D vectors: unrolled, what is left lowered to 1-D ops.
    // Contiguous n-D transfers (interleaved pairs) first become one 1-D
    // access each.
    RewritePatternSet flatten(&getContext());
    vector::populateFlattenVectorTransferPatterns(flatten, /*bitwidth=*/128);
    (void)applyPatternsGreedily(getOperation(), std::move(flatten));
    RewritePatternSet oneD(&getContext());
    vector::populateVectorUnrollPatterns(
        oneD, vector::UnrollVectorOptions()
                  .setNativeShapeFn(
                      [](Operation *op) -> std::optional<SmallVector<int64_t>> {
                        if (op->getNumResults() != 1)
                          return std::nullopt;
                        auto type =
                            dyn_cast<VectorType>(op->getResult(0).getType());
                        if (!type || type.getRank() < 2)
                          return std::nullopt;
                        SmallVector<int64_t> shape(type.getRank(), 1);
                        shape.back() = type.getShape().back();
                        return shape;
                      })
                  .setFilterConstraint([](Operation *op) {
                    return success(op->getParentOfType<gpu::LaunchOp>());
                  }));
    vector::populateCastAwayVectorLeadingOneDimPatterns(oneD);
    vector::populateVectorBroadcastLoweringPatterns(oneD);
    vector::populateVectorTransposeLoweringPatterns(
        oneD, vector::VectorTransposeLowering::EltWise);
    vector::populateVectorShapeCastLoweringPatterns(oneD);
    vector::populateVectorStepLoweringPatterns(oneD);
    vector::populateVectorInsertExtractStridedSliceTransforms(oneD);
    (void)applyPatternsGreedily(getOperation(), std::move(oneD));
    // n-D transfers (a thread's rows) unrolled into 1-D ones.
    RewritePatternSet unroll(&getContext());
    populateVectorToSCFConversionPatterns(
        unroll, VectorTransferToSCFOptions().enableFullUnroll());
    (void)applyPatternsGreedily(getOperation(), std::move(unroll));
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    memref::populateFoldMemRefAliasOpPatterns(patterns);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
    getOperation()->walk([&](Operation *op) {
      if (!op->getParentOfType<gpu::LaunchOp>())
        return;
      if (auto load = dyn_cast<vector::LoadOp>(op))
        load.setAlignment(accessAlignment(load.getMemRefType(),
                                          load.getIndices(),
                                          load.getVectorType()));
      else if (auto store = dyn_cast<vector::StoreOp>(op))
        store.setAlignment(accessAlignment(store.getMemRefType(),
                                           store.getIndices(),
                                           store.getVectorType()));
    });
  }
};
} // namespace
