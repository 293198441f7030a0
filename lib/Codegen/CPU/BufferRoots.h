//===- BufferRoots.h - Where a memref view's data lives ---------*- C++ -*-===//

#ifndef LIB_DIALECT_ROPE_TRANSFORMS_BUFFERROOTS_H
#define LIB_DIALECT_ROPE_TRANSFORMS_BUFFERROOTS_H

#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"

#include "llvm/ADT/SmallVector.h"

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

/// A read or write of memory through a memref value.
struct MemoryAccess {
  Operation *op;
  Value memref;
  bool write; // a write or a free
};

/// The memory accesses of the ops nested in `op` (not `op` itself): ops
/// with regions are seen through their nested ops, an op that states its
/// effects (linalg on buffers) is taken at its word, allocations of
/// fresh buffers are not accesses. Failure where an access cannot be
/// placed: an op with unknown effects, a read or write through no value
/// or through a value that is not a memref.
FailureOr<SmallVector<MemoryAccess>> memoryAccessesIn(Operation *op);

} // namespace mlir::rope

#endif // LIB_DIALECT_ROPE_TRANSFORMS_BUFFERROOTS_H
