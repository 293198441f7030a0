//===- InitAllRope.h - Register everything rope provides --------*- C++ -*-===//
//
// One registration list shared by rope-opt, rope-run and future plugins.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_INITALLROPE_H
#define ROPE_INITALLROPE_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::rope {
/// Adds the rope dialect and the upstream dialects (and their interface
/// models) that rope IR and its lowerings use.
void registerAllRopeDialects(DialectRegistry &registry);
/// Registers rope passes, conversions and pipelines, plus the upstream
/// passes our pipelines are composed of.
void registerAllRopePasses();
} // namespace mlir::rope

#endif // ROPE_INITALLROPE_H
