//===- DeviceReads.cpp - rope-gpu-device-reads pass -----------------------===//
//
// A scalar a frontend reads out of a tensor argument (a KV-cache offset, an
// fp8 scale) is device data in the GPU pipeline: the host cannot load it
// without a copy and a synchronization. Where only kernels use it, the read
// moves into them; a read the host itself needs is an error naming it.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEGPUDEVICEREADSPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// A read of a device buffer on the host (host memory: a constant global,
/// a stack buffer, is the host's to read).
bool isHostRead(Operation *op) {
  if (!isa<memref::LoadOp, vector::LoadOp, vector::TransferReadOp,
           vector::MaskedLoadOp, vector::GatherOp>(op) ||
      op->getParentOfType<gpu::LaunchOp>())
    return false;
  Operation *source = op->getOperand(0).getDefiningOp();
  return !isa_and_nonnull<memref::GetGlobalOp, memref::AllocaOp>(source);
}

/// What a kernel can compute for itself from what it is given: a load and
/// the pure scalar arithmetic on it (an index cast, an offset's sum, the
/// scaling of run-time frequencies).
bool isSinkable(Operation *op) {
  // A constant table (memref.get_global: host memory as the host sees it)
  // and a choice between tables (LongRoPE's factors) are the kernel's own.
  if (isa<memref::GetGlobalOp>(op))
    return true;
  // (Not a load of the host's stack: the device cannot read it.)
  if (auto load = dyn_cast<memref::LoadOp>(op))
    return !load.getMemRef().getDefiningOp<memref::AllocaOp>();
  if (op->getNumRegions() != 0 || !isPure(op))
    return false;
  if (isa<arith::SelectOp>(op))
    return true;
  return isa<arith::ArithDialect, affine::AffineDialect, math::MathDialect>(
             op->getDialect()) &&
         llvm::all_of(op->getResultTypes(),
                      [](Type t) { return t.isIntOrIndexOrFloat(); });
}

/// Clones into `launch` the sinkable ops computing what it uses from above
/// (upstream's sinkOperationsIntoLaunchOp stops at a load of a function
/// argument: the argument is not yet one of the launch's operands).
void sinkReads(gpu::LaunchOp launch) {
  SetVector<Value> above;
  getUsedValuesDefinedAbove(launch.getBody(), above);
  SetVector<Operation *> chain;
  std::function<void(Operation *)> collect = [&](Operation *op) {
    if (chain.contains(op) || !isSinkable(op))
      return;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        collect(def);
    chain.insert(op);
  };
  for (Value v : above)
    if (Operation *def = v.getDefiningOp())
      collect(def);
  OpBuilder b = OpBuilder::atBlockBegin(&launch.getBody().front());
  IRMapping map;
  for (Operation *op : chain)
    b.clone(*op, map);
  for (Operation *op : chain)
    for (auto [from, to] : llvm::zip(op->getResults(),
                                     map.lookup(op)->getResults()))
      replaceAllUsesInRegionWith(from, to, launch.getBody());
}

struct RopeGPUDeviceReadsPass
    : rope::impl::RopeGPUDeviceReadsPassBase<RopeGPUDeviceReadsPass> {
  void runOnOperation() override {
    getOperation()->walk([](gpu::LaunchOp launch) {
      sinkReads(launch);
    });
    // The host's copies are dead now unless the host needs them.
    IRRewriter rewriter(&getContext());
    bool erased = true;
    while (erased) {
      erased = false;
      SmallVector<Operation *> dead;
      getOperation()->walk([&](Operation *op) {
        if (!op->getParentOfType<gpu::LaunchOp>() && isSinkable(op) &&
            isOpTriviallyDead(op))
          dead.push_back(op);
      });
      for (Operation *op : dead)
        rewriter.eraseOp(op);
      erased = !dead.empty();
    }
    bool failedAny = false;
    getOperation()->walk([&](Operation *op) {
      if (!isHostRead(op) || !op->getParentOfType<func::FuncOp>())
        return;
      InFlightDiagnostic diag =
          op->emitOpError()
          << "reads device memory on the host: rope-gpu-pipeline keeps a "
             "function's tensors in device memory, and this value is used "
             "outside the kernels";
      for (Operation *user : op->getUsers())
        if (!user->getParentOfType<gpu::LaunchOp>()) {
          diag.attachNote(user->getLoc()) << "used here on the host";
          break;
        }
      diag.attachNote() << "pass the value as a scalar argument, or use it "
                           "only in tensor ops that become kernels";
      failedAny = true;
    });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
