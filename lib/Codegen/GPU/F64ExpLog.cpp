//===- F64ExpLog.cpp - rope-gpu-f64-exp-log pass --------------------------===//
//
// f64 exp and log in kernels (the frequencies of run-time scaling types,
// computed per block from the sequence length) as arithmetic NVPTX has:
// it has no instruction for them, and the pipeline links no libdevice.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "rope/Utils/ExpLog.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEGPUF64EXPLOGPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeGPUF64ExpLogPass
    : rope::impl::RopeGPUF64ExpLogPassBase<RopeGPUF64ExpLogPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<math::ExpOp, math::LogOp>(op) &&
          getElementTypeOrSelf(op->getResult(0).getType()).isF64())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      Value x = op->getOperand(0);
      Value y = isa<math::ExpOp>(op) ? rope::buildExpF64(rewriter, op->getLoc(), x)
                                     : rope::buildLogF64(rewriter, op->getLoc(), x);
      rewriter.replaceOp(op, y);
    }
  }
};
} // namespace
