//===- CPUPipeline.cpp - rope ops to the LLVM dialect for CPUs ------------===//

#include "rope/Pipelines/Pipelines.h"

#include "PipelineGuards.h"
#include "SharedStages.h"

#include "rope/Codegen/CPU/Passes.h"
#include "rope/Conversion/Passes.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"
#include "rope/ABI/Passes.h"
#include "rope/Codegen/Common/Passes.h"
#include "rope/Codegen/GPU/Passes.h"
#include "rope/Pipelines/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/Threading.h"

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Tiles to aim for: min-tiles, else the threads the tiles will run on.
int64_t minTilesOf(const RopeCPUPipelineOptions &options) {
  if (!options.parallel)
    return 1;
  if (options.minTiles > 0)
    return options.minTiles;
  if (options.numThreads > 0)
    return options.numThreads;
  return std::max<int64_t>(1, llvm::hardware_concurrency().compute_thread_count());
}
} // namespace

void mlir::rope::buildRopeToLinalgStage(OpPassManager &pm,
                                        const RopeCPUPipelineOptions &options,
                                        const CPUTarget &) {
  if (options.raise)
    pm.addPass(createRopeRaisePass());
  if (options.emitCInterface)
    pm.addPass(createRopeHalfScalarsAsBitsPass());
  if (options.destinationResults)
    pm.addPass(createRopeDestinationResultsPass());
  pm.addPass(createRopeCheckDimIndicesPass());
  // q and k of one attention: one loop nest, one cos/sin per token.
  pm.addPass(createRopeMergeRotationsPass());
  RopeInsertRuntimeChecksPassOptions checks;
  // Statuses carry fixed messages: no sizes printed.
  checks.printSizes = !options.statusChecks;
  pm.addPass(createRopeInsertRuntimeChecksPass(checks));
  // Cache slices at run-time offsets, before anything is written into them.
  pm.addNestedPass<func::FuncOp>(createRopeCheckSliceBoundsPass());
  pm.addPass(createRopeFoldFrequenciesPass());
  pm.addPass(createRopeDecomposeRotatePass());
  // A norm written op by op as the one generic a hand-written one is.
  if (options.tokenTile > 0 && options.fuseNeighbours)
    pm.addNestedPass<func::FuncOp>(createRopeFuseElementwiseNeighboursPass());
  // torch's pow(x, 2.0): a multiplication, not a libm call per element.
  pm.addPass(createRopeExpandSquarePowFPass());
  // keepdim reductions (t, h, 0) as (t, h): tile-and-fuse needs projected
  // permutations; the canonicalizer folds the reshapes left between them.
  pm.addPass(createRopeDropConstantUnitDimsPass());
  pm.addPass(createRopeFoldTensorCopiesPass());
  // Folds rope.inv_freq of compile-time frequencies to constants.
  pm.addPass(createCanonicalizerPass());
  // Before tiling: a table copy is made once per call, not per tile.
  pm.addPass(createRopeCopyStridedTablesPass());
  std::optional<RopeTileAndFusePassOptions> tiling;
  if (options.tokenTile > 0) {
    tiling.emplace();
    tiling->tokenTile = options.tokenTile;
    tiling->minTiles = minTilesOf(options);
    tiling->stackTableBytes = kTileTableStackBytes;
    tiling->fuseNeighbours = options.fuseNeighbours;
  }
  addRopeToTiledLinalgPasses(pm, tiling, ConvertRopeToLinalgPassOptions());
  if (options.tokenTile > 0 && options.fuseNeighbours) {
    // A fused neighbour's elementwise op computed in the rotation's body.
    pm.addPass(createRopeFuseIntoRotationPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    // A fused neighbour's row sums computed row by row with the rotation.
    pm.addPass(createRopeFuseRowsPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  addStageCheck(pm, "rope-to-linalg", {"no-rope-ops"});
}

void mlir::rope::buildRopeVectorizationStage(
    OpPassManager &pm, const RopeCPUPipelineOptions &options,
    const CPUTarget &target) {
  // Untiled ops stay linalg ops for the loops of the lowering stage.
  if (options.tokenTile <= 0)
    return;
  RopeVectorizePassOptions vectorize;
  vectorize.vectorWidth = options.vectorWidth > 0
                              ? int64_t(options.vectorWidth)
                              : target.f32Lanes();
  pm.addPass(createRopeVectorizePass(vectorize));
  // A tile's token count read off a reshaped empty tensor (tensor.dim of
  // its expand_shape) kept that tensor, and bufferization then allocated it
  // on the heap per tile (the fp8 graphs): the count from its operands.
  pm.addNestedPass<func::FuncOp>(memref::createResolveShapedTypeResultDimsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Table reads (pure on tensors) out of the loops over heads.
  pm.addPass(createLoopInvariantCodeMotionPass());
  addStageCheck(pm, "vectorization", {"vectorized"});
}

void mlir::rope::buildRopeBufferizationStage(OpPassManager &pm,
                                             const RopeCPUPipelineOptions &,
                                             const CPUTarget &) {
  addBufferizationPasses(pm);
  addStageCheck(pm, "bufferization", {"no-tensors"});
}

void mlir::rope::buildRopeParallelizationStage(
    OpPassManager &pm, const RopeCPUPipelineOptions &options,
    const CPUTarget &target) {
  // A paged cache's row loop (a slot per token through a block table) runs
  // in the token tiles that write its rows.
  if (options.fuseNeighbours) {
    pm.addNestedPass<func::FuncOp>(createRopeFuseRowLoopsPass());
    // ... and rows it copies from a buffer of the tile's (the rotated keys)
    // are written in their slots.
    pm.addNestedPass<func::FuncOp>(createRopeForwardRowCopiesPass());
  }
  // One sweep over a tile's tokens (partial rotary: copy and rotation).
  pm.addNestedPass<func::FuncOp>(createRopeFuseTokenLoopsPass());
  const int64_t walkRows = options.pageWalkRows >= 0 ? options.pageWalkRows
                                                     : target.pageWalkRows();
  if (walkRows >= 2) {
    RopePageWalkPassOptions walk;
    walk.pageBytes = target.pageBytes;
    walk.rowsPerIteration = walkRows;
    walk.minBytes = options.pageWalkMinBytes;
    walk.maxElementBytes = options.pageWalkMaxElementBytes;
    walk.interleaveSegments = options.pageWalkSegments;
    pm.addPass(createRopePageWalkPass(walk));
  }
  // A tile's buffers sized by its token count (a fused norm's row sums)
  // get their bound: static, so on the stack below, not a malloc per tile.
  RopeBoundTileBuffersPassOptions bounded;
  bounded.maxBytes = kTileTableStackBytes;
  pm.addNestedPass<func::FuncOp>(createRopeBoundTileBuffersPass(bounded));
  // Tile tables are static and small: keep them on the stack.
  bufferization::PromoteBuffersToStackPassOptions stack;
  stack.maxAllocSizeInBytes = kTileTableStackBytes;
  stack.maxRankOfAllocatedMemRef = 3;
  pm.addNestedPass<func::FuncOp>(
      bufferization::createPromoteBuffersToStackPass(stack));
  // Without threads the tile loops run in sequence: one table for all of
  // them (with threads, rope-forall-to-openmp gives each thread its own).
  if (!options.parallel)
    pm.addNestedPass<func::FuncOp>(createRopeHoistLoopAllocasPass());
  // Heap buffers that do not escape (the result of one rope op consumed by
  // another) are freed; without this every call leaked them.
  pm.addPass(createRopeFreeLocalBuffersPass());
  if (options.nontemporalStores) {
    RopeNontemporalStoresPassOptions streaming;
    // Outputs that fit in the last-level cache are read from it by what
    // comes next; streaming them would send them to memory.
    streaming.minBytes = target.llcBytes;
    pm.addPass(createRopeNontemporalStoresPass(streaming));
  }
  // A single tile (a decode step) runs on the caller, outside OpenMP.
  // The other tiles run on OpenMP threads, a block of tiles each.
  if (options.parallel) {
    pm.addPass(createRopeSequentialSingleTilePass());
    RopeForallToOpenMPPassOptions omp;
    omp.numThreads = options.numThreads;
    pm.addPass(createRopeForallToOpenMPPass(omp));
  }
  pm.addPass(createForallToParallelLoopPass());
  pm.addPass(createCanonicalizerPass());
  // After canonicalization, which turns in-bounds transfers into loads.
  if (options.prefetchDistance > 0) {
    RopePrefetchPassOptions prefetch;
    prefetch.distance = options.prefetchDistance;
    prefetch.lineBytes = target.cacheLineBytes;
    pm.addPass(createRopePrefetchPass(prefetch));
  }
  if (options.pipelineRowLoads) {
    pm.addPass(createRopePipelineRowLoadsPass());
    pm.addPass(createCanonicalizerPass());
  }
  addStageCheck(pm, "parallelization", {"no-foralls"});
}

void mlir::rope::buildRopeCPULoweringStage(
    OpPassManager &pm, const RopeCPUPipelineOptions &options,
    const CPUTarget &target) {
  // C callers' descriptors are checked against the types the code trusts.
  if (options.emitCInterface)
    pm.addPass(createRopeCheckDescriptorsPass());
  pm.addPass(createRopeCheckAllocationsPass());
  if (options.statusChecks)
    pm.addPass(createRopeChecksToStatusPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // 2-D transfers (the pair dimension) unroll into 1-D loads and stores
  // instead of going through a stack buffer.
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));

  pm.addPass(createRopeFlattenStridedGathersPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // convert-scf-to-openmp wraps loop bodies in memref.alloca_scope, which
  // must be lowered while its region is still a single block.
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  if (options.emitCInterface)
    pm.addPass(createRopeEmitCInterfacePass());
  // Without native bf16 conversions LLVM calls compiler-rt's __truncsfbf2,
  // which the JIT cannot resolve; expand bf16 casts to integer arithmetic.
  // CPU targets (x86, AArch64, RISC-V) have default NaNs with zero low bits.
  // The integer rounding is exact for subnormals; the hardware's flushes
  // them, so it is opt-in.
  const bool nativeBF16 =
      options.nativeBF16Conversion && target.hasNativeBF16Conversion();
  if (nativeBF16)
    pm.addPass(createRopeX86PackBF16Pass());
  RopeExpandBF16PassOptions bf16Options;
  bf16Options.defaultNanLowBitsZero = true;
  bf16Options.funnelShiftMerge = target.hasFunnelShifts();
  bf16Options.nativeTrunc = nativeBF16;
  pm.addPass(createRopeExpandBF16Pass(bf16Options));
  // Complex arithmetic of unraised programs (Meta's view_as_complex form):
  // to arith/math, then the remaining create/re/im to LLVM structs.
  pm.addPass(createConvertComplexToStandardPass());
  arith::ArithExpandOpsPassOptions expandOptions;
  expandOptions.includeBf16 = !nativeBF16;
  pm.addPass(arith::createArithExpandOpsPass(expandOptions));
  // math.fpowi by a constant (torch's pow(x, 2)) as multiplications: vectors
  // of it have no LLVM form (llvm.powi takes a scalar exponent).
  math::MathExpandOpsPassOptions powi;
  powi.opMnemonics = {"fpowi"};
  pm.addPass(math::createMathExpandOpsPass(powi));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertComplexToLLVMPass());
  // fp8 conversions as integer arithmetic, fp8 constants as i8: after the
  // folding passes above, which would fold those bitcasts back.
  pm.addPass(createRopeExpandF8Pass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  // A program partitioned by the shard dialect and lowered with
  // convert-shard-to-mpi asks MPI for its rank (docs/scale-out.md); the MPI
  // calls follow the module's DLTI "MPI:Implementation".
  pm.addPass(createRopeLowerMPIPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // x86 has no legal bf16 vector type: its bf16 loads and stores go as i16.
  if (target.isX86())
    pm.addPass(createRopeBF16VectorMemoryAsI16Pass());
  pm.addPass(createCanonicalizerPass());
  addRopePipelineOutputCheck(pm, {"builtin", "llvm", "omp"},
                             "rope-cpu-pipeline");
}

void mlir::rope::buildRopeCPUPipeline(OpPassManager &pm,
                                      const RopeCPUPipelineOptions &options) {
  if (!checkPipelineCanBuild(pm, "rope-cpu-pipeline", options))
    return;
  std::optional<CPUTarget> target =
      resolveTarget(pm, "rope-cpu-pipeline", options);
  if (!target)
    return;
  // MPI: the rank queries of a program partitioned for several processes.
  addRopePipelineInputCheck(pm, "rope-cpu-pipeline", {"mpi"});
  for (auto stage : {buildRopeToLinalgStage, buildRopeVectorizationStage,
                     buildRopeBufferizationStage,
                     buildRopeParallelizationStage, buildRopeCPULoweringStage})
    stage(pm, options, *target);
}

void mlir::rope::registerRopePassesAndPipelines() {
  registerRopePasses();
  registerRopeCommonCodegenPasses();
  registerRopeCPUPasses();
  registerRopeABIPasses();
  registerRopeGPUPasses();
  registerRopePipelinePasses();
  registerRopeConversionPasses();
  registerRopePipelines();
}

void mlir::rope::registerRopePipelines() {
  PassPipelineRegistration<RopeCPUPipelineOptions>(
      "rope-cpu-pipeline",
      "Lower rope ops to the LLVM dialect for CPUs (rope -> linalg -> "
      "bufferized loops -> LLVM)",
      buildRopeCPUPipeline);
  // The stages alone, for tests and for drivers that interleave their own
  // passes. rope-to-linalg-stage lowers untiled (token-tile=0 by default).
  using CPUStage = void (*)(OpPassManager &, const RopeCPUPipelineOptions &,
                            const CPUTarget &);
  auto registerCPUStages = [](const char *name, const char *description,
                              ArrayRef<CPUStage> stages, bool untiled) {
    PassPipelineRegistration<RopeCPUPipelineOptions>(
        name, description,
        [name, stages = SmallVector<CPUStage>(stages),
         untiled](OpPassManager &pm, const RopeCPUPipelineOptions &given) {
          RopeCPUPipelineOptions options;
          options.copyOptionValuesFrom(given);
          if (untiled && !given.tokenTile.hasValue())
            options.tokenTile = 0;
          if (!checkPipelineCanBuild(pm, name, options))
            return;
          std::optional<CPUTarget> target = resolveTarget(pm, name, options);
          if (!target)
            return;
          for (CPUStage stage : stages)
            stage(pm, options, *target);
        });
  };
  registerCPUStages("rope-to-linalg-stage",
                    "CPU pipeline stage 1: rope to linalg (untiled unless "
                    "token-tile is given)",
                    {buildRopeToLinalgStage}, /*untiled=*/true);
  registerCPUStages("rope-cpu-tiled-stage",
                    "CPU pipeline stages 1 and 1b: rope to token-tiled "
                    "linalg, vectorized",
                    {buildRopeToLinalgStage, buildRopeVectorizationStage},
                    /*untiled=*/false);
  registerCPUStages("rope-bufferization-stage",
                    "CPU pipeline stage 2: one-shot bufferization with "
                    "identity-layout function boundaries",
                    {buildRopeBufferizationStage}, /*untiled=*/false);
  registerCPUStages("rope-cpu-parallel-stage",
                    "CPU pipeline stage 2b: tables to the stack, token tiles "
                    "to OpenMP",
                    {buildRopeParallelizationStage}, /*untiled=*/false);
  PassPipelineRegistration<RopeGPUPipelineOptions>(
      "rope-gpu-pipeline",
      "Lower rope ops for NVIDIA GPUs: one gpu.launch per op (cos/sin once "
      "per token in shared memory, 16-byte accesses; with tiled, the tiled "
      "form of the CPU pipeline with its neighbours fused, a block per "
      "token), NVVM, PTX/cubin in a gpu.binary, host code calling the mgpu* "
      "runtime",
      buildRopeGPUPipeline);
  using GPUStage = void (*)(OpPassManager &, const RopeGPUPipelineOptions &,
                            const GPUTarget &);
  auto registerGPUStages = [](const char *name, const char *description,
                              ArrayRef<GPUStage> stages) {
    PassPipelineRegistration<RopeGPUPipelineOptions>(
        name, description,
        [name, stages = SmallVector<GPUStage>(stages)](
            OpPassManager &pm, const RopeGPUPipelineOptions &options) {
          if (!checkPipelineCanBuild(pm, name, options))
            return;
          if (std::optional<GPUTarget> target =
                  resolveTarget(pm, name, options))
            for (GPUStage stage : stages)
              stage(pm, options, *target);
        });
  };
  registerGPUStages("rope-gpu-tiled-stage",
                    "GPU pipeline stage 1: rope to the tiled form, one token "
                    "per block, linalg ops over the block's threads",
                    {buildRopeGPUTiledStage});
  PassPipelineRegistration<RopeGPUPipelineOptions>(
      "rope-to-gpu-stage",
      "GPU pipeline stages 1 and 2: rope to bufferized, async gpu.launch",
      [](OpPassManager &pm, const RopeGPUPipelineOptions &options) {
        if (!checkPipelineCanBuild(pm, "rope-to-gpu-stage", options))
          return;
        std::optional<GPUTarget> target =
            resolveTarget(pm, "rope-to-gpu-stage", options);
        if (!target)
          return;
        buildRopeGPUTiledStage(pm, options, *target);
        buildRopeToGPUStage(pm, options, *target);
      });
}
