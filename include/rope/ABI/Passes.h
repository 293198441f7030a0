//===- Passes.h - the C ABI of compiled functions -*- C++ -*-===//

#ifndef ROPE_ABI_PASSES_H
#define ROPE_ABI_PASSES_H

#include "mlir/Pass/Pass.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

namespace mlir::rope {
#define GEN_PASS_DECL
#include "rope/ABI/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

#endif // ROPE_ABI_PASSES_H
