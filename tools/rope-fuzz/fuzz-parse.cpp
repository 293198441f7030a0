//===- fuzz-parse.cpp - libFuzzer target: parse and verify rope IR --------===//
//
// Any text: parsing and verification must end in success or diagnostics,
// never a crash, hang or sanitizer report.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(rope::fuzz::fuzzRegistry(),
                      MLIRContext::Threading::DISABLED);
  context.allowUnregisteredDialects(false);
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) { return success(); });
  // MLIR's lexer reads up to a terminating NUL, as every file buffer has
  // one; libFuzzer's buffer does not, so it is copied into a string.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
  if (module)
    (void)verify(*module);
  return 0;
}
