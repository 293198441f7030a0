//===- CheckSliceBounds.cpp - rope-check-slice-bounds pass ----------------===//
//
// Slices at run-time offsets (a KV cache written at rows [offset, offset +
// S), a paged cache's slots through a block table) are in bounds only if
// the data says so. The checks go before the function's work, where their
// operands are first known: after bufferization the rope results are
// written into those slices in place, so a check at the slice itself would
// come after the writes.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/Transforms/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKSLICEBOUNDSPASS
#include "rope/Dialect/Rope/Transforms/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {

/// One access to check: per dimension offset, size, stride, and the
/// extent of the tensor accessed.
struct Access {
  Operation *op;
  Value tensor; // whose dimensions bound the access
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

std::optional<Access> accessOf(Operation *op) {
  if (auto s = dyn_cast<tensor::ExtractSliceOp>(op))
    return Access{op, s.getSource(), s.getMixedOffsets(), s.getMixedSizes(),
                  s.getMixedStrides()};
  if (auto s = dyn_cast<tensor::InsertSliceOp>(op))
    return Access{op, s.getDest(), s.getMixedOffsets(), s.getMixedSizes(),
                  s.getMixedStrides()};
  if (auto s = dyn_cast<tensor::ParallelInsertSliceOp>(op))
    return Access{op, s.getDest(), s.getMixedOffsets(), s.getMixedSizes(),
                  s.getMixedStrides()};
  auto element = [&](Value tensor, ValueRange indices) {
    Builder b(op->getContext());
    Access a{op, tensor, getAsOpFoldResult(indices), {}, {}};
    a.sizes.assign(indices.size(), b.getIndexAttr(1));
    a.strides.assign(indices.size(), b.getIndexAttr(1));
    return a;
  };
  if (auto e = dyn_cast<tensor::ExtractOp>(op))
    return element(e.getTensor(), e.getIndices());
  if (auto e = dyn_cast<tensor::InsertOp>(op))
    return element(e.getDest(), e.getIndices());
  return std::nullopt;
}

/// Whether everything is a constant (the verifier's business).
bool isStatic(const Access &a) {
  auto constant = [](OpFoldResult v) {
    return getConstantIntValue(v).has_value();
  };
  return llvm::all_of(a.offsets, constant) && llvm::all_of(a.sizes, constant) &&
         llvm::all_of(a.strides, constant) &&
         cast<ShapedType>(a.tensor.getType()).hasStaticShape();
}

/// The tensor whose shape `v` has, through ops that keep their
/// destination's shape (slice insertions, destination-style ops, loops
/// over shared outputs): a value defined earlier, usually an argument.
Value shapeSource(Value v) {
  while (true) {
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      auto forall = dyn_cast<scf::ForallOp>(arg.getOwner()->getParentOp());
      if (!forall || arg.getArgNumber() < forall.getRank())
        return v;
      v = forall.getOutputs()[arg.getArgNumber() - forall.getRank()];
      continue;
    }
    Operation *def = v.getDefiningOp();
    if (auto insert = dyn_cast<tensor::InsertSliceOp>(def))
      v = insert.getDest();
    else if (auto insert = dyn_cast<tensor::InsertOp>(def))
      v = insert.getDest();
    else if (auto dps = dyn_cast<DestinationStyleOpInterface>(def))
      v = dps.getTiedOpOperand(cast<OpResult>(v))->get();
    else if (auto forall = dyn_cast<scf::ForallOp>(def))
      v = forall.getOutputs()[cast<OpResult>(v).getResultNumber()];
    else
      return v;
  }
}

