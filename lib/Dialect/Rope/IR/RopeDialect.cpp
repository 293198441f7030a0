//===- RopeDialect.cpp - Rope dialect registration ------------------------===//

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Dialect/Rope/IR/RopeAttrs.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::rope;

#include "rope/Dialect/Rope/IR/RopeOpsDialect.cpp.inc"

void RopeDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "rope/Dialect/Rope/IR/RopeOps.cpp.inc"
      >();
}

Operation *RopeDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  if (auto typed = dyn_cast<TypedAttr>(value))
    return arith::ConstantOp::materialize(builder, typed, type, loc);
  return nullptr;
}

/// The rope.* attributes the lowering and the CPU passes leave on the IR
/// (RopeBase.td names them): their kinds, values and places are checked, so
/// a misspelt or misplaced one is an error instead of an ignored hint.
LogicalResult RopeDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  if (name == LoweringAttrHelper::getNameStr()) {
    auto config = dyn_cast<LoweringAttr>(value);
    if (!config)
      return op->emitOpError("'") << name << "' must be a #rope.lowering";
    if (config.getRole() && !isa<DestinationStyleOpInterface>(op))
      return op->emitOpError("'")
             << name << "' gives a role to an op that is not in destination "
                        "style (the lowering's linalg ops are)";
    if (config.getBf16Operands() && !isa<arith::TruncFOp>(op))
      return op->emitOpError("'")
             << name << "' sets bf16_operands on an op other than arith.truncf";
    if ((config.getIndependentIterations() || config.getStoreAlignment() ||
         config.getPageWalk()) &&
        !isa<LoopLikeOpInterface>(op))
      return op->emitOpError("'")
             << name << "' sets a loop's field on an op that is not a loop";
    return success();
  }
  if (name == StatusMessagesAttrHelper::getNameStr()) {
    auto messages = dyn_cast<ArrayAttr>(value);
    if (!messages || !llvm::all_of(messages, llvm::IsaPred<StringAttr>))
      return op->emitOpError("'") << name << "' must be an array of strings";
    return success();
  }
  return op->emitOpError("unknown rope attribute '") << name << "'";
}
