//===- CheckDialects.cpp - rope-check-dialects, rope-check-gpu-host-ops ---===//
//
// Pipeline pre- and post-conditions as checks, so that an op a pipeline
// cannot take is an error naming it, not output that fails later.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKDIALECTSPASS
#define GEN_PASS_DEF_ROPECHECKGPUHOSTOPSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeCheckDialectsPass
    : rope::impl::RopeCheckDialectsPassBase<RopeCheckDialectsPass> {
  using Base::Base;
  void runOnOperation() override {
    std::string list = llvm::join(dialects, ", ");
    StringRef name = pipeline.empty() ? StringRef("this pipeline")
                                      : StringRef(pipeline);
    bool failedAny = false;
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      // The pipelines' passes transform the functions of one module.
      if (input && isa<ModuleOp>(op) && op != getOperation()) {
        op->emitOpError("is nested in another module: ")
            << name << " takes one module; run it on this one";
        failedAny = true;
        return WalkResult::skip();
      }
      if (llvm::is_contained(dialects, op->getName().getDialectNamespace()))
        return WalkResult::advance();
      InFlightDiagnostic diag = op->emitOpError();
      if (input)
        diag << "is not supported by " << name
             << ", which takes ops of the " << list
             << " dialects; convert it to those first (TOSA: "
                "--tosa-to-linalg-pipeline)";
      else
        diag << "was left unlowered by " << name << ", whose output has ops "
             << "of the " << list << " dialects only";
      failedAny = true;
      // One error per op: its nested ops are not reported again.
      return WalkResult::skip();
    });
    if (failedAny)
      signalPassFailure();
  }
};

/// Tensor ops the GPU pipeline turns into device code or drops.
bool isGPULowerable(Operation *op) {
  return isa<rope::RopeDialect, bufferization::BufferizationDialect>(
             op->getDialect()) ||
         isa<tensor::EmptyOp, tensor::DimOp, func::ReturnOp, func::FuncOp>(op);
}

struct RopeCheckGPUHostOpsPass
    : rope::impl::RopeCheckGPUHostOpsPassBase<RopeCheckGPUHostOpsPass> {
  void runOnOperation() override {
    auto isTensor = [](Type type) { return isa<TensorType>(type); };
    bool failedAny = false;
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isGPULowerable(op))
        return WalkResult::advance();
      if (llvm::none_of(op->getOperandTypes(), isTensor) &&
          llvm::none_of(op->getResultTypes(), isTensor))
        return WalkResult::advance();
      op->emitOpError()
          << "cannot be lowered by rope-gpu-pipeline: it runs rope ops as "
             "kernels on device buffers and has no host code for other "
             "tensor ops (only rope ops, tensor.empty and tensor.dim may use "
             "tensors); lower this function with rope-cpu-pipeline, or move "
             "the op to another function";
      failedAny = true;
      return WalkResult::skip();
    });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
