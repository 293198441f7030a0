//===- NontemporalStores.cpp - rope-nontemporal-stores pass ---------------===//
//
// A RoPE kernel reads its inputs and writes its outputs once. Ordinary
// stores first read each output cache line (read-for-ownership), adding half
// the written bytes to the traffic; streaming stores do not, which is also
// why a large memcpy is faster than a plain copy loop. x86 streaming vector
// stores need aligned addresses, so the token-tile loop is versioned: when
// every output buffer is 64-byte aligned (checked at run time) a clone with
// aligned non-temporal stores runs, otherwise the original. Each store gets
// the alignment its offset from that base is proven to have: a store that
// fills a whole line is one 64-byte store, not two halves.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/CPU/Passes.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "AccessAlignment.h"
#include "BufferRoots.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

#include <algorithm>

namespace mlir::rope {
#define GEN_PASS_DEF_ROPENONTEMPORALSTORESPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using mlir::rope::isOnStack;
using mlir::rope::rootBuffer;

namespace {
struct RopeNontemporalStoresPass
    : rope::impl::RopeNontemporalStoresPassBase<RopeNontemporalStoresPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation()->walk([&](scf::ForallOp loop) {
      if (rope::LoweringAttr::of(loop).getStoreAlignment() &&
          loop->getNumResults() == 0)
        loops.push_back(loop);
    });
    for (scf::ForallOp loop : loops)
      if (failed(version(loop)))
        return signalPassFailure();
  }

  /// The cache line: what the outputs' bases are checked to be aligned to.
  static constexpr int64_t kLineBytes = 64;

  LogicalResult version(scf::ForallOp loop) {
    auto config = rope::LoweringAttr::of(loop);
    llvm::SetVector<Value> outputs;
    loop.walk([&](vector::TransferWriteOp write) {
      if (isa<MemRefType>(write.getBase().getType()) &&
          !isOnStack(write.getBase()))
        outputs.insert(rootBuffer(write.getBase()));
    });
    if (outputs.empty() || llvm::any_of(outputs, [&](Value v) {
          return loop->isAncestor(v.getParentRegion()->getParentOp());
        }))
      return success();

    // ok = every output base is line aligned.
    OpBuilder b(loop);
    Location loc = loop.getLoc();
    Value ok;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value align = arith::ConstantIndexOp::create(b, loc, kLineBytes);
    for (Value out : outputs) {
      Value ptr = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, out);
      Value aligned = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::eq,
          arith::RemUIOp::create(b, loc, ptr, align), zero);
      ok = ok ? arith::AndIOp::create(b, loc, ok, aligned) : aligned;
    }
    // ... and, with min-bytes, the outputs are that large in all.
    if (minBytes > 0) {
      Value total = zero;
      for (Value out : outputs) {
        auto type = cast<MemRefType>(out.getType());
        Value bytes = arith::ConstantIndexOp::create(
            b, loc, type.getElementTypeBitWidth() / 8);
        for (int64_t d = 0; d < type.getRank(); ++d)
          bytes = arith::MulIOp::create(b, loc, bytes,
                                        memref::DimOp::create(b, loc, out, d));
        total = arith::AddIOp::create(b, loc, total, bytes);
      }
      ok = arith::AndIOp::create(
          b, loc, ok,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, total,
                                arith::ConstantIndexOp::create(b, loc, minBytes)));
    }
    auto ifOp = scf::IfOp::create(b, loc, ok, /*withElseRegion=*/true);
    b.setInsertionPointToStart(ifOp.thenBlock());
    Operation *fast = b.clone(*loop);
    rope::LoweringAttr::set(fast, config.withStoreAlignment(std::nullopt));
    loop->moveBefore(ifOp.elseBlock(), ifOp.elseBlock()->begin());
    rope::LoweringAttr::set(loop, config.withStoreAlignment(std::nullopt));

    // In the clone: 1-D transfers, then aligned streaming stores.
    RewritePatternSet patterns(&getContext());
    populateVectorToSCFConversionPatterns(
        patterns, VectorTransferToSCFOptions().enableFullUnroll());
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    if (failed(applyPatternsGreedily(fast, std::move(patterns))))
      return failure();
    fast->walk([&](vector::StoreOp store) {
      // Only stores to the buffers whose bases were checked; whole bytes.
      Type elt = store.getVectorType().getElementType();
      if (!outputs.contains(rootBuffer(store.getBase())) ||
          !elt.isIntOrFloat() || elt.getIntOrFloatBitWidth() % 8)
        return;
      int64_t bytes = store.getVectorType().getNumElements() *
                      elt.getIntOrFloatBitWidth() / 8;
      // Proven from the store's own view chain, not from the lowering's
      // row-segment alignment: the output may be a view at any offset of
      // the buffer whose base is checked.
      int64_t alignment = rope::provenAccessAlignment(
          store.getBase(), store.getIndices(), kLineBytes);
      // A store of `bytes` at an `alignment` boundary is pieces aligned to
      // min(bytes, alignment); streaming stores need 16 or their own size.
      if ((bytes % alignment && alignment % bytes) ||
          (alignment < 16 && alignment < bytes))
        return;
      store.setNontemporal(true);
      store.setAlignment(static_cast<uint64_t>(std::min(bytes, alignment)));
    });
    return success();
  }
};
} // namespace
