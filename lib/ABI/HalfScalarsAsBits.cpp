//===- HalfScalarsAsBits.cpp - rope-half-scalars-as-bits pass -------------===//
//
// 16-bit float scalars cross the C boundary as uint16_t bit patterns, as
// 16-bit float tensor elements do.
//
//===----------------------------------------------------------------------===//

#include "rope/ABI/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEHALFSCALARSASBITSPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeHalfScalarsAsBitsPass
    : rope::impl::RopeHalfScalarsAsBitsPassBase<RopeHalfScalarsAsBitsPass> {
  void runOnOperation() override {
    auto i16 = IntegerType::get(&getContext(), 16);
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      Block &entry = func.getBody().front();
      OpBuilder b = OpBuilder::atBlockBegin(&entry);
      for (BlockArgument arg : entry.getArguments()) {
        Type type = arg.getType();
        if (!type.isF16() && !type.isBF16())
          continue;
        arg.setType(i16);
        auto value = arith::BitcastOp::create(b, arg.getLoc(), type, arg);
        arg.replaceAllUsesExcept(value, value);
      }
      func.setFunctionType(FunctionType::get(
          &getContext(), entry.getArgumentTypes(),
          func.getFunctionType().getResults()));
    }
  }
};
} // namespace
