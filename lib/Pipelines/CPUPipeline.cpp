//===- CPUPipeline.cpp - rope ops to the LLVM dialect for CPUs ------------===//

#include "rope/Pipelines/Pipelines.h"

#include "rope/Conversion/Passes.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Marks public functions with llvm.emit_c_interface so that hosts can call
/// them through `_mlir_ciface_<name>`.
struct EmitCInterfacePass
    : PassWrapper<EmitCInterfacePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(EmitCInterfacePass)
  StringRef getArgument() const final { return "rope-emit-c-interface"; }
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                      UnitAttr::get(&getContext()));
  }
};
} // namespace

void mlir::rope::buildRopeToLinalgStage(OpPassManager &pm) {
  pm.addPass(createRopeFoldFrequenciesPass());
  pm.addPass(createConvertRopeToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::rope::buildRopeBufferizationStage(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(options));
  // In-place insert_slice leaves copies of a subview onto an identical
  // subview; CSE merges the subviews and canonicalization drops the copies.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::rope::buildRopeCPULoweringStage(
    OpPassManager &pm, const RopeCPUPipelineOptions &options) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  if (options.emitCInterface)
    pm.addPass(std::make_unique<EmitCInterfacePass>());
  // Without native bf16 conversions LLVM calls compiler-rt's __truncsfbf2,
  // which the JIT cannot resolve; expand bf16 casts to integer arithmetic.
  arith::ArithExpandOpsPassOptions expandOptions;
  expandOptions.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expandOptions));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::rope::buildRopeCPUPipeline(OpPassManager &pm,
                                      const RopeCPUPipelineOptions &options) {
  buildRopeToLinalgStage(pm);
  buildRopeBufferizationStage(pm);
  buildRopeCPULoweringStage(pm, options);
}

void mlir::rope::registerRopePipelines() {
  PassPipelineRegistration<RopeCPUPipelineOptions>(
      "rope-cpu-pipeline",
      "Lower rope ops to the LLVM dialect for CPUs (rope -> linalg -> "
      "bufferized loops -> LLVM)",
      buildRopeCPUPipeline);
  PassPipelineRegistration<>(
      "rope-to-linalg-stage",
      "CPU/GPU pipeline stage 1: fold frequencies, lower rope to linalg",
      buildRopeToLinalgStage);
  PassPipelineRegistration<>(
      "rope-bufferization-stage",
      "Pipeline stage 2: one-shot bufferization with identity-layout "
      "function boundaries",
      buildRopeBufferizationStage);
  PassRegistration<EmitCInterfacePass>();
}
