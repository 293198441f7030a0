//===- AOTHeader.h - The C header of ahead-of-time kernels ------*- C++ -*-===//

#ifndef ROPE_TOOLS_ROPE_AOT_AOTHEADER_H
#define ROPE_TOOLS_ROPE_AOT_AOTHEADER_H

#include "mlir/IR/Types.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace rope_aot {
/// One kernel's C ABI: `int32_t _mlir_ciface_<name>(inputs..., outputs...)`,
/// tensors as pointers to strided memref descriptors, scalars by value.
struct KernelSignature {
  std::string name;
  llvm::SmallVector<mlir::Type> inputs;
  /// The function's results, written into caller-provided buffers, but
  /// those that update an argument.
  llvm::SmallVector<mlir::Type> outputs;
  /// Per input: whether a result updates it in its buffer (a KV cache).
  std::vector<bool> inputsUpdated;
  /// Message of status k at index k - 1.
  llvm::SmallVector<std::string> statusMessages;
};

/// Whether the header can express `type` (a ranked tensor or scalar of f16,
/// bf16, f32, f64, i1..i64 or index); else `why` says what is not.
bool isSupportedType(mlir::Type type, std::string &why);

/// Writes the header: descriptor structs, one declaration per kernel with its
/// arguments' element types and shapes, status codes and their messages.
void writeHeader(llvm::raw_ostream &os, llvm::StringRef guard,
                 llvm::StringRef description,
                 llvm::ArrayRef<KernelSignature> kernels, bool returnsStatus);
} // namespace rope_aot

#endif // ROPE_TOOLS_ROPE_AOT_AOTHEADER_H
