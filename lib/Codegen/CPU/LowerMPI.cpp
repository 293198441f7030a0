//===- LowerMPI.cpp - rope-lower-mpi pass ---------------------------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MPIToLLVM/MPIToLLVM.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPELOWERMPIPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
bool isMPI(Operation *op) { return op->getName().getDialectNamespace() == "mpi"; }

struct RopeLowerMPIPass
    : rope::impl::RopeLowerMPIPassBase<RopeLowerMPIPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!module.walk([](Operation *op) {
                 return isMPI(op) ? WalkResult::interrupt()
                                  : WalkResult::advance();
               })
             .wasInterrupted())
      return;
    LLVMTypeConverter converter(&getContext());
    RewritePatternSet patterns(&getContext());
    mpi::populateMPIToLLVMConversionPatterns(converter, patterns);
    ConversionTarget target(getContext());
    target.addLegalDialect<LLVM::LLVMDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *op) { return !isMPI(op); });
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
