//===- CheckGPUMath.cpp - rope-check-gpu-math pass ------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKGPUMATHPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// Math ops whose LLVM intrinsics NVPTX has no instruction for (and that
/// the pipeline does not expand itself).
bool lacksNVPTXLowering(Operation *op) {
  return isa<math::ExpOp, math::Exp2Op, math::ExpM1Op, math::LogOp,
             math::Log2Op, math::Log10Op, math::Log1pOp, math::PowFOp,
             math::TanhOp, math::SinhOp, math::CoshOp, math::SinOp,
             math::CosOp, math::SincosOp, math::TanOp, math::AtanOp,
             math::Atan2Op, math::AsinOp, math::AcosOp, math::AsinhOp,
             math::AcoshOp, math::AtanhOp, math::ErfOp, math::ErfcOp,
             math::CbrtOp>(op);
}

struct RopeCheckGPUMathPass
    : rope::impl::RopeCheckGPUMathPassBase<RopeCheckGPUMathPass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation()->walk([&](Operation *op) {
      if (!lacksNVPTXLowering(op))
        return;
      op->emitOpError()
          << "has no NVPTX lowering in rope-gpu-pipeline (it links no "
             "libdevice; NVPTX has square roots, fused multiply-adds and "
             "roundings, not transcendental functions): write it with "
             "arithmetic, or lower this function with rope-cpu-pipeline";
      failed = true;
    });
    if (failed)
      signalPassFailure();
  }
};
} // namespace
