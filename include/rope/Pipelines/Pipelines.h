//===- Pipelines.h - rope compilation pipelines -----------------*- C++ -*-===//
//
// A pipeline is an options struct plus stage builders; each stage can also be
// run alone through `--pass-pipeline=` for testing.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_PIPELINES_PIPELINES_H
#define ROPE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
namespace rope {

struct RopeCPUPipelineOptions
    : public PassPipelineOptions<RopeCPUPipelineOptions> {
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Add llvm.emit_c_interface to public functions so that "
                     "C and rope-run can call them"),
      llvm::cl::init(true)};
};

/// Stage 1, rope -> linalg on tensors. Post-condition: no rope ops; every
/// frequency folded; only linalg/tensor/arith/math/scf/cf remain.
void buildRopeToLinalgStage(OpPassManager &pm);

/// Stage 2, bufferization. Post-condition: memrefs only; function results
/// are the only allocations; no memref.copy.
void buildRopeBufferizationStage(OpPassManager &pm);

/// Stage 3, loops to the LLVM dialect. Post-condition: LLVM dialect only.
void buildRopeCPULoweringStage(OpPassManager &pm,
                               const RopeCPUPipelineOptions &options);

/// The whole CPU pipeline: rope ops to the LLVM dialect.
void buildRopeCPUPipeline(OpPassManager &pm,
                          const RopeCPUPipelineOptions &options);

/// Registers `rope-cpu-pipeline` and its stages.
void registerRopePipelines();

} // namespace rope
} // namespace mlir

#endif // ROPE_PIPELINES_PIPELINES_H
