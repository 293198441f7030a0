//===- Passes.h - pipeline pre- and post-condition checks -*- C++ -*-===//

#ifndef ROPE_PIPELINES_PASSES_H
#define ROPE_PIPELINES_PASSES_H

#include "mlir/Pass/Pass.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

namespace mlir::rope {
#define GEN_PASS_DECL
#include "rope/Pipelines/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "rope/Pipelines/Passes.h.inc"
} // namespace mlir::rope

#endif // ROPE_PIPELINES_PASSES_H
