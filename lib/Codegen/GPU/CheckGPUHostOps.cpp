//===- CheckGPUHostOps.cpp - rope-check-gpu-host-ops ----------------------===//
//
// The GPU pipeline's precondition as a check: a tensor op it has no host
// code for is an error naming it, not output that fails later.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Utils/RowLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKGPUHOSTOPSPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// Tensor ops the GPU lowering turns into kernels, views or device buffers;
/// a scalar read (tensor.extract) is read by the kernels using it
/// (rope-gpu-device-reads, which rejects one the host needs).
bool isLowerable(Operation *op) {
  // A loop over rows (a paged cache's slots) joins the rope ops' token loop
  // (rope-fuse-row-foralls, which names one that cannot).
  if (auto loop = dyn_cast<scf::ForallOp>(op))
    return rope::isRowLoop(loop);
  if (isa<tensor::ParallelInsertSliceOp>(op))
    return true;
  return isa_and_nonnull<rope::RopeDialect, bufferization::BufferizationDialect,
                         linalg::LinalgDialect>(op->getDialect()) ||
         isa<tensor::EmptyOp, tensor::DimOp, func::ReturnOp, func::FuncOp,
             tensor::ExtractSliceOp, tensor::InsertSliceOp,
             tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
             tensor::ExtractOp, arith::ConstantOp>(op);
}

struct RopeCheckGPUHostOpsPass
    : rope::impl::RopeCheckGPUHostOpsPassBase<RopeCheckGPUHostOpsPass> {
  using Base::Base;
  void runOnOperation() override {
    auto isTensor = [](Type type) { return isa<TensorType>(type); };
    bool failedAny = false;
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isLowerable(op))
        return WalkResult::advance();
      if (llvm::none_of(op->getOperandTypes(), isTensor) &&
          llvm::none_of(op->getResultTypes(), isTensor))
        return WalkResult::advance();
      op->emitOpError()
          << "cannot be lowered by rope-gpu-pipeline: it runs the tensor ops "
             "of a function as kernels on device buffers, and has kernels for "
             "rope and linalg ops and views for tensor slices and reshapes, "
             "not for this op; lower this function with rope-cpu-pipeline, "
             "write the op as a linalg op, or move it to another function";
      failedAny = true;
      return WalkResult::skip();
    });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
