/*===-- rope-c/Pipelines.h - C API for the rope passes and pipelines -*- C -*-===*\
|*                                                                            *|
|* Registration of what the pipelines need, of the passes by name, and the    *|
|* CPU and GPU pipelines built into a caller's MlirOpPassManager.             *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef ROPE_C_PIPELINES_H
#define ROPE_C_PIPELINES_H

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Everything the two pipelines need in a context: the rope dialect, the
/// dialects they produce, upstream interface models and LLVM translations
/// (C++: mlir::rope::registerRopePipelineDependencies).
MLIR_CAPI_EXPORTED void
mlirRopeRegisterPipelineDependencies(MlirDialectRegistry registry);

/// The rope ops' ShardingInterface models (C++:
/// mlir::rope::registerShardingInterfaceExternalModels) and upstream's for
/// the arith, func, linalg and tensor ops around them, for partitioning with
/// the shard dialect's sharding-propagation and shard-partition
/// (docs/scale-out.md).
MLIR_CAPI_EXPORTED void
mlirRopeRegisterShardingInterfaceExternalModels(MlirDialectRegistry registry);

/// Registers the rope passes and pipelines by name, for
/// mlirOpPassManagerAddPipeline / mlirParsePassPipeline.
MLIR_CAPI_EXPORTED void mlirRopeRegisterPasses(void);

/// Adds rope-cpu-pipeline (GPU: rope-gpu-pipeline) to `pm` (nested on
/// builtin.module) with `options` in the pipeline's textual form
/// ("token-tile=16 parallel=false"; empty: the defaults). Malformed or
/// out-of-range options, and a `pm` anchored on an op other than
/// builtin.module, fail with the message passed to `errorCallback` (which
/// may be NULL); nothing is added to `pm` then.
MLIR_CAPI_EXPORTED MlirLogicalResult mlirRopeBuildCPUPipeline(
    MlirOpPassManager pm, MlirStringRef options,
    MlirStringCallback errorCallback, void *userData);
MLIR_CAPI_EXPORTED MlirLogicalResult mlirRopeBuildGPUPipeline(
    MlirOpPassManager pm, MlirStringRef options,
    MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* ROPE_C_PIPELINES_H */
