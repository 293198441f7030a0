//===- ShapeString.h - Shapes as diagnostics print them ---------*- C++ -*-===//

#ifndef ROPE_UTILS_SHAPESTRING_H
#define ROPE_UTILS_SHAPESTRING_H

#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::rope {
/// "[?, 4, 64]": dynamic sizes as `?`.
std::string shapeString(ArrayRef<int64_t> shape);
} // namespace mlir::rope

#endif // ROPE_UTILS_SHAPESTRING_H
