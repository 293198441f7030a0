//===- VectorAccesses.cpp - rope-gpu-vector-accesses pass -----------------===//
//
// The vector code of the gpu.launch bodies as NVPTX takes it: a thread's n-D
// vectors (several rows, the two halves of a pair) as 1-D ones, transfers as
// loads and stores on the buffers themselves (subviews folded in) with the
// alignment their indices prove, which is what makes them 16-byte accesses.
//
//===----------------------------------------------------------------------===//

#include "rope/Codegen/GPU/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Vector/Utils/VectorUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEGPUVECTORACCESSESPASS
#include "rope/Codegen/GPU/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {

/// Whether `v` is a multiple of `n` by how it is computed (constants,
/// products with multiples, sums of multiples, affine maps thereof).
bool isMultipleOf(Value v, int64_t n, int depth = 0) {
  if (n <= 1)
    return true;
  if (depth > 8)
    return false;
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return *c % n == 0;
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto mul = dyn_cast<arith::MulIOp>(def))
    return isMultipleOf(mul.getLhs(), n, depth + 1) ||
           isMultipleOf(mul.getRhs(), n, depth + 1);
  if (auto add = dyn_cast<arith::AddIOp>(def))
    return isMultipleOf(add.getLhs(), n, depth + 1) &&
           isMultipleOf(add.getRhs(), n, depth + 1);
  if (auto linearize = dyn_cast<affine::AffineLinearizeIndexOp>(def)) {
    // sum of index_k * (product of the basis after k)
    SmallVector<int64_t> basis(linearize.getStaticBasis());
    ValueRange indices = linearize.getMultiIndex();
    if (basis.size() < indices.size())
      basis.insert(basis.begin(), indices.size() - basis.size(),
                   ShapedType::kDynamic);
    int64_t stride = 1;
    for (int64_t k = indices.size() - 1; k >= 0; --k) {
      if (!(stride != ShapedType::kDynamic && stride % n == 0) &&
          !isMultipleOf(indices[k], n, depth + 1))
        return false;
      stride = (stride == ShapedType::kDynamic ||
                ShapedType::isDynamic(basis[k]))
                   ? ShapedType::kDynamic
                   : stride * basis[k];
    }
    return true;
  }
  auto apply = dyn_cast<affine::AffineApplyOp>(def);
  if (!apply)
    return false;
  AffineMap map = apply.getAffineMap();
  // Substitute each operand that is a multiple of n by n * (fresh dim): the
  // expression is then a multiple of n structurally.
  SmallVector<AffineExpr> dims, syms;
  MLIRContext *ctx = v.getContext();
  unsigned fresh = map.getNumDims() + map.getNumSymbols();
  for (auto [i, operand] : llvm::enumerate(apply.getMapOperands())) {
    AffineExpr e = isMultipleOf(operand, n, depth + 1)
                       ? getAffineDimExpr(fresh + i, ctx) * n
                       : (i < map.getNumDims()
                              ? getAffineDimExpr(i, ctx)
                              : getAffineSymbolExpr(i - map.getNumDims(), ctx));
    (i < map.getNumDims() ? dims : syms).push_back(e);
  }
  AffineExpr e = map.getResult(0).replaceDimsAndSymbols(dims, syms);
  return e.isMultipleOf(n);
}

/// Alignment in bytes that a vector access of `vecType` at `indices` of
/// `memref` has, given 16-byte aligned buffers (the allocations and the
/// documented contract for callers' buffers): the largest power of two up
/// to 16 bytes and the vector's size that divides the byte offset the
/// indices prove.
uint64_t accessAlignment(MemRefType memref, ValueRange indices,
                         VectorType vecType) {
  const int64_t elementBytes = vecType.getElementTypeBitWidth() / 8;
  const int64_t bytes = vecType.getNumElements() * elementBytes;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (elementBytes == 0 ||
      failed(memref.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset))
    return std::max<int64_t>(elementBytes, 1);
  int64_t align = 16;
  while (align > bytes || align > 16)
    align /= 2;
  for (; align > elementBytes; align /= 2) {
    const int64_t lanes = align / elementBytes;
    if (offset % lanes)
      continue;
    // Row-major: a dynamic stride is still a multiple of the static sizes
    // inside it.
    SmallVector<int64_t> known = strides;
    if (memref.getLayout().isIdentity()) {
      int64_t inner = 1;
      for (int64_t d = memref.getRank() - 1; d >= 0; --d) {
        if (ShapedType::isDynamic(known[d]) && inner % lanes == 0)
          known[d] = inner;
        if (!memref.isDynamicDim(d))
          inner *= memref.getDimSize(d);
      }
    }
    if (llvm::all_of(llvm::zip(indices, known), [&](auto pair) {
          auto [index, stride] = pair;
          return (!ShapedType::isDynamic(stride) && stride % lanes == 0) ||
                 isMultipleOf(index, lanes);
        }))
      return align;
  }
  return elementBytes;
}

/// Constants and globals (constant tables) a kernel reads stay in it:
/// outlining would pass constants as kernel arguments, and it copies only
/// the globals referenced inside into the kernel's module.
bool isKernelConstant(Operation *op) {
  return op->getNumOperands() == 0 && op->getNumRegions() == 0 &&
         isPure(op) &&
         (op->hasTrait<OpTrait::ConstantLike>() ||
          isa<memref::GetGlobalOp, vector::StepOp, ub::PoisonOp>(op));
}

