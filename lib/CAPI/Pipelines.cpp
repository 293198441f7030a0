//===- Pipelines.cpp - C API for the rope passes and pipelines ------------===//

#include "rope-c/Pipelines.h"

#include "rope/InitAllRope.h"
#include "rope/Pipelines/Pipelines.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Pass.h"
#include "mlir/CAPI/Support.h"
#include "mlir/CAPI/Utils.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::rope;

void mlirRopeRegisterPipelineDependencies(MlirDialectRegistry registry) {
  registerRopePipelineDependencies(*unwrap(registry));
}

void mlirRopeRegisterPasses(void) { registerAllRopePasses(); }

namespace {
/// Parses `options` into the pipeline's options struct and builds it on
/// `pm`; parse errors go to the callback.
template <typename OptionsT, typename BuildFn>
MlirLogicalResult build(MlirOpPassManager pm, MlirStringRef options,
                        MlirStringCallback errorCallback, void *userData,
                        BuildFn buildPipeline) {
  std::string message;
  llvm::raw_string_ostream os(message);
  OptionsT parsed;
  if (failed(parsed.parseFromString(unwrap(options), os))) {
    if (errorCallback)
      errorCallback(wrap(llvm::StringRef(message)), userData);
    return mlirLogicalResultFailure();
  }
  buildPipeline(*unwrap(pm), parsed);
  return mlirLogicalResultSuccess();
}
} // namespace

MlirLogicalResult mlirRopeBuildCPUPipeline(MlirOpPassManager pm,
                                           MlirStringRef options,
                                           MlirStringCallback errorCallback,
                                           void *userData) {
  return build<RopeCPUPipelineOptions>(pm, options, errorCallback, userData,
                                       buildRopeCPUPipeline);
}

MlirLogicalResult mlirRopeBuildGPUPipeline(MlirOpPassManager pm,
                                           MlirStringRef options,
                                           MlirStringCallback errorCallback,
                                           void *userData) {
  return build<RopeGPUPipelineOptions>(pm, options, errorCallback, userData,
                                       buildRopeGPUPipeline);
}
