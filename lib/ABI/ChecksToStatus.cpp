//===- ChecksToStatus.cpp - rope-checks-to-status pass --------------------===//
//
// A failed run-time check returns a status to the caller instead of
// aborting its process: what a library or an ahead-of-time kernel needs.
//
//===----------------------------------------------------------------------===//

#include "rope/ABI/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/UB/IR/UBOps.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKSTOSTATUSPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeChecksToStatusPass
    : rope::impl::RopeChecksToStatusPassBase<RopeChecksToStatusPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() && failed(rewrite(func)))
        return signalPassFailure();
  }

  LogicalResult rewrite(func::FuncOp func) {
    SmallVector<cf::AssertOp> asserts;
    WalkResult nested = func.walk([&](cf::AssertOp assert) {
      if (assert->getParentOp() != func) {
        assert.emitOpError("is nested in a region: it cannot return a status "
                           "from the function");
        return WalkResult::interrupt();
      }
      asserts.push_back(assert);
      return WalkResult::advance();
    });
    if (nested.wasInterrupted())
      return failure();

    MLIRContext *ctx = &getContext();
    auto i32 = IntegerType::get(ctx, 32);
    FunctionType type = func.getFunctionType();
    SmallVector<Type> results(type.getResults());
    results.push_back(i32);
    func.setFunctionType(FunctionType::get(ctx, type.getInputs(), results));
    if (ArrayAttr attrs = func.getAllResultAttrs()) {
      SmallVector<Attribute> all(attrs.getValue());
      all.push_back(DictionaryAttr::get(ctx));
      func.setAllResultAttrs(all);
    }

    auto returnWith = [&](OpBuilder &b, Location loc, ValueRange values,
                          int32_t status) {
      SmallVector<Value> operands(values);
      operands.push_back(arith::ConstantOp::create(
          b, loc, b.getI32IntegerAttr(status)));
      func::ReturnOp::create(b, loc, operands);
    };
    for (auto ret : llvm::to_vector(func.getOps<func::ReturnOp>())) {
      OpBuilder b(ret);
      returnWith(b, ret.getLoc(), ret.getOperands(), 0);
      ret.erase();
    }
    SmallVector<Attribute> messages;
    for (auto [k, assert] : llvm::enumerate(asserts)) {
      Block *before = assert->getBlock();
      Block *after = before->splitBlock(assert->getNextNode());
      Block *fail = new Block();
      func.getBody().push_back(fail);
      OpBuilder b = OpBuilder::atBlockEnd(fail);
      SmallVector<Value> poison;
      for (Type t : type.getResults())
        poison.push_back(ub::PoisonOp::create(b, assert.getLoc(), t));
      returnWith(b, assert.getLoc(), poison, k + 1);
      b.setInsertionPoint(assert);
      cf::CondBranchOp::create(b, assert.getLoc(), assert.getArg(), after,
                               fail);
      messages.push_back(assert.getMsgAttr());
      assert.erase();
    }
    func->setAttr(rope::RopeDialect::StatusMessagesAttrHelper::getNameStr(),
                  ArrayAttr::get(ctx, messages));
    return success();
  }
};
} // namespace
