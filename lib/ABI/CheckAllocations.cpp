//===- CheckAllocations.cpp - rope-check-allocations pass -----------------===//
//
// A failed malloc is a check like the others: a message, or a status.
//
//===----------------------------------------------------------------------===//

#include "rope/ABI/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKALLOCATIONSPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeCheckAllocationsPass
    : rope::impl::RopeCheckAllocationsPassBase<RopeCheckAllocationsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      for (Block &block : func.getBody())
        for (auto alloc : llvm::to_vector(block.getOps<memref::AllocOp>()))
          check(alloc);
    }
  }

  void check(memref::AllocOp alloc) {
    OpBuilder b(alloc->getContext());
    b.setInsertionPointAfter(alloc);
    Location loc = alloc.getLoc();
    MemRefType type = alloc.getType();
    Value pointer = memref::ExtractAlignedPointerAsIndexOp::create(
        b, loc, alloc.getResult());
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                     pointer, zero);
    // malloc(0) may return null.
    unsigned dynamic = 0;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Value size = type.isDynamicDim(d)
                       ? alloc.getDynamicSizes()[dynamic++]
                       : arith::ConstantIndexOp::create(b, loc,
                                                        type.getDimSize(d))
                             .getResult();
      ok = arith::OrIOp::create(
          b, loc, ok,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size,
                                zero));
    }
    std::string message;
    llvm::raw_string_ostream os(message);
    os << "out of memory: a buffer of type " << type
       << " could not be allocated";
    cf::AssertOp::create(b, loc, ok, message);
  }
};
} // namespace
