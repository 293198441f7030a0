//===- BoundTileBuffers.cpp - rope-bound-tile-buffers pass ----------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEBOUNDTILEBUFFERSPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeBoundTileBuffersPass
    : rope::impl::RopeBoundTileBuffersPassBase<RopeBoundTileBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation()->walk([&](memref::AllocOp alloc) {
      if (!alloc.getDynamicSizes().empty() &&
          alloc->getParentOfType<scf::ForallOp>() &&
          alloc.getType().getLayout().isIdentity())
        allocs.push_back(alloc);
    });
    for (memref::AllocOp alloc : allocs)
      (void)bound(alloc);
  }

  /// A buffer of a tile whose dynamic sizes have constant upper bounds (a
  /// tile's token count: at most the tile size) as a view of a static one,
  /// which rope-forall-to-openmp and promote-buffers-to-stack keep on the
  /// stack, once per thread, instead of a malloc and free per tile.
  LogicalResult bound(memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    SmallVector<int64_t> shape(type.getShape());
    SmallVector<OpFoldResult> sizes;
    Builder b(alloc.getContext());
    int64_t bytes = type.getElementTypeBitWidth() / 8;
    unsigned dynamic = 0;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d)) {
        sizes.push_back(b.getIndexAttr(shape[d]));
      } else {
        Value size = alloc.getDynamicSizes()[dynamic++];
        FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
            presburger::BoundType::UB, size, /*stopCondition=*/nullptr,
            /*closedUB=*/true);
        if (failed(bound) || *bound <= 0)
          return failure();
        shape[d] = *bound;
        sizes.push_back(size);
      }
      bytes *= shape[d];
    }
    if (bytes > maxBytes)
      return failure();
    OpBuilder builder(alloc);
    Location loc = alloc.getLoc();
    auto staticType = MemRefType::get(shape, type.getElementType(),
                                      MemRefLayoutAttrInterface(),
                                      type.getMemorySpace());
    auto whole = memref::AllocOp::create(builder, loc, staticType,
                                         alloc.getAlignmentAttr());
    SmallVector<OpFoldResult> zeros(type.getRank(), b.getIndexAttr(0)),
        ones(type.getRank(), b.getIndexAttr(1));
    Value view = memref::SubViewOp::create(builder, loc, whole, zeros, sizes,
                                           ones);
    if (!memref::CastOp::areCastCompatible(view.getType(), type)) {
      view.getDefiningOp()->erase();
      whole->erase();
      return failure();
    }
    alloc.replaceAllUsesWith(
        memref::CastOp::create(builder, loc, type, view).getResult());
    alloc->erase();
    return success();
  }
};
} // namespace
