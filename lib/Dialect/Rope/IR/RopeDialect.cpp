//===- RopeDialect.cpp - Rope dialect registration ------------------------===//

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Dialect/Rope/IR/RopeAttrs.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

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
/// (RopeBase.td documents each): their kinds and values are checked, so a
/// misspelt or mistyped one is an error instead of an ignored hint.
LogicalResult RopeDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  if (name == getStageAttrName()) {
    auto stage = dyn_cast<StringAttr>(value);
    if (!stage || !llvm::is_contained(
                      ArrayRef<StringRef>{"table", "rotate", "copy"},
                      stage.getValue()))
      return op->emitOpError("'")
             << name << "' must be \"table\", \"rotate\" or \"copy\"";
    return success();
  }
  if (name == getStoreAlignmentAttrName() || name == getPageWalkAttrName()) {
    auto bytes = dyn_cast<IntegerAttr>(value);
    if (!bytes || bytes.getInt() <= 0 ||
        (name == getStoreAlignmentAttrName() &&
         !llvm::isPowerOf2_64(bytes.getInt())))
      return op->emitOpError("'")
             << name << "' must be a positive integer"
             << (name == getStoreAlignmentAttrName() ? " power of two" : "");
    return success();
  }
  if (name == getIndependentIterationsAttrName() ||
      name == getBF16OperandsAttrName()) {
    if (!isa<UnitAttr>(value))
      return op->emitOpError("'") << name << "' must be a unit attribute";
    return success();
  }
  if (name == getStatusMessagesAttrName()) {
    auto messages = dyn_cast<ArrayAttr>(value);
    if (!messages || !llvm::all_of(messages, llvm::IsaPred<StringAttr>))
      return op->emitOpError("'") << name << "' must be an array of strings";
    return success();
  }
  return op->emitOpError("unknown rope attribute '") << name << "'";
}
