//===- ForallToOpenMP.cpp - rope-forall-to-openmp pass --------------------===//

#include "rope/Codegen/CPU/Passes.h"

#include "TileLoops.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFORALLTOOPENMPPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// Replaces `loop` by a parallel region whose threads each run a contiguous
/// block of its iterations.
void lowerToThreads(OpBuilder &b, scf::ForallOp loop, func::FuncOp threadNum,
                    func::FuncOp numThreads, unsigned threads) {
  Location loc = loop.getLoc();
  rope::ForallIterations iterations = rope::buildForallIterations(b, loop);
  Value total = iterations.total;
  b.setInsertionPoint(loop);
  omp::ParallelOperands clauses;
  if (threads > 0)
    clauses.numThreads = arith::ConstantIntOp::create(
        b, loc, b.getI32Type(), static_cast<int64_t>(threads));
  auto parallel = omp::ParallelOp::create(b, loc, clauses);
  Block *region = b.createBlock(&parallel.getRegion());
  b.setInsertionPointToStart(region);
  auto toIndex = [&](func::FuncOp fn) -> Value {
    Value v = func::CallOp::create(b, loc, fn, ValueRange{}).getResult(0);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  };
  Value tid = toIndex(threadNum), nt = toIndex(numThreads);
  // Thread t runs [t*q + min(t, r), +q + (t < r)): q = total / nt, r = rest.
  Value q = arith::DivUIOp::create(b, loc, total, nt);
  Value r = arith::RemUIOp::create(b, loc, total, nt);
  Value begin = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, tid, q),
      arith::MinUIOp::create(b, loc, tid, r));
  Value extra = arith::IndexCastUIOp::create(
      b, loc, b.getIndexType(),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid, r));
  Value end = arith::AddIOp::create(
      b, loc, begin, arith::AddIOp::create(b, loc, q, extra));
  // Fixed-size scratch buffers of an iteration (the tile tables) are the
  // thread's, allocated once: an iteration starts with undefined contents
  // either way.
  IRMapping map;
  llvm::SmallPtrSet<Operation *, 4> hoisted;
  for (Operation &op : loop.getBody()->without_terminator()) {
    auto alloca = dyn_cast<memref::AllocaOp>(op);
    if (alloca && alloca.getType().hasStaticShape() &&
        alloca->getNumOperands() == 0) {
      b.clone(op, map);
      hoisted.insert(&op);
    }
  }
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto blockLoop = scf::ForOp::create(b, loc, begin, end, one);
  omp::TerminatorOp::create(b, loc);

  // The rest of the body, once per iteration. (scf.for is an allocation
  // scope, but its lowering does not free the stack per iteration: hence
  // the hoisting above.)
  b.setInsertionPointToStart(blockLoop.getBody());
  // iv = lb + index * step of the delinearized linear iteration (the last
  // dimension fastest).
  SmallVector<Value> indices = {blockLoop.getInductionVar()};
  if (iterations.tripCounts.size() > 1)
    indices = affine::AffineDelinearizeIndexOp::create(
                  b, loc, blockLoop.getInductionVar(), iterations.tripCounts)
                  .getResults();
  for (auto [d, index] : llvm::enumerate(indices)) {
    Value iv = b.createOrFold<arith::AddIOp>(
        loc, iterations.lowerBounds[d],
        b.createOrFold<arith::MulIOp>(loc, index, iterations.steps[d]));
    map.map(loop.getInductionVar(d), iv);
  }
  for (Operation &op : loop.getBody()->without_terminator())
    if (!hoisted.contains(&op))
      b.clone(op, map);
  loop.erase();
}

struct RopeForallToOpenMPPass
    : rope::impl::RopeForallToOpenMPPassBase<RopeForallToOpenMPPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops = rope::collectTileLoops(getOperation());
    if (loops.empty())
      return;
    auto module = dyn_cast<ModuleOp>(getOperation());
    if (!module)
      module = getOperation()->getParentOfType<ModuleOp>();
    if (!module) {
      getOperation()->emitError("rope-forall-to-openmp needs a module to "
                                "declare the OpenMP runtime functions in");
      return signalPassFailure();
    }
    // The OpenMP runtime's () -> i32 functions, declared once.
    OpBuilder b(&getContext());
    auto declare = [&](StringRef name) {
      return func::lookupOrCreateFnDecl(b, module, name, {}, nullptr,
                                        b.getI32Type());
    };
    FailureOr<func::FuncOp> threadNum = declare("omp_get_thread_num");
    FailureOr<func::FuncOp> numThreadsFn = declare("omp_get_num_threads");
    if (failed(threadNum) || failed(numThreadsFn)) {
      module.emitError("rope-forall-to-openmp: omp_get_thread_num and "
                       "omp_get_num_threads must be () -> i32");
      return signalPassFailure();
    }
    for (scf::ForallOp loop : loops)
      lowerToThreads(b, loop, *threadNum, *numThreadsFn, numThreads);
  }
};
} // namespace
