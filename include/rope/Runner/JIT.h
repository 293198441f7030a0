//===- JIT.h - Host JIT and memref descriptors for rope tools ---*- C++ -*-===//

#ifndef ROPE_RUNNER_JIT_H
#define ROPE_RUNNER_JIT_H

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mlir::rope {

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
