//===- GPUPipeline.cpp - rope ops to NVVM / PTX / cubin -------------------===//

#include "rope/Pipelines/Pipelines.h"

#include "PipelineGuards.h"
#include "SharedStages.h"

#include "mlir/Dialect/Bufferization/Transforms/Passes.h"

#include "rope/Conversion/Passes.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"
#include "rope/ABI/Passes.h"
#include "rope/Codegen/Common/Passes.h"
#include "rope/Codegen/GPU/Passes.h"
#include "rope/Pipelines/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::rope;

void mlir::rope::buildRopeGPUTiledStage(OpPassManager &pm,
                                        const RopeGPUPipelineOptions &options,
                                        const GPUTarget &) {
  if (options.raise)
    pm.addPass(createRopeRaisePass());
  pm.addPass(createRopeCheckGPUHostOpsPass());
  if (options.emitCInterface) {
    pm.addPass(createRopeEmitCInterfacePass());
    pm.addPass(createRopeHalfScalarsAsBitsPass());
  }
  pm.addPass(createRopeCheckDimIndicesPass());
  // q and k of one attention: one kernel, one cos/sin per token.
  pm.addPass(createRopeMergeRotationsPass());
  // Shapes on the host; positions are device data, checked in the kernels
  // (NaN, below).
  RopeInsertRuntimeChecksPassOptions checks;
  checks.checkPositions = false;
  pm.addPass(createRopeInsertRuntimeChecksPass(checks));
  pm.addPass(createRopeFoldFrequenciesPass());
  pm.addPass(createRopeDecomposeRotatePass());
  // Named-op neighbours as generics, elementwise chains fused.
  if (options.fuseNeighbours)
    pm.addNestedPass<func::FuncOp>(createRopeFuseElementwiseNeighboursPass());
  // torch's pow(x, 2.0): a multiplication, not a libm call per element.
  pm.addPass(createRopeExpandSquarePowFPass());
  // keepdim reductions as the CPU pipeline takes them.
  pm.addPass(createRopeDropConstantUnitDimsPass());
  pm.addPass(createRopeFoldTensorCopiesPass());
  pm.addPass(createCanonicalizerPass());
  // The CPU pipeline's tiled form with one token per tile (a block).
  RopeTileAndFusePassOptions tiling;
  tiling.tokenTile = 1;
  tiling.minTiles = 1;
  tiling.splitHeads = false;
  tiling.blockMapping = true;
  tiling.fuseNeighbours = options.fuseNeighbours;
  ConvertRopeToLinalgPassOptions toLinalg;
  toLinalg.poisonInvalidPositions = true;
  toLinalg.magicNumberRounding = true;
  toLinalg.positionMaxAsReduction = true;
  addRopeToTiledLinalgPasses(pm, tiling, toLinalg);
  // A paged cache's row loop joins the token loop (there are no host loops).
  RopeFuseRowForallsPassOptions rows;
  rows.required = true;
  pm.addPass(createRopeFuseRowForallsPass(rows));
  // A fused elementwise consumer computed in the rotation's body: no trip
  // of the rotated tile through shared memory.
  if (options.fuseNeighbours) {
    pm.addPass(createRopeFuseIntoRotationPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  RopeGPUTileToThreadsPassOptions threads;
  threads.blockSize = options.blockSize;
  pm.addPass(createRopeGPUTileToThreadsPass(threads));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  addStageCheck(pm, "gpu-tiled", {"no-rope-ops"});
}

void mlir::rope::buildRopeToGPUStage(OpPassManager &pm,
                                     const RopeGPUPipelineOptions &options,
                                     const GPUTarget &) {
  addBufferizationPasses(pm);
  if (options.emitCInterface)
    pm.addPass(createRopeCheckDescriptorsPass());
  // What stayed scalar (a table's cos/sin) to loops inside its thread.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Buffers between kernels are freed after their last use.
  pm.addPass(createRopeFreeLocalBuffersPass());
  RopeGPUMapForallsPassOptions map;
  map.blockSize = options.blockSize;
  pm.addPass(createRopeGPUMapForallsPass(map));
  pm.addPass(createRopeGPUVectorAccessesPass());
  pm.addPass(createRopeGPUDeviceBuffersPass());
  pm.addPass(createRopeGPUDeviceReadsPass());
  // Outline before canonicalization hoists the kernels' constants out.
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createRopeAlignWorkgroupMemoryPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Chain gpu.alloc and gpu.launch_func as async ops on one stream: the
  // form gpu-to-llvm lowers to the mgpu* runtime calls.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  addStageCheck(pm, "rope-to-gpu", {"no-rope-ops", "no-tensors"});
}

void mlir::rope::buildRopeNVVMStage(OpPassManager &pm,
                                    const RopeGPUPipelineOptions &,
                                    const GPUTarget &target) {
  // math.fma/roundeven to LLVM intrinsics (fma.rn.f32, cvt.rni.f32.f32):
  // convert-gpu-to-nvvm would call libdevice for them, which then has to be
  // found and linked at compile time.
  // f64 exp/log (run-time frequencies) as arithmetic: no libdevice.
  pm.addNestedPass<gpu::GPUModuleOp>(createRopeGPUF64ExpLogPass());
  math::MathExpandOpsPassOptions powi; // see rope-cpu-pipeline
  powi.opMnemonics = {"fpowi"};
  pm.addNestedPass<gpu::GPUModuleOp>(math::createMathExpandOpsPass(powi));
  // What is left that NVPTX has no instruction for: an error naming it.
  pm.addNestedPass<gpu::GPUModuleOp>(createRopeCheckGPUMathPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertMathToLLVMPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createRopeGPUNativeIntrinsicsPass());
  // fp8 conversions as integer arithmetic: NVPTX has no fp8 type.
  pm.addNestedPass<gpu::GPUModuleOp>(createRopeExpandF8Pass());
  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = target.chip;
  nvvm.cubinFeatures = target.features;
  nvvm.cubinFormat = target.format;
  nvvm.optLevel = 3;
  gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
  addRopePipelineOutputCheck(pm, {"builtin", "llvm", "gpu"},
                             "rope-gpu-pipeline");
}

void mlir::rope::buildRopeGPUPipeline(OpPassManager &pm,
                                      const RopeGPUPipelineOptions &options) {
  if (!checkPipelineCanBuild(pm, "rope-gpu-pipeline", options))
    return;
  std::optional<GPUTarget> target =
      resolveTarget(pm, "rope-gpu-pipeline", options);
  if (!target)
    return;
  addRopePipelineInputCheck(pm, "rope-gpu-pipeline");
  for (auto stage :
       {buildRopeGPUTiledStage, buildRopeToGPUStage, buildRopeNVVMStage})
    stage(pm, options, *target);
}