/// size == 0, or offset and the last index in [0, dim), per dimension.
Value inBounds(OpBuilder &b, Location loc, const Access &a, IRMapping &map) {
  auto value = [&](OpFoldResult v) {
    if (auto val = dyn_cast<Value>(v))
      return map.lookupOrDefault(val);
    return getValueOrCreateConstantIndexOp(b, loc, v);
  };
  auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) -> Value {
    return arith::CmpIOp::create(b, loc, p, x, y);
  };
  Value tensor = shapeSource(a.tensor);
  auto type = cast<RankedTensorType>(tensor.getType());
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value all;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (getConstantIntValue(a.offsets[d]) && getConstantIntValue(a.sizes[d]) &&
        getConstantIntValue(a.strides[d]) && !type.isDynamicDim(d))
      continue;
    Value dim = type.isDynamicDim(d)
                    ? tensor::DimOp::create(b, loc, map.lookupOrDefault(tensor),
                                            d)
                          .getResult()
                    : arith::ConstantIndexOp::create(b, loc,
                                                     type.getDimSize(d))
                          .getResult();
    Value offset = value(a.offsets[d]), size = value(a.sizes[d]);
    Value last = arith::AddIOp::create(
        b, loc, offset,
        arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, size, one),
                              value(a.strides[d])));
    Value ok = arith::AndIOp::create(
        b, loc,
        arith::AndIOp::create(b, loc,
                              cmp(arith::CmpIPredicate::sge, offset, zero),
                              cmp(arith::CmpIPredicate::slt, offset, dim)),
        arith::AndIOp::create(b, loc, cmp(arith::CmpIPredicate::sge, last, zero),
                              cmp(arith::CmpIPredicate::slt, last, dim)));
    ok = arith::OrIOp::create(b, loc, cmp(arith::CmpIPredicate::eq, size, zero),
                              ok);
    all = all ? arith::AndIOp::create(b, loc, all, ok).getResult() : ok;
  }
  return all;
}

std::string locationOf(Operation *op) {
  if (auto file = op->getLoc()->findInstanceOf<FileLineColLoc>())
    return llvm::formatv("at {0}:{1}:{2}", file.getFilename().getValue(),
                         file.getLine(), file.getColumn())
        .str();
  return "(unknown location)";
}

std::string messageFor(Operation *op) {
  return llvm::formatv("{0} {1}: a run-time offset or size puts it outside "
                       "the tensor it {2}",
                       op->getName().getStringRef(), locationOf(op),
                       isa<tensor::ExtractSliceOp, tensor::ExtractOp>(op)
                           ? "reads"
                           : "writes")
      .str();
}

/// The earliest point in `block` after the definitions of `values` (all
/// in `block` or above it).
Block::iterator pointAfter(Block *block, ArrayRef<Value> values) {
  Block::iterator point = block->begin();
  for (Value v : values) {
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != block)
      continue;
    if (point == block->begin() || (*std::prev(point)).isBeforeInBlock(def))
      point = std::next(def->getIterator());
  }
  return point;
}

/// The values outside `block`'s ops that `values` depend on, and the ops
/// of `block` they depend on through (in order); failure if one of those
/// is not index arithmetic, a tensor read, dim or empty tensor.
LogicalResult sliceIn(Block *block, ArrayRef<Value> values,
                      SmallVectorImpl<Operation *> &ops,
                      llvm::SetVector<Value> &outside) {
  BackwardSliceOptions options;
  options.inclusive = true;
  options.omitBlockArguments = true;
  options.filter = [&](Operation *op) { return op->getBlock() == block; };
  llvm::SetVector<Operation *> slice;
  for (Value v : values)
    if (failed(getBackwardSlice(v, &slice, options)))
      return failure();
  for (Operation *def : slice) {
    // Scalar index arithmetic and reads only: nothing costly is repeated
    // (arith on tensors is elementwise work).
    bool scalar = llvm::all_of(def->getResultTypes(), [](Type t) {
      return t.isIntOrIndexOrFloat();
    });
    bool cheap =
        isa<tensor::EmptyOp>(def) ||
        (scalar &&
         (isa<arith::ArithDialect, index::IndexDialect>(def->getDialect()) ||
          isa<affine::AffineApplyOp, affine::AffineMinOp, affine::AffineMaxOp,
              tensor::ExtractOp, tensor::DimOp>(def)));
    if (def->getNumRegions() || !cheap ||
        !(isMemoryEffectFree(def) || isa<tensor::ExtractOp>(def)))
      return failure();
  }
  // What the slice reads from outside the block.
  auto addOutside = [&](Value v) {
    if (slice.contains(v.getDefiningOp()))
      return;
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != block)
      outside.insert(v);
  };
  for (Value v : values)
    addOutside(v);
  for (Operation *def : slice)
    for (Value operand : def->getOperands())
      addOutside(operand);
  ops.assign(slice.begin(), slice.end());
  llvm::sort(ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return success();
}

