//===- FuseTokenLoops.cpp - rope-fuse-token-loops pass --------------------===//
//
// A token tile of partial rotary runs two loops over its tokens: one copies
// the pass-through part of every head's row, the next rotates the rest. Two
// sweeps over the tile's rows, each touching some of every row's cache
// lines, stream worse than one sweep that finishes a token's rows at once.
// This pass fuses adjacent loops over the same tokens when every access to
// a buffer either loop writes is at the loop's own token row: iterations of
// different tokens then touch disjoint rows, and within a token the first
// loop's work still comes first.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/CPU/Passes.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "BufferRoots.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/MapVector.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEFUSETOKENLOOPSPASS
#include "rope/Codegen/CPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using mlir::rope::rootBuffer;

namespace {
/// sum(coefficient * value) + constant, over index values.
struct LinearForm {
  llvm::MapVector<Value, int64_t> terms;
  int64_t constant = 0;
  void add(const LinearForm &o) {
    for (auto [v, c] : o.terms)
      terms[v] += c;
    constant += o.constant;
  }
  bool operator==(const LinearForm &o) const {
    auto nonzero = [](const LinearForm &f) {
      llvm::SmallDenseMap<Value, int64_t> m;
      for (auto [v, c] : f.terms)
        if (c)
          m[v] = c;
      return m;
    };
    return constant == o.constant && nonzero(*this) == nonzero(o);
  }
};

/// The linear form of an index value; `iv` (and `alias`, the other loop's
/// induction variable) count as one variable.
LinearForm formOf(Value v, Value iv, Value alias) {
  LinearForm f;
  if (v == alias)
    v = iv;
  if (std::optional<int64_t> c = getConstantIntValue(v)) {
    f.constant = *c;
    return f;
  }
  if (auto add = v.getDefiningOp<arith::AddIOp>()) {
    f = formOf(add.getLhs(), iv, alias);
    f.add(formOf(add.getRhs(), iv, alias));
    return f;
  }
  f.terms[v] = 1;
  return f;
}

LinearForm formOf(OpFoldResult r, Value iv, Value alias) {
  if (auto v = dyn_cast<Value>(r))
    return formOf(v, iv, alias);
  LinearForm f;
  f.constant = cast<IntegerAttr>(cast<Attribute>(r)).getInt();
  return f;
}

/// The root-buffer row (dim 0) an access at `index0` of `memref` reaches,
/// through views that keep dim 0 as dim 0 with stride 1, up to an
/// allocation or a block argument.
FailureOr<LinearForm> rowOf(Value memref, Value index0, Value iv,
                            Value alias) {
  LinearForm row = formOf(index0, iv, alias);
  while (Operation *def = memref.getDefiningOp()) {
    if (auto sub = dyn_cast<memref::SubViewOp>(def)) {
      if (sub.getDroppedDims().test(0) ||
          getConstantIntValue(sub.getMixedStrides()[0]) != 1)
        return failure();
      row.add(formOf(sub.getMixedOffsets()[0], iv, alias));
      memref = sub.getSource();
    } else if (auto expand = dyn_cast<memref::ExpandShapeOp>(def)) {
      auto groups = expand.getReassociationIndices();
      if (groups.empty() || groups[0].size() != 1)
        return failure();
      memref = expand.getSrc();
    } else if (auto collapse = dyn_cast<memref::CollapseShapeOp>(def)) {
      auto groups = collapse.getReassociationIndices();
      if (groups.empty() || groups[0].size() != 1)
        return failure();
      memref = collapse.getSrc();
    } else if (auto cast = dyn_cast<memref::CastOp>(def)) {
      memref = cast.getSource();
    } else if (isa<memref::AllocOp, memref::AllocaOp>(def)) {
      break;
    } else {
      return failure();
    }
  }
  // The root's rows do not overlap: identity layout, or a static dim-0
  // stride past the extent of the other dimensions.
  auto type = cast<MemRefType>(memref.getType());
  if (type.getRank() == 0)
    return failure();
  if (!type.getLayout().isIdentity()) {
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)))
      return failure();
    int64_t span = 1;
    for (int64_t d = 1; d < type.getRank(); ++d) {
      if (ShapedType::isDynamic(strides[d]) || type.isDynamicDim(d) ||
          strides[d] < 0)
        return failure();
      span += (type.getDimSize(d) - 1) * strides[d];
    }
    if (ShapedType::isDynamic(strides[0]) || strides[0] < span)
      return failure();
  }
  return row;
}

/// Buffers whose aliases the pass sees: allocations, globals and function
/// arguments (distinct arguments are taken not to overlap, as everywhere
/// in the kernel's lowering).
bool isKnownRoot(Value root) {
  if (auto arg = dyn_cast<BlockArgument>(root))
    return arg.getOwner()->isEntryBlock() &&
           isa<FunctionOpInterface>(arg.getOwner()->getParentOp());
  return root.getDefiningOp<memref::AllocOp>() ||
         root.getDefiningOp<memref::AllocaOp>() ||
         root.getDefiningOp<memref::GetGlobalOp>();
}

/// A load or store: its memref, its dim-0 index, and whether it stays in
/// that one row (a vector along dim 0 spans several).
struct Access {
  Value memref, index0;
  bool oneRow;
};

