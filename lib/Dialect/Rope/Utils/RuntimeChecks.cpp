//===- RuntimeChecks.cpp - Run-time checks of rope.rotate operands --------===//
//
// The verifier checks every static dimension; dynamic ones can only be
// compared at run time. A mismatch would make the kernel read out of bounds,
// so it stops the program with a message instead (cf.assert).
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/Utils/RuntimeChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::rope;

/// When `ok` (i1) is false, prints `format` with the sizes `a` and `b`
/// (index) before the assert that stops the program: a cf.assert message
/// cannot carry run-time values. printf writes to the stream cf.assert's
/// message goes to (stdout), so the two appear in order.
static void printSizesUnless(OpBuilder &b, Location loc, Value ok,
                             StringRef format, Value a, Value other) {
  auto module =
      b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  MLIRContext *ctx = b.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
  FailureOr<LLVM::LLVMFuncOp> printf = LLVM::lookupOrCreateFn(
      b, module, "printf", {ptr}, i32, /*isVarArg=*/true);
  if (failed(printf))
    return; // a `printf` of another signature: the assert still stops it
  Value failed = arith::XOrIOp::create(
      b, loc, ok, arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
  // Globals named by content hash: one per distinct message. (Built outside
  // the scf.if: createGlobalString needs the insertion point in the module.)
  std::string name =
      "__rope_msg_" + std::to_string(llvm::hash_value(format) & 0xffffffff);
  Value text;
  if (auto global = module.lookupSymbol<LLVM::GlobalOp>(name))
    text = LLVM::AddressOfOp::create(b, loc, global);
  else
    text = LLVM::createGlobalString(loc, b, name, (format + "\n").str() + '\0',
                                    LLVM::Linkage::Internal);
  scf::IfOp::create(b, loc, failed, [&](OpBuilder &tb, Location tl) {
    auto asI64 = [&](Value v) {
      return arith::IndexCastOp::create(tb, tl, i64, v).getResult();
    };
    LLVM::CallOp::create(tb, tl, *printf,
                         ValueRange{text, asI64(a), asI64(other)});
    scf::YieldOp::create(tb, tl);
  });
}

namespace {
/// An operand of rope.rotate as a message names it.
struct Named {
  Value value;
  std::string name;
};

/// Collects `a.dim(i) == b.dim(j)` conditions for dims that are not both
/// static (static ones were verified); with `printSizes`, each mismatch
/// prints both sizes.
struct DimEqualities {
  OpBuilder &b;
  Location loc;
  Value all;
  StringRef opName = "rope.rotate";
  bool printSizes = true;

  void require(const Named &a, int64_t i, const Named &other, int64_t j) {
    auto ta = cast<RankedTensorType>(a.value.getType());
    auto tb = cast<RankedTensorType>(other.value.getType());
    if ((!ta.isDynamicDim(i) && !tb.isDynamicDim(j)) ||
        (a.value == other.value && i == j))
      return;
    Value da = tensor::DimOp::create(b, loc, a.value, i);
    Value db = tensor::DimOp::create(b, loc, other.value, j);
    Value eq =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, da, db);
    if (printSizes)
      printSizesUnless(b, loc, eq,
                       (opName + llvm::Twine(": dimension ") + llvm::Twine(i) +
                        " of " + a.name + " is %lld, but dimension " +
                        llvm::Twine(j) + " of " + other.name + " is %lld")
                           .str(),
                       da, db);
    all = all ? arith::AndIOp::create(b, loc, all, eq) : eq;
  }
};
} // namespace

static Named named(Value v, StringRef what,
                   std::optional<size_t> index = std::nullopt) {
  std::string name = "'" + what.str() + "'";
  if (index)
    name += " #" + std::to_string(*index);
  return Named{v, name};
}

/// ins #k vs outs #k in every dimension, and the token dims of every input
/// vs those of ins #0 (rope.rotate and rope.apply alike); returns ins #0.
static Named requireRotatedTensors(DimEqualities &eqs, Layout layout,
                                   ValueRange inputs, ValueRange inits) {
  Named first = named(inputs.front(), "ins", 0);
  for (auto [k, x, init] : llvm::enumerate(inputs, inits)) {
    Named in = named(x, "ins", k), out = named(init, "outs", k);
    for (int64_t d = 0, e = getTensorRank(layout); d < e; ++d)
      eqs.require(in, d, out, d);
    for (int64_t d : getTokenDims(layout))
      eqs.require(in, d, first, d);
  }
  return first;
}

