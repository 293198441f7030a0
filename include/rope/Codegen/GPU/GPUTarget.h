//===- GPUTarget.h - The target facts of the NVIDIA backend -----*- C++ -*-===//
//
// The NVIDIA target the GPU pipeline compiles for, resolved once from its
// description (an SM name, PTX features, the binary format) by the pipeline
// builder, as CPUTarget is for CPUs.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_CODEGEN_GPU_GPUTARGET_H
#define ROPE_CODEGEN_GPU_GPUTARGET_H

#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::rope {

struct GPUTarget {
  /// As LLVM's NVPTX backend spells it: "sm_90", "sm_90a".
  std::string chip;
  /// PTX features, "+ptx80".
  std::string features;
  /// gpu.binary contents: "isa" (PTX), "bin" (cubin) or "fatbin".
  std::string format;
  /// 90 for sm_90 and sm_90a.
  unsigned smVersion = 0;
  /// The highest PTX ISA version the features name (80 for +ptx80).
  unsigned ptxVersion = 0;

  /// Checks every name against what LLVM 22's NVPTX backend knows: an SM it
  /// has, PTX at least the first version with that SM (a lower one aborts
  /// LLVM). Fails with one line per problem in `error`.
  static FailureOr<GPUTarget> resolve(StringRef chip, StringRef features,
                                      StringRef format, std::string &error);
};

} // namespace mlir::rope

#endif // ROPE_CODEGEN_GPU_GPUTARGET_H
