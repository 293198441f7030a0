//===- CheckDescriptors.cpp - rope-check-descriptors pass -----------------===//
//
// What a C caller's memref descriptor must satisfy for the compiled code,
// which trusts the argument's type, checked before anything reads it.
//
//===----------------------------------------------------------------------===//

#include "rope/ABI/Passes.h"
#include "rope/Utils/ShapeString.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKDESCRIPTORSPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// "f32 [?, 4, 64]"
std::string describe(MemRefType type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type.getElementType() << " " << rope::shapeString(type.getShape());
  return s;
}

struct RopeCheckDescriptorsPass
    : rope::impl::RopeCheckDescriptorsPassBase<RopeCheckDescriptorsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        rewrite(func);
  }

  void rewrite(func::FuncOp func) {
    Block &entry = func.getBody().front();
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    for (BlockArgument arg : entry.getArguments()) {
      auto type = dyn_cast<MemRefType>(arg.getType());
      if (!type || !type.getLayout().isIdentity())
        continue;
      Location loc = arg.getLoc();
      const int64_t rank = type.getRank();
      SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
      auto open = MemRefType::get(
          dynamic, type.getElementType(),
          StridedLayoutAttr::get(&getContext(), ShapedType::kDynamic, dynamic),
          type.getMemorySpace());
      arg.setType(open);
      auto meta = memref::ExtractStridedMetadataOp::create(b, loc, arg);

      auto cst = [&](int64_t v) {
        return arith::ConstantIndexOp::create(b, loc, v).getResult();
      };
      auto eq = [&](Value x, Value y) {
        return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y)
            .getResult();
      };
      auto both = [&](Value x, Value y) {
        return arith::AndIOp::create(b, loc, x, y).getResult();
      };
      auto either = [&](Value x, Value y) {
        return arith::OrIOp::create(b, loc, x, y).getResult();
      };
      Value ok = eq(meta.getOffset(), cst(0));
      Value contiguous = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
      Value empty = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
      Value expected = cst(1);
      for (int64_t d = rank - 1; d >= 0; --d) {
        Value size = meta.getSizes()[d];
        if (!type.isDynamicDim(d))
          ok = both(ok, eq(size, cst(type.getDimSize(d))));
        contiguous = both(contiguous, either(eq(meta.getStrides()[d], expected),
                                             eq(size, cst(1))));
        empty = either(empty, eq(size, cst(0)));
        expected = arith::MulIOp::create(b, loc, expected, size);
      }
      ok = both(ok, either(contiguous, empty));
      cf::AssertOp::create(
          b, loc, ok,
          ("argument " + llvm::Twine(arg.getArgNumber()) +
           ": the descriptor is not a contiguous row-major " + describe(type) +
           " buffer at offset 0 (its sizes, strides or offset differ)")
              .str());
      // Back to the declared type: a reinterpret_cast with the checked
      // values (a memref.cast would be folded into its users, which then
      // see the dynamic strides).
      SmallVector<int64_t> strides;
      int64_t offset;
      (void)type.getStridesAndOffset(strides, offset);
      SmallVector<OpFoldResult> sizes, strideValues(rank);
      for (int64_t d = 0; d < rank; ++d)
        sizes.push_back(type.isDynamicDim(d)
                            ? OpFoldResult(meta.getSizes()[d])
                            : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
      OpFoldResult inner = b.getIndexAttr(1);
      for (int64_t d = rank - 1; d >= 0; --d) {
        strideValues[d] = ShapedType::isDynamic(strides[d])
                              ? inner
                              : OpFoldResult(b.getIndexAttr(strides[d]));
        inner = arith::MulIOp::create(
                    b, loc, getValueOrCreateConstantIndexOp(b, loc, inner),
                    getValueOrCreateConstantIndexOp(b, loc, sizes[d]))
                    .getResult();
      }
      auto cast = memref::ReinterpretCastOp::create(
          b, loc, type, arg, b.getIndexAttr(0), sizes, strideValues);
      arg.replaceAllUsesExcept(cast, llvm::SmallPtrSet<Operation *, 2>{
                                         meta, cast});
    }
    func.setFunctionType(FunctionType::get(
        &getContext(), entry.getArgumentTypes(),
        func.getFunctionType().getResults()));
  }
};
} // namespace
