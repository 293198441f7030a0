//===- MapForalls.cpp - rope-gpu-map-foralls pass -------------------------===//
//
// Bufferized block loops to gpu.launch: each top-level scf.forall becomes a
// launch with one block per iteration (run-time trip counts, which upstream's
// mapForallToBlocks does not take), its workgroup buffers become workgroup
// attributions, and the thread loops inside go to threads with upstream's
// mapNestedForallToThreadsImpl (a barrier after each). Its vector code is
// rope-gpu-vector-accesses's.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/TransformOps/GPUTransformOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

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

};
} // namespace
