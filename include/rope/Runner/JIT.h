//===- JIT.h - Host JIT and memref descriptors for rope tools ---*- C++ -*-===//

#ifndef ROPE_RUNNER_JIT_H
#define ROPE_RUNNER_JIT_H

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace llvm::cl {
class OptionCategory;
} // namespace llvm::cl

namespace mlir::rope {

/// The opening of a tool that JIT-compiles for the host (after
/// llvm::InitLLVM): parses the command line, whose --help shows only
/// `category`'s options, then initializes the native target the JIT needs.
void initHostJITTool(int argc, char **argv, llvm::cl::OptionCategory &category,
                     StringRef overview);

/// JIT-compiles an LLVM-dialect module for the host CPU (its features,
/// O3), resolving external symbols from `sharedLibs` and the process.
llvm::Expected<std::unique_ptr<ExecutionEngine>>
createHostExecutionEngine(ModuleOp module, ArrayRef<StringRef> sharedLibs = {});

/// A strided memref descriptor laid out as the C interface expects:
/// {allocated, aligned, offset, sizes[rank], strides[rank]}, 8 bytes each,
/// for a row-major array at `data`.
std::vector<int64_t> makeDescriptor(void *data, ArrayRef<int64_t> shape);

} // namespace mlir::rope

#endif // ROPE_RUNNER_JIT_H
