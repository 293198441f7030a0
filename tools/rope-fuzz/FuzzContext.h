//===- FuzzContext.h - Shared set-up of the rope fuzz targets ---*- C++ -*-===//

#ifndef ROPE_TOOLS_ROPE_FUZZ_FUZZCONTEXT_H
#define ROPE_TOOLS_ROPE_FUZZ_FUZZCONTEXT_H

#include "mlir/IR/DialectRegistry.h"

#include <string>

namespace mlir::rope::fuzz {
/// The registry every rope tool uses (dialects, interfaces, translations).
const DialectRegistry &fuzzRegistry();

/// Reports a defect the fuzzer found (`what`, the input and the
/// diagnostics) on stderr and aborts, so that libFuzzer saves the input.
[[noreturn]] void reportDefect(const std::string &what,
                               const std::string &input,
                               const std::string &diagnostics);
} // namespace mlir::rope::fuzz

#endif // ROPE_TOOLS_ROPE_FUZZ_FUZZCONTEXT_H
