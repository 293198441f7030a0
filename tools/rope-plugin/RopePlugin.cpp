//===- RopePlugin.cpp - rope-mlir as a dialect and pass plugin ------------===//
//
// Loaded by a stock mlir-opt (linked to the same libMLIR):
//   mlir-opt --load-dialect-plugin=RopeMLIRPlugin.so \
//            --load-pass-plugin=RopeMLIRPlugin.so --rope-cpu-pipeline in.mlir
// The dialect half registers what the pipelines need
// (registerRopePipelineDependencies) and the rope ops' sharding models, the
// pass half the rope passes and pipelines under their command-line names.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/Transforms/ShardingInterfaceImpl.h"
#include "rope/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "RopeMLIR", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::rope::registerRopePipelineDependencies(*registry);
            mlir::rope::registerShardingInterfaceExternalModels(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "RopeMLIR", LLVM_VERSION_STRING, []() {
            mlir::rope::registerRopePassesAndPipelines();
          }};
}
