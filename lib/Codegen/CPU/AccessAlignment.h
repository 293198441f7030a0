//===- AccessAlignment.h - Proven alignment of a memref access --*- C++ -*-===//

#ifndef LIB_CODEGEN_CPU_ACCESSALIGNMENT_H
#define LIB_CODEGEN_CPU_ACCESSALIGNMENT_H

#include "mlir/IR/Value.h"
#include "mlir/IR/ValueRange.h"

#include <cstdint>

namespace mlir::rope {

/// The largest power of two, at most `cap`, known to divide the distance in
/// bytes from the aligned pointer of `memref`'s root buffer (see
/// rootBuffer) to the element at `indices` of `memref`: from the static
/// strides and offsets of the views in between, constants, and loop
/// induction variables (their lower bounds and steps). 1 where nothing is
/// known.
int64_t provenAccessAlignment(Value memref, ValueRange indices, int64_t cap);

} // namespace mlir::rope

#endif // LIB_CODEGEN_CPU_ACCESSALIGNMENT_H