/// Whether a vector shape holds one element.
bool isOneElement(ArrayRef<int64_t> shape) {
  return llvm::all_of(shape, [](int64_t d) { return d == 1; });
}

/// The pieces an n-D transfer is unrolled into: its largest trailing part
/// that is contiguous in memory (the 8 pairs of one head of interleaved
/// data, a [8, 2] tile), leading dimensions one by one; one row for a
/// transfer that is not on a strided buffer.
std::optional<SmallVector<int64_t>>
contiguousPieces(VectorTransferOpInterface transfer) {
  VectorType type = transfer.getVectorType();
  if (type.getRank() < 2)
    return std::nullopt;
  SmallVector<int64_t> shape(type.getShape());
  auto memref = dyn_cast<MemRefType>(transfer.getBase().getType());
  if (memref && transfer.getPermutationMap().isMinorIdentity())
    for (int64_t k = 0; k < type.getRank(); ++k) {
      SmallVector<int64_t> piece(k, 1);
      llvm::append_range(piece, ArrayRef(shape).drop_front(k));
      // One element (halves of one pair): upstream's check would read an
      // empty shape past its end.
      if (isOneElement(piece))
        return piece;
      if (vector::isContiguousSlice(
              memref, VectorType::get(piece, type.getElementType())))
        return piece;
    }
  SmallVector<int64_t> row(type.getRank(), 1);
  row.back() = shape.back();
  return row;
}

struct RopeGPUVectorAccessesPass
    : rope::impl::RopeGPUVectorAccessesPassBase<RopeGPUVectorAccessesPass> {
  void runOnOperation() override {
    // A thread's n-D vectors (several rows, the two halves of a pair) as
    // 1-D vectors: unrolled, what is left lowered to 1-D ops.
    // Contiguous n-D transfers (interleaved pairs) first become one 1-D
    // access each.
    // Not transfers of one element (all unit dimensions): upstream's
    // contiguity check reads past an empty shape for them.
    SmallVector<Operation *> flattenable;
    getOperation()->walk([&](VectorTransferOpInterface transfer) {
      if (!isOneElement(transfer.getVectorType().getShape()))
        flattenable.push_back(transfer);
    });
    RewritePatternSet flatten(&getContext());
    vector::populateFlattenVectorTransferPatterns(flatten, /*bitwidth=*/128);
    (void)applyOpPatternsGreedily(flattenable, std::move(flatten));
    RewritePatternSet oneD(&getContext());
    vector::populateVectorUnrollPatterns(
        oneD, vector::UnrollVectorOptions()
                  .setNativeShapeFn(
                      [](Operation *op) -> std::optional<SmallVector<int64_t>> {
                        if (auto transfer =
                                dyn_cast<VectorTransferOpInterface>(op))
                          return contiguousPieces(transfer);
                        if (op->getNumResults() != 1)
                          return std::nullopt;
                        auto type =
                            dyn_cast<VectorType>(op->getResult(0).getType());
                        if (!type || type.getRank() < 2)
                          return std::nullopt;
                        SmallVector<int64_t> shape(type.getRank(), 1);
                        shape.back() = type.getShape().back();
                        return shape;
                      })
                  .setFilterConstraint([](Operation *op) {
                    return success(op->getParentOfType<gpu::LaunchOp>());
                  }));
    vector::populateCastAwayVectorLeadingOneDimPatterns(oneD);
    // Last for each op, so that a one-element piece loses its leading unit
    // dimensions before flattening would check it (see above).
    vector::populateFlattenVectorTransferPatterns(oneD, /*bitwidth=*/128,
                                                  /*benefit=*/0);
    vector::populateVectorInterleaveLoweringPatterns(oneD, /*targetRank=*/1);
    vector::populateVectorBroadcastLoweringPatterns(oneD);
    vector::populateVectorTransposeLoweringPatterns(
        oneD, vector::VectorTransposeLowering::EltWise);
    vector::populateVectorShapeCastLoweringPatterns(oneD);
    vector::populateVectorStepLoweringPatterns(oneD);
    vector::populateVectorInsertExtractStridedSliceTransforms(oneD);
    (void)applyPatternsGreedily(getOperation(), std::move(oneD));
    // n-D transfers (a thread's rows) unrolled into 1-D ones.
    RewritePatternSet unroll(&getContext());
    populateVectorToSCFConversionPatterns(
        unroll, VectorTransferToSCFOptions().enableFullUnroll());
    (void)applyPatternsGreedily(getOperation(), std::move(unroll));
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    memref::populateFoldMemRefAliasOpPatterns(patterns);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
    getOperation()->walk([&](Operation *op) {
      if (!op->getParentOfType<gpu::LaunchOp>())
        return;
      if (auto load = dyn_cast<vector::LoadOp>(op))
        load.setAlignment(accessAlignment(load.getMemRefType(),
                                          load.getIndices(),
                                          load.getVectorType()));
      else if (auto store = dyn_cast<vector::StoreOp>(op))
        store.setAlignment(accessAlignment(store.getMemRefType(),
                                           store.getIndices(),
                                           store.getVectorType()));
    });
      // Pattern drivers put the constants they fold at the function's start.
    getOperation()->walk([](gpu::LaunchOp launch) {
      (void)sinkOperationsIntoLaunchOp(launch, isKernelConstant);
    });
  }
};
} // namespace