/// The values an access's check reads: its offsets, sizes, strides and the
/// tensor its shape comes from.
void checkOperands(const Access &a, SmallVectorImpl<Value> &values) {
  for (ArrayRef<OpFoldResult> list : {ArrayRef(a.offsets), ArrayRef(a.sizes),
                                      ArrayRef(a.strides)})
    for (OpFoldResult v : list)
      if (auto val = dyn_cast<Value>(v))
        values.push_back(val);
  values.push_back(shapeSource(a.tensor));
}

/// The conjunction of the accesses' bounds, `ops` (computing their
/// operands, in order) cloned at `b`'s point through `map`: each read among
/// them is checked too and made only where it is in bounds (0 otherwise).
Value buildChecks(OpBuilder &b, Location loc, ArrayRef<Operation *> ops,
                  ArrayRef<Access> accesses, IRMapping &map) {
  Value ok;
  auto join = [&](Value c) {
    if (c)
      ok = ok ? arith::AndIOp::create(b, loc, ok, c).getResult() : c;
  };
  for (Operation *op : ops) {
    auto extract = dyn_cast<tensor::ExtractOp>(op);
    if (!extract) {
      b.clone(*op, map);
      continue;
    }
    Value inside = inBounds(b, loc, *accessOf(op), map);
    join(inside);
    SmallVector<Value> indices;
    for (Value i : extract.getIndices())
      indices.push_back(map.lookupOrDefault(i));
    Value tensor = map.lookupOrDefault(extract.getTensor());
    if (!inside) {
      map.map(extract.getResult(),
              tensor::ExtractOp::create(b, loc, tensor, indices).getResult());
      continue;
    }
    // Read only where it is in bounds (the check fails otherwise).
    Type type = extract.getType();
    auto read = scf::IfOp::create(b, loc, TypeRange{type}, inside,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(read.thenBlock());
      scf::YieldOp::create(
          b, loc, tensor::ExtractOp::create(b, loc, tensor, indices).getResult());
      b.setInsertionPointToStart(read.elseBlock());
      scf::YieldOp::create(
          b, loc,
          arith::ConstantOp::create(b, loc, b.getZeroAttr(type)).getResult());
    }
    map.map(extract.getResult(), read.getResult(0));
  }
  for (const Access &a : accesses)
    if (!llvm::is_contained(ops, a.op))
      join(inBounds(b, loc, a, map));
  return ok;
}

/// Sets `b` at the earliest point of `body` where `values` can be known:
/// the ops of `body` computing them (pure, or tensor reads) are repeated
/// there, mapped in `map`, usually at the function's start (a frontend may
/// compute a cache offset next to the insertion, after the rope op that
/// writes into the slice in place). Returns the bounds of the reads
/// repeated (or null); otherwise `b` goes where `values` are.
Value placeEarly(OpBuilder &b, Location loc, Block *body,
                 ArrayRef<Value> values, IRMapping &map) {
  SmallVector<Operation *> ops;
  llvm::SetVector<Value> outside;
  if (failed(sliceIn(body, values, ops, outside))) {
    b.setInsertionPoint(body, pointAfter(body, values));
    return Value();
  }
  b.setInsertionPoint(body, pointAfter(body, outside.getArrayRef()));
  return buildChecks(b, loc, ops, {}, map);
}

Value both(OpBuilder &b, Location loc, Value x, Value y) {
  if (!x || !y)
    return x ? x : y;
  return arith::AndIOp::create(b, loc, x, y);
}

