//===- DeviceBuffers.cpp - rope-gpu-device-buffers pass -------------------===//
//
// The host side of a bufferized function whose work runs in gpu.launch ops:
// every buffer it allocates is read or written by kernels, so it is device
// memory (gpu.alloc / gpu.dealloc), and a copy between buffers is a
// gpu.memcpy, not a host loop over device pointers.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEGPUDEVICEBUFFERSPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeGPUDeviceBuffersPass
    : rope::impl::RopeGPUDeviceBuffersPassBase<RopeGPUDeviceBuffersPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](func::FuncOp func) {
      SmallVector<Operation *> hostOps;
      func.walk([&](Operation *op) {
        if (isa<memref::AllocOp, memref::DeallocOp, memref::CopyOp>(op) &&
            !op->getParentOfType<gpu::LaunchOp>())
          hostOps.push_back(op);
      });
      for (Operation *op : hostOps) {
        rewriter.setInsertionPoint(op);
        if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
          if (alloc.getType().getMemorySpace())
            continue;
          rewriter.replaceOpWithNewOp<gpu::AllocOp>(
              alloc, alloc.getType(), /*asyncToken=*/Type(), ValueRange{},
              alloc.getDynamicSizes(), alloc.getSymbolOperands(),
              /*hostShared=*/UnitAttr());
        } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
          rewriter.replaceOpWithNewOp<gpu::DeallocOp>(
              dealloc, /*asyncToken=*/Type(), ValueRange{},
              dealloc.getMemref());
        } else {
          auto copy = cast<memref::CopyOp>(op);
          rewriter.replaceOpWithNewOp<gpu::MemcpyOp>(
              copy, /*asyncToken=*/Type(), ValueRange{}, copy.getTarget(),
              copy.getSource());
        }
      }
    });
  }
};
} // namespace
