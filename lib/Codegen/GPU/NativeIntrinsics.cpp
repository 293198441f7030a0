//===- NativeIntrinsics.cpp - rope-gpu-native-intrinsics pass -------------===//
//
// convert-gpu-to-nvvm marks LLVM's sqrt, fabs, floor, ceil, copysign, round
// and roundeven intrinsics illegal so that it can call libdevice for them,
// and has no such call for vectors. NVPTX lowers each of them itself to one
// exactly rounded instruction (sqrt.rn, abs, cvt.rmi/rpi/rni, ...), vectors
// element by element; as generic intrinsic calls they reach it unchanged and
// no libdevice has to be found and linked.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEGPUNATIVEINTRINSICSPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// The intrinsic `op` stands for, if it is one this pass rewrites.
StringRef nativeIntrinsic(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
      .Case([](LLVM::SqrtOp) { return "llvm.sqrt"; })
      .Case([](LLVM::FAbsOp) { return "llvm.fabs"; })
      .Case([](LLVM::FFloorOp) { return "llvm.floor"; })
      .Case([](LLVM::FCeilOp) { return "llvm.ceil"; })
      .Case([](LLVM::CopySignOp) { return "llvm.copysign"; })
      .Case([](LLVM::RoundOp) { return "llvm.round"; })
      .Case([](LLVM::RoundEvenOp) { return "llvm.roundeven"; })
      .Default([](Operation *) { return ""; });
}

struct RopeGPUNativeIntrinsicsPass
    : rope::impl::RopeGPUNativeIntrinsicsPassBase<
          RopeGPUNativeIntrinsicsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (!nativeIntrinsic(op).empty() && op->getNumResults() == 1)
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      // The translation mangles the overload (llvm.sqrt.v4f32) itself.
      auto call = LLVM::CallIntrinsicOp::create(
          rewriter, op->getLoc(), op->getResult(0).getType(),
          rewriter.getStringAttr(nativeIntrinsic(op)), op->getOperands());
      if (auto flags =
              op->getAttrOfType<LLVM::FastmathFlagsAttr>("fastmathFlags"))
        call.setFastmathFlagsAttr(flags);
      rewriter.replaceOp(op, call.getResults());
    }
  }
};
} // namespace
