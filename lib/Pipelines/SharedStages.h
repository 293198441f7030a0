//===- SharedStages.h - Pieces both pipelines build -------------*- C++ -*-===//

#ifndef ROPE_LIB_PIPELINES_SHAREDSTAGES_H
#define ROPE_LIB_PIPELINES_SHAREDSTAGES_H

#include "rope/Conversion/Passes.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Support/LLVM.h"

#include <optional>

namespace mlir {
class OpPassManager;
namespace rope {

/// The tiled form both pipelines start from: with `tiling`, the rope ops
/// tiled over tokens with their table producers fused (and, with its
/// fuse-neighbours, the neighbours: elementwise consumers, copies into
/// caches); then every rope op lowered to linalg, canonicalized.
void addRopeToTiledLinalgPasses(
    OpPassManager &pm, std::optional<RopeTileAndFusePassOptions> tiling,
    const ConvertRopeToLinalgPassOptions &toLinalg);

/// One-shot bufferization with identity-layout function boundaries, every
/// returned buffer the function's own.
void addBufferizationPasses(OpPassManager &pm);

/// rope-check-stage: `conditions` (see its description) hold after `stage`.
void addStageCheck(OpPassManager &pm, StringRef stage,
                   ArrayRef<StringRef> conditions);

} // namespace rope
} // namespace mlir

#endif // ROPE_LIB_PIPELINES_SHAREDSTAGES_H
