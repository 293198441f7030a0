//===- LoweringUtils.h - Helpers of the rope to linalg lowering -*- C++ -*-===//

#ifndef LIB_CONVERSION_ROPETOLINALG_LOWERINGUTILS_H
#define LIB_CONVERSION_ROPETOLINALG_LOWERINGUTILS_H

#include "rope/Conversion/Utils/FrequencyTensors.h"
#include "rope/Conversion/Utils/RuntimeChecks.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::rope {

} // namespace mlir::rope

#endif // LIB_CONVERSION_ROPETOLINALG_LOWERINGUTILS_H
