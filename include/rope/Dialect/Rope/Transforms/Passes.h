//===- Passes.h - Rope dialect transformation passes ------------*- C++ -*-===//

#ifndef ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_H
#define ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

namespace mlir::rope {
#define GEN_PASS_DECL
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

#endif // ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_H
