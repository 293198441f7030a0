//===- BufferRoots.h - Where a memref view's data lives ---------*- C++ -*-===//

#ifndef LIB_DIALECT_ROPE_TRANSFORMS_BUFFERROOTS_H
#define LIB_DIALECT_ROPE_TRANSFORMS_BUFFERROOTS_H

#include "mlir/IR/Value.h"

namespace mlir::rope {

/// The buffer a (chain of) view(s) starts from: through view-like ops and
/// reshapes.
Value rootBuffer(Value memref);

/// Whether `op` is a subview, reshape or cast: a view whose elements stay
/// inside its source and whose aligned pointer is its source's (a
/// reinterpret_cast may reach anywhere).
bool isContainedView(Operation *op);

/// Whether `memref` views a stack buffer (memref.alloca): a kernel's table.
bool isOnStack(Value memref);

/// Whether `memref` views a buffer the kernel streams through: a function
/// argument or a heap allocation (not a stack table, not a constant).
bool isStreamedBuffer(Value memref);

} // namespace mlir::rope

#endif // LIB_DIALECT_ROPE_TRANSFORMS_BUFFERROOTS_H