std::optional<Access> accessOf(Operation *op) {
  auto first = [](ValueRange indices) {
    return indices.empty() ? Value() : indices.front();
  };
  auto rank = [](Value m) { return cast<MemRefType>(m.getType()).getRank(); };
  if (auto l = dyn_cast<vector::LoadOp>(op))
    return Access{l.getBase(), first(l.getIndices()),
                  l.getVectorType().getRank() < rank(l.getBase())};
  if (auto s = dyn_cast<vector::StoreOp>(op))
    return Access{s.getBase(), first(s.getIndices()),
                  s.getVectorType().getRank() < rank(s.getBase())};
  if (auto r = dyn_cast<vector::TransferReadOp>(op))
    return Access{r.getBase(), first(r.getIndices()),
                  !r.getPermutationMap().isFunctionOfDim(0)};
  if (auto w = dyn_cast<vector::TransferWriteOp>(op))
    return Access{w.getBase(), first(w.getIndices()),
                  !w.getPermutationMap().isFunctionOfDim(0)};
  if (auto l = dyn_cast<memref::LoadOp>(op))
    return Access{l.getMemRef(), first(l.getIndices()), true};
  if (auto s = dyn_cast<memref::StoreOp>(op))
    return Access{s.getMemRef(), first(s.getIndices()), true};
  return std::nullopt;
}

/// Whether `a` then `b`, in `tile`, can run as one loop: same bounds, no
/// results, both writing the same buffers, from outside the tile, and all
/// accesses to a buffer either writes at one row per iteration, iv plus the
/// same loop-invariant terms.
bool fusible(scf::ForOp a, scf::ForOp b, Operation *tile) {
  if (a.getNumResults() || b.getNumResults() ||
      a.getUnsignedCmp() != b.getUnsignedCmp() ||
      a.getLowerBound() != b.getLowerBound() ||
      a.getUpperBound() != b.getUpperBound() || a.getStep() != b.getStep())
    return false;
  Value iv = a.getInductionVar(), alias = b.getInductionVar();
  // The buffers written, and every access (memref, dim-0 index).
  llvm::SmallDenseSet<Value> written, writtenBy[2];
  SmallVector<Access> accesses;
  bool ok = true;
  for (int l = 0; l < 2; ++l)
    (l ? b : a).getBody()->walk([&](Operation *op) {
      if (std::optional<Access> acc = accessOf(op)) {
        accesses.push_back(*acc);
        if (isa<vector::StoreOp, vector::TransferWriteOp, memref::StoreOp>(
                op)) {
          written.insert(rootBuffer(acc->memref));
          writtenBy[l].insert(rootBuffer(acc->memref));
        }
        return;
      }
      // Anything else touching memory is not traced.
      auto effects = dyn_cast<MemoryEffectOpInterface>(op);
      if (!effects) {
        if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
          ok = false;
        return;
      }
      SmallVector<MemoryEffects::EffectInstance> list;
      effects.getEffects(list);
      for (auto &e : list)
        if (!isa<MemoryEffects::Allocate>(e.getEffect()) || !e.getValue() ||
            !e.getValue().getDefiningOp<memref::AllocaOp>())
          ok = false;
    });
  // Parts of the same outputs (a pass-through copy and a rotation), not
  // loops over different tensors (q and k keep their own loops).
  if (!ok || written.empty() || writtenBy[0] != writtenBy[1])
    return false;
  // Only loops writing the kernel's outputs: a loop filling the tile's own
  // tables stays whole before them (rope-page-walk matches that form).
  for (Value root : written)
    if (Operation *def = root.getDefiningOp())
      if (tile->isAncestor(def))
        return false;
  // Per buffer one row per iteration: iv + the same invariant terms.
  llvm::SmallDenseMap<Value, LinearForm> rows;
  for (const Access &acc : accesses) {
    Value memref = acc.memref, index0 = acc.index0;
    Value root = rootBuffer(memref);
    // A buffer reached through anything else may alias a written one.
    if (!isKnownRoot(root))
      return false;
    if (!written.contains(root))
      continue;
    if (!index0 || !acc.oneRow || !isa<MemRefType>(memref.getType()))
      return false;
    FailureOr<LinearForm> r = rowOf(memref, index0, iv, alias);
    if (failed(r) || r->terms.lookup(iv) != 1)
      return false;
    // Every other term is the same in all iterations: defined outside both.
    for (auto [v, c] : r->terms) {
      Operation *owner = isa<BlockArgument>(v)
                             ? cast<BlockArgument>(v).getOwner()->getParentOp()
                             : v.getDefiningOp();
      if (v != iv && c && (a->isAncestor(owner) || b->isAncestor(owner)))
        return false;
    }
    auto [it, inserted] = rows.try_emplace(root, *r);
    if (!inserted && !(it->second == *r))
      return false;
  }
  return true;
}

struct RopeFuseTokenLoopsPass
    : rope::impl::RopeFuseTokenLoopsPassBase<RopeFuseTokenLoopsPass> {
  void runOnOperation() override {
    SmallVector<Block *> blocks;
    // The bodies of the token tiles our lowering built.
    getOperation()->walk([&](scf::ForallOp tile) {
      if (tile->hasAttr(rope::LoweringAttr::name))
        blocks.push_back(tile.getBody());
    });
    IRRewriter rewriter(&getContext());
    for (Block *block : blocks) {
      bool changed = true;
      while (changed) {
        changed = false;
        scf::ForOp prev;
        for (Operation &op : *block) {
          auto loop = dyn_cast<scf::ForOp>(op);
          if (!loop) {
            // Effect-free ops (index arithmetic, views) may sit between.
            if (!isMemoryEffectFree(&op) && !isa<memref::SubViewOp,
                                                 memref::ExpandShapeOp>(op))
              prev = nullptr;
            continue;
          }
          if (prev && fusible(prev, loop, block->getParentOp())) {
            // The fused loop takes the second loop's place: what lies
            // between the two (views, index arithmetic) still comes first.
            fuseIndependentSiblingForLoops(prev, loop, rewriter);
            changed = true;
            break;
          }
          prev = loop;
        }
      }
    }
  }
};
} // namespace