/// Checks a top-level slice or element access as early as its operands
/// allow.
void checkTopLevel(const Access &a, Block *body) {
  SmallVector<Value> needs;
  checkOperands(a, needs);
  OpBuilder b(a.op);
  IRMapping map;
  Location loc = a.op->getLoc();
  Value reads = placeEarly(b, loc, body, needs, map);
  if (Value ok = both(b, loc, reads, inBounds(b, loc, a, map)))
    cf::AssertOp::create(b, loc, ok, messageFor(a.op));
}

/// Checks the slices and reads in the body of a top-level loop over rows
/// (a paged cache's writes) in a loop of its own over the same iterations,
/// as early as its operands allow.
void checkForall(scf::ForallOp loop, ArrayRef<Access> accesses, Block *body) {
  if (loop.getRank() != 1)
    return;
  SmallVector<Value> roots;
  for (const Access &a : accesses)
    checkOperands(a, roots);
  SmallVector<Operation *> ops;
  llvm::SetVector<Value> outside;
  if (failed(sliceIn(loop.getBody(), roots, ops, outside)))
    return;
  SmallVector<Value> needs(outside.begin(), outside.end());
  for (OpFoldResult v : {loop.getMixedLowerBound()[0], loop.getMixedUpperBound()[0],
                         loop.getMixedStep()[0]})
    if (auto val = dyn_cast<Value>(v))
      needs.push_back(val);
  if (llvm::any_of(needs, [&](Value v) {
        return v.getParentBlock() != body &&
               !v.getParentBlock()->getParentOp()->isProperAncestor(
                   body->getParentOp());
      }))
    return;
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  IRMapping map;
  Value reads = placeEarly(b, loc, body, needs, map);
  auto index = [&](OpFoldResult v) -> Value {
    if (auto val = dyn_cast<Value>(v))
      return map.lookupOrDefault(val);
    return getValueOrCreateConstantIndexOp(b, loc, v);
  };
  Value yes = arith::ConstantIntOp::create(b, loc, 1, 1);
  auto check = scf::ForOp::create(b, loc, index(loop.getMixedLowerBound()[0]),
                                  index(loop.getMixedUpperBound()[0]),
                                  index(loop.getMixedStep()[0]),
                                  ValueRange{reads ? reads : yes});
  b.setInsertionPointToStart(check.getBody());
  map.map(loop.getInductionVar(0), check.getInductionVar());
  Value ok = buildChecks(b, loc, ops, accesses, map);
  scf::YieldOp::create(b, loc,
                       both(b, loc, check.getRegionIterArgs()[0], ok));
  b.setInsertionPointAfter(check);
  cf::AssertOp::create(
      b, loc, check.getResult(0),
      llvm::formatv("scf.forall {0}: an access in its body (a cache slot, a "
                    "block table entry, a row) is outside its tensor at a "
                    "run-time offset",
                    locationOf(loop))
          .str());
}

struct RopeCheckSliceBoundsPass
    : rope::impl::RopeCheckSliceBoundsPassBase<RopeCheckSliceBoundsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || !func.getBody().hasOneBlock())
      return;
    Block *body = &func.getBody().front();
    for (Operation &op : llvm::make_early_inc_range(*body)) {
      if (auto loop = dyn_cast<scf::ForallOp>(op)) {
        // The accesses the loop body always makes: those under a condition
        // (a padding slot of -1 skipped by an scf.if) are not checked.
        SmallVector<Access> inLoop;
        auto collect = [&](Block &block) {
          for (Operation &nested : block)
            if (std::optional<Access> a = accessOf(&nested))
              if (!isStatic(*a))
                inLoop.push_back(*a);
        };
        collect(*loop.getBody());
        collect(loop.getTerminator().getRegion().front());
        if (!inLoop.empty())
          checkForall(loop, inLoop, body);
        continue;
      }
      if (std::optional<Access> a = accessOf(&op))
        if (!isStatic(*a))
          checkTopLevel(*a, body);
    }
  }
};

} // namespace
