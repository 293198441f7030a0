//===- Pipelines.cpp - C API for the rope passes and pipelines ------------===//

#include "rope-c/Pipelines.h"

#include "rope/Dialect/Rope/Transforms/ShardingInterfaceImpl.h"
#include "rope/InitAllRope.h"
#include "rope/Pipelines/Pipelines.h"

#include "mlir/CAPI/IR.h"
#include "mlir/Dialect/Arith/Transforms/ShardingInterfaceImpl.h"
#include "mlir/Dialect/Func/Extensions/ShardingExtensions.h"
#include "mlir/Dialect/Linalg/Transforms/ShardingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Extensions/ShardingExtensions.h"
#include "mlir/CAPI/Pass.h"
#include "mlir/CAPI/Support.h"
#include "mlir/CAPI/Utils.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::rope;

void mlirRopeRegisterPipelineDependencies(MlirDialectRegistry registry) {
  registerRopePipelineDependencies(*unwrap(registry));
}

void mlirRopeRegisterShardingInterfaceExternalModels(
    MlirDialectRegistry registry) {
  DialectRegistry &r = *unwrap(registry);
  registerShardingInterfaceExternalModels(r);
  // The ops rope programs are written with (tensor.empty, linalg, arith,
  // func.return); registering one twice is harmless.
  arith::registerShardingInterfaceExternalModels(r);
  func::registerShardingInterfaceExternalModels(r);
  linalg::registerShardingInterfaceExternalModels(r);
  tensor::registerShardingInterfaceExternalModels(r);
}

void mlirRopeRegisterPasses(void) { registerAllRopePasses(); }

namespace {
/// Parses `options` into the pipeline's options struct and builds it on
/// `pm`; malformed or out-of-range options and a pass manager nested below
/// builtin.module fail, with the message passed to the callback.
template <typename OptionsT, typename BuildFn>
MlirLogicalResult build(MlirOpPassManager pm, MlirStringRef options,
                        MlirStringCallback errorCallback, void *userData,
                        StringRef name, BuildFn buildPipeline) {
  std::string message;
  llvm::raw_string_ostream os(message);
  OptionsT parsed;
  OpPassManager &passManager = *unwrap(pm);
  std::optional<StringRef> anchor = passManager.getOpName();
  if (anchor && *anchor != "builtin.module")
    os << name << " runs on a builtin.module, not nested on '"
       << *anchor
       << "': add it to a pass manager anchored on builtin.module";
  else if (succeeded(parsed.parseFromString(unwrap(options), os)) &&
           parsed.verify(os)) {
    buildPipeline(passManager, parsed);
    return mlirLogicalResultSuccess();
  }
  if (errorCallback)
    errorCallback(wrap(StringRef(message).rtrim()), userData);
  return mlirLogicalResultFailure();
}
} // namespace

MlirLogicalResult mlirRopeBuildCPUPipeline(MlirOpPassManager pm,
                                           MlirStringRef options,
                                           MlirStringCallback errorCallback,
                                           void *userData) {
  return build<RopeCPUPipelineOptions>(pm, options, errorCallback, userData,
                                       "rope-cpu-pipeline",
                                       buildRopeCPUPipeline);
}

MlirLogicalResult mlirRopeBuildGPUPipeline(MlirOpPassManager pm,
                                           MlirStringRef options,
                                           MlirStringCallback errorCallback,
                                           void *userData) {
  return build<RopeGPUPipelineOptions>(pm, options, errorCallback, userData,
                                       "rope-gpu-pipeline",
                                       buildRopeGPUPipeline);
}
