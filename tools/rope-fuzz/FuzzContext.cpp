//===- FuzzContext.cpp - Shared set-up of the rope fuzz targets -----------===//

#include "FuzzContext.h"

#include "rope/InitAllRope.h"


#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

const DialectRegistry &mlir::rope::fuzz::fuzzRegistry() {
  static DialectRegistry *registry = [] {
    rope::registerAllRopePasses();
    auto *r = new DialectRegistry;
    rope::registerAllRopeDialects(*r);
    return r;
  }();
  return *registry;
}

void mlir::rope::fuzz::reportDefect(const std::string &what,
                                    const std::string &input,
                                    const std::string &diagnostics) {
  llvm::errs() << "rope-fuzz: " << what << "\n--- input ---\n"
               << input << "\n--- diagnostics ---\n"
               << diagnostics << "\n";
  std::abort();
}
