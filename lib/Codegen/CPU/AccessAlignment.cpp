//===- AccessAlignment.cpp - Proven alignment of a memref access ----------===//
//
// Divisibility by powers of two only: enough to tell which vector stores of
// a row land on cache-line boundaries once the buffer's base does.
//
//===----------------------------------------------------------------------===//

#include "AccessAlignment.h"
#include "BufferRoots.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;

namespace {
/// Powers of two that divide an integer, saturated at `cap` (0 divides by
/// anything).
struct Divisors {
  int64_t cap;

  int64_t ofConstant(int64_t c) const {
    if (c == 0)
      return cap;
    uint64_t u = static_cast<uint64_t>(c);
    return std::min<uint64_t>(cap, u & (~u + 1));
  }
  int64_t product(int64_t a, int64_t b) const {
    return a >= cap || b >= cap ? cap : std::min(cap, a * b);
  }

  int64_t of(OpFoldResult r, int depth) const {
    if (auto attr = dyn_cast<Attribute>(r))
      return ofConstant(cast<IntegerAttr>(attr).getInt());
    return of(cast<Value>(r), depth);
  }

  int64_t of(Value v, int depth) const {
    APInt c;
    if (matchPattern(v, m_ConstantInt(&c)))
      return ofConstant(c.getSExtValue());
    if (depth > 16)
      return 1;
    if (auto arg = dyn_cast<BlockArgument>(v))
      return ofInductionVariable(arg, depth + 1);
    Operation *def = v.getDefiningOp();
    if (isa<arith::AddIOp, arith::SubIOp>(def))
      return std::min(of(def->getOperand(0), depth + 1),
                      of(def->getOperand(1), depth + 1));
    if (isa<arith::MulIOp>(def))
      return product(of(def->getOperand(0), depth + 1),
                     of(def->getOperand(1), depth + 1));
    if (isa<arith::IndexCastOp, arith::IndexCastUIOp>(def))
      return of(def->getOperand(0), depth + 1);
    if (auto apply = dyn_cast<affine::AffineApplyOp>(def))
      return ofExpr(apply.getAffineMap().getResult(0), apply.getMapOperands(),
                    apply.getAffineMap().getNumDims(), depth + 1);
    return 1;
  }

  int64_t ofExpr(AffineExpr e, ValueRange operands, unsigned numDims,
                 int depth) const {
    if (auto c = dyn_cast<AffineConstantExpr>(e))
      return ofConstant(c.getValue());
    if (auto d = dyn_cast<AffineDimExpr>(e))
      return of(operands[d.getPosition()], depth);
    if (auto s = dyn_cast<AffineSymbolExpr>(e))
      return of(operands[numDims + s.getPosition()], depth);
    auto bin = cast<AffineBinaryOpExpr>(e);
    int64_t l = ofExpr(bin.getLHS(), operands, numDims, depth);
    int64_t r = ofExpr(bin.getRHS(), operands, numDims, depth);
    if (e.getKind() == AffineExprKind::Add)
      return std::min(l, r);
    if (e.getKind() == AffineExprKind::Mul)
      return product(l, r);
    return 1;
  }

  /// An induction variable takes lb, lb + step, ...: what divides both.
  int64_t ofInductionVariable(BlockArgument arg, int depth) const {
    Operation *owner = arg.getOwner()->getParentOp();
    if (auto loop = dyn_cast<scf::ForOp>(owner)) {
      if (arg != loop.getInductionVar())
        return 1;
      return std::min(of(loop.getLowerBound(), depth),
                      of(loop.getStep(), depth));
    }
    if (auto loop = dyn_cast<scf::ForallOp>(owner)) {
      unsigned i = arg.getArgNumber();
      if (i >= loop.getRank())
        return 1;
      return std::min(of(loop.getMixedLowerBound()[i], depth),
                      of(loop.getMixedStep()[i], depth));
    }
    return 1;
  }

  /// sum(index_i * stride_i) over a layout's static strides.
  int64_t ofLinearOffset(ArrayRef<OpFoldResult> indices,
                         ArrayRef<int64_t> strides, int depth) const {
    int64_t d = cap;
    for (auto [index, stride] : llvm::zip_equal(indices, strides)) {
      int64_t strideDivisor =
          ShapedType::isDynamic(stride) ? 1 : ofConstant(stride);
      d = std::min(d, product(of(index, depth), strideDivisor));
    }
    return d;
  }
};
} // namespace

int64_t mlir::rope::provenAccessAlignment(Value memref, ValueRange indices,
                                          int64_t cap) {
  assert(llvm::isPowerOf2_64(cap) && "cap must be a power of two");
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type || !type.getElementType().isIntOrFloat())
    return 1;
  const int64_t bits = type.getElementTypeBitWidth();
  if (bits % 8)
    return 1;
  Divisors div{cap};
  // getStridesAndOffset appends to `strides`.
  auto stridesOf = [](Value m, SmallVectorImpl<int64_t> &strides,
                      int64_t &offset) {
    strides.clear();
    auto type = dyn_cast<MemRefType>(m.getType());
    if (!type)
      return failure();
    return type.getStridesAndOffset(strides, offset);
  };
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(stridesOf(memref, strides, offset)))
    return 1;
  // In elements: the access's offset in `memref`, then each view's offset
  // in its source, then the root's own layout offset.
  int64_t elements =
      div.ofLinearOffset(getAsOpFoldResult(indices), strides, 0);
  Value v = memref;
  while (Operation *def = v.getDefiningOp()) {
    if (auto view = dyn_cast<memref::SubViewOp>(def)) {
      if (failed(stridesOf(view.getSource(), strides, offset)))
        return 1;
      elements = std::min(
          elements, div.ofLinearOffset(view.getMixedOffsets(), strides, 0));
      v = view.getSource();
      continue;
    }
    // Reshapes and casts: same base, same layout offset.
    if (!rope::isContainedView(def))
      break;
    v = def->getOperand(0);
  }
  // Another view (reinterpret_cast, view) has its own aligned pointer.
  if (v != rootBuffer(memref))
    return 1;
  if (failed(stridesOf(v, strides, offset)) || ShapedType::isDynamic(offset))
    return 1;
  elements = std::min(elements, div.ofConstant(offset));
  return div.product(elements, div.ofConstant(bits / 8));
}
