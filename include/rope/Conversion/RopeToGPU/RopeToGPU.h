//===- RopeToGPU.h - rope to gpu lowering -----------------------*- C++ -*-===//

#ifndef ROPE_CONVERSION_ROPETOGPU_ROPETOGPU_H
#define ROPE_CONVERSION_ROPETOGPU_ROPETOGPU_H

#include <cstdint>

namespace mlir {
class RewritePatternSet;
namespace rope {
/// Adds the pattern that lowers rope.rotate to a gpu.launch with blocks of
/// `blockSize` threads.
void populateRopeToGPUConversionPatterns(RewritePatternSet &patterns,
                                         int64_t blockSize = 128);
} // namespace rope
} // namespace mlir

#endif // ROPE_CONVERSION_ROPETOGPU_ROPETOGPU_H
