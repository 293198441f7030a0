//===- Prefetch.cpp - rope-prefetch pass ----------------------------------===//

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEPREFETCHPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;


/// The argument of `func` that `load` reads, when it is a contiguous
/// identity-layout memref of a byte-sized element type, and how far ahead to
/// prefetch it: `distance`, or in a loop of rope-page-walk the bytes the walk
/// advances per iteration (with `inPageWalks`; else not at all).
static BlockArgument streamedArgument(vector::LoadOp load,
                                      FunctionOpInterface func,
                                      int64_t &distance, bool inPageWalks) {
  auto arg = dyn_cast<BlockArgument>(load.getBase());
  if (!arg || arg.getOwner() != &func.getFunctionBody().front())
    return {};
  MemRefType type = load.getMemRefType();
  if (!type.getLayout().isIdentity() || type.getRank() == 0 ||
      !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0)
    return {};
  if (load.getVectorType().getRank() != 1 ||
      !load->getParentOfType<LoopLikeOpInterface>())
    return {};
  for (Operation *p = load->getParentOp(); p; p = p->getParentOp()) {
    std::optional<int64_t> stride = rope::LoweringAttr::of(p).getPageWalk();
    if (!stride)
      continue;
    if (!inPageWalks)
      return {};
    distance = *stride;
    break;
  }
  return arg;
}

namespace {
struct RopePrefetchPass
    : rope::impl::RopePrefetchPassBase<RopePrefetchPass> {
  using Base::Base;

  void runOnOperation() override {
    if (distance <= 0)
      return;
    if (lineBytes <= 0 || !llvm::isPowerOf2_64(lineBytes) ||
        distance > (int64_t(1) << 30)) {
      getOperation()->emitError("rope-prefetch: expected line-bytes a power "
                                "of two and distance at most 2^30");
      return signalPassFailure();
    }
    getOperation()->walk([&](FunctionOpInterface func) {
      if (func.isExternal())
        return;
      SmallVector<std::tuple<vector::LoadOp, BlockArgument, int64_t>> loads;
      func.walk([&](vector::LoadOp load) {
        int64_t ahead = distance;
        if (BlockArgument arg =
                streamedArgument(load, func, ahead, inPageWalks))
          loads.push_back({load, arg, ahead});
      });
      // One flat view and last element index per argument, at the entry.
      DenseMap<Value, std::pair<Value, Value>> flat;
      OpBuilder b(func.getFunctionBody());
      for (auto [load, arg, bytes] : loads) {
        if (flat.count(arg))
          continue;
        Location loc = arg.getLoc();
        auto type = cast<MemRefType>(arg.getType());
        SmallVector<ReassociationIndices> all(1);
        for (int64_t d = 0; d < type.getRank(); ++d)
          all[0].push_back(d);
        Value view = memref::CollapseShapeOp::create(b, loc, arg, all);
        Value count = memref::DimOp::create(b, loc, view, 0);
        Value last = arith::SubIOp::create(
            b, loc, count, arith::ConstantIndexOp::create(b, loc, 1));
        flat[arg] = {view, last};
      }
      for (auto [load, arg, bytes] : loads) {
        auto [view, last] = flat[arg];
        MemRefType type = load.getMemRefType();
        int64_t eltBytes = type.getElementTypeBitWidth() / 8;
        int64_t loadBytes = load.getVectorType().getNumElements() * eltBytes;
        OpBuilder lb(load);
        Location loc = load.getLoc();
        SmallVector<OpFoldResult> basis;
        for (int64_t d = 0; d < type.getRank(); ++d)
          basis.push_back(memref::getMixedSize(lb, loc, load.getBase(), d));
        Value linear = affine::AffineLinearizeIndexOp::create(
            lb, loc, load.getIndices(), basis, /*disjoint=*/true);
        for (int64_t line = 0; line < loadBytes; line += lineBytes) {
          Value ahead = arith::AddIOp::create(
              lb, loc, linear,
              arith::ConstantIndexOp::create(lb, loc,
                                             (bytes + line) / eltBytes));
          ahead = arith::MinSIOp::create(lb, loc, ahead, last);
          memref::PrefetchOp::create(lb, loc, view, ValueRange{ahead},
                                     /*isWrite=*/false, /*localityHint=*/3,
                                     /*isDataCache=*/true);
        }
      }
    });
  }
};
} // namespace
