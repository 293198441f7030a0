//===- SharedStages.h - Pieces both pipelines build -------------*- C++ -*-===//

#ifndef ROPE_LIB_PIPELINES_SHAREDSTAGES_H
#define ROPE_LIB_PIPELINES_SHAREDSTAGES_H

#include "mlir/Support/LLVM.h"

namespace mlir {
class OpPassManager;
namespace rope {

/// One-shot bufferization with identity-layout function boundaries, every
/// returned buffer the function's own.
void addBufferizationPasses(OpPassManager &pm);

/// rope-check-stage: `conditions` (see its description) hold after `stage`.
void addStageCheck(OpPassManager &pm, StringRef stage,
                   ArrayRef<StringRef> conditions);

} // namespace rope
} // namespace mlir

#endif // ROPE_LIB_PIPELINES_SHAREDSTAGES_H