void mlir::rope::buildShapeChecks(OpBuilder &b, Location loc, RotateOp op,
                                  bool printSizes) {
  DimEqualities eqs{b, loc, nullptr, "rope.rotate", printSizes};
  SmallVector<int64_t> tokenDims = op.getTokenDims();
  Named first =
      requireRotatedTensors(eqs, op.getLayout(), op.getInputs(), op.getInits());
  const int64_t lead = op.isMRope() ? 1 : 0;
  Named cos = named(op.getCosCache(), "cache"), sin = cos;
  cos.name = "the cos cache";
  sin.value = op.getSinCache();
  sin.name = "the sin cache";
  if (Value positions = op.getPositions())
    for (auto [k, d] : llvm::enumerate(tokenDims))
      eqs.require(named(positions, "positions"), lead + k, first, d);
  if (op.hasPerTokenCache()) {
    for (auto [k, d] : llvm::enumerate(tokenDims)) {
      eqs.require(cos, k, first, d);
      eqs.require(sin, k, first, d);
    }
  } else if (op.hasCache()) {
    eqs.require(sin, 0, cos, 0);
  }
  if (eqs.all)
    cf::AssertOp::create(b, loc, eqs.all,
                         "rope.rotate: dynamic dimensions of the operands "
                         "disagree (token counts, positions, cache or outs)");
}

void mlir::rope::buildShapeChecks(OpBuilder &b, Location loc, ApplyOp op,
                                  bool printSizes) {
  DimEqualities eqs{b, loc, nullptr, "rope.apply", printSizes};
  SmallVector<int64_t> tokenDims = getTokenDims(op.getLayout());
  Named first =
      requireRotatedTensors(eqs, op.getLayout(), op.getInputs(), op.getInits());
  for (auto [k, d] : llvm::enumerate(tokenDims)) {
    eqs.require(Named{op.getCos(), "the cos table"}, k, first, d);
    eqs.require(Named{op.getSin(), "the sin table"}, k, first, d);
  }
  if (eqs.all)
    cf::AssertOp::create(b, loc, eqs.all,
                         "rope.apply: dynamic dimensions of the operands "
                         "disagree (token counts, tables or outs)");
}

void mlir::rope::buildTableShapeChecks(OpBuilder &b, Location loc,
                                       Operation *op, Value positions,
                                       Value cosInit, Value sinInit,
                                       bool mrope, Value cosTable,
                                       Value sinTable, bool printSizes) {
  std::string opName = op->getName().getStringRef().str();
  DimEqualities eqs{b, loc, nullptr, opName, printSizes};
  Named cos = named(cosInit, "outs", 0), sin = named(sinInit, "outs", 1);
  const int64_t tokenRank =
      cast<RankedTensorType>(cosInit.getType()).getRank() - 1;
  for (int64_t d = 0; d <= tokenRank; ++d)
    eqs.require(sin, d, cos, d);
  for (int64_t d = 0; d < tokenRank; ++d)
    eqs.require(named(positions, "positions"), d + (mrope ? 1 : 0), cos, d);
  if (cosTable) {
    Named ct{cosTable, "the cos table"}, st{sinTable, "the sin table"};
    eqs.require(st, 0, ct, 0);
    eqs.require(ct, 1, cos, tokenRank);
    eqs.require(st, 1, cos, tokenRank);
  }
  if (eqs.all)
    cf::AssertOp::create(b, loc, eqs.all,
                         opName + ": dynamic dimensions of the operands "
                                  "disagree (positions, tables or outs)");
}

void mlir::rope::buildCacheBoundsCheck(OpBuilder &b, Location loc, RotateOp op,
                                       Value minPos, Value maxPos) {
  buildCacheBoundsCheck(b, loc, op.getCosCache(), minPos, maxPos,
                        "rope.rotate");
}

void mlir::rope::buildCacheBoundsCheck(OpBuilder &b, Location loc,
                                       Value table, Value minPos,
                                       Value maxPos, StringRef opName) {
  Value rows = arith::IndexCastOp::create(
      b, loc, b.getI64Type(), tensor::DimOp::create(b, loc, table, 0));
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value inRange = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, minPos, zero),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, maxPos, rows));
  cf::AssertOp::create(b, loc, inRange,
                       (opName + ": position outside the cos/sin cache").str());
}

Value mlir::rope::buildPositionInRange(OpBuilder &b, Location loc, Value pos) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  const int64_t limit = RotateOp::kPositionLimit;
  return arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, pos,
                            cst(-limit)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, pos,
                            cst(limit)));
}

void mlir::rope::buildPositionRangeCheck(OpBuilder &b, Location loc,
                                         Value minPos, Value maxPos,
                                         Value empty, StringRef opName) {
  // Both ends in range: for offset + s, a first position in range means the
  // last one was computed without wrapping (the token count is below 2^62).
  Value inRange =
      arith::AndIOp::create(b, loc, buildPositionInRange(b, loc, minPos),
                            buildPositionInRange(b, loc, maxPos));
  cf::AssertOp::create(
      b, loc, arith::OrIOp::create(b, loc, empty, inRange),
      (opName + ": a position is outside (-2^31, 2^31), the range in which "
                "cos/sin meet their error bound")
          .str());
}

void mlir::rope::buildBufferSizeCheck(OpBuilder &b, Location loc, Value tensor,
                                      Value buffer, const Twine &message) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Value agree;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value eq = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                     tensor::DimOp::create(b, loc, tensor, d),
                                     memref::DimOp::create(b, loc, buffer, d));
    agree = agree ? arith::AndIOp::create(b, loc, agree, eq) : eq;
  }
  if (agree)
    cf::AssertOp::create(b, loc, agree, message.str());
}
