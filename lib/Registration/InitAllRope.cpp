//===- InitAllRope.cpp - Register everything rope provides ----------------===//

#include "rope/InitAllRope.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Dialect/Rope/Transforms/ShardingInterfaceImpl.h"
#include "rope/Pipelines/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void mlir::rope::registerAllRopeDialects(DialectRegistry &registry) {
  registry.insert<RopeDialect>();
  // Partitioning with the shard dialect (sharding-propagation, shard-partition).
  registerShardingInterfaceExternalModels(registry);
  // Users' IR mixes rope ops with func, arith, math, tensor, linalg, memref,
  // scf, vector, gpu, nvvm, llvm and bufferization; accept all of upstream.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary and the JIT translate to LLVM IR in-process.
  mlir::registerAllToLLVMIRTranslations(registry);
}

void mlir::rope::registerAllRopePasses() {
  mlir::registerAllPasses();
  registerRopePassesAndPipelines();
}
