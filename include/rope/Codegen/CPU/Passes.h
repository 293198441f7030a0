//===- Passes.h - CPU code generation passes --------------------*- C++ -*-===//

#ifndef ROPE_CODEGEN_CPU_PASSES_H
#define ROPE_CODEGEN_CPU_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::rope {
#define GEN_PASS_DECL
#include "rope/Codegen/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

#endif // ROPE_CODEGEN_CPU_PASSES_H
