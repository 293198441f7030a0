//===- PipelineGuards.h - What stops a pipeline before it runs --*- C++ -*-===//
//
// Pipeline builders cannot fail: a builder given options it cannot use, or a
// pass manager it cannot fill, adds a pass that fails with the reason.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_LIB_PIPELINES_PIPELINEGUARDS_H
#define ROPE_LIB_PIPELINES_PIPELINEGUARDS_H

#include "rope/Pipelines/Pipelines.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <memory>
#include <string>

namespace mlir::rope {

/// An op-agnostic pass that emits `message` as an error on its op and fails.
std::unique_ptr<Pass> createReportErrorPass(std::string message);

/// Whether the pipeline `name` can be built on `pm` with `options` (anchor,
/// then options.verify); if not, `pm` gets a failing pass with the reasons.
template <typename OptionsT>
bool checkPipelineCanBuild(OpPassManager &pm, StringRef name,
                           const OptionsT &options) {
  if (!checkPipelineAnchor(pm, name))
    return false;
  std::string message;
  llvm::raw_string_ostream os(message);
  if (options.verify(os))
    return true;
  pm.addPass(createReportErrorPass((name + ": " + StringRef(message).rtrim())
                                       .str()));
  return false;
}

/// The target `options` describe, or nullopt after adding to `pm` a pass
/// that fails with the reason (the pipeline `name` then stops there).
std::optional<CPUTarget> resolveTarget(OpPassManager &pm, StringRef name,
                                       const RopeCPUPipelineOptions &options);
std::optional<GPUTarget> resolveTarget(OpPassManager &pm, StringRef name,
                                       const RopeGPUPipelineOptions &options);

} // namespace mlir::rope

#endif // ROPE_LIB_PIPELINES_PIPELINEGUARDS_H
