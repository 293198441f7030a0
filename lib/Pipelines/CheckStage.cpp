//===- CheckStage.cpp - rope-check-stage -----------------------------------===//
//
// The post-condition of a pipeline stage as a check: a stage that lets
// through what it should have lowered fails there, naming the op.
//
//===----------------------------------------------------------------------===//

#include "rope/Pipelines/Passes.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKSTAGEPASS
#include "rope/Pipelines/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
/// A condition: what breaks it and how the message says so.
struct Condition {
  StringRef name;
  /// Null when `op` keeps the condition, else what `op` does wrong.
  const char *(*breaks)(Operation *op);
  StringRef promise;
};

bool hasTensor(TypeRange types) {
  return llvm::any_of(types, llvm::IsaPred<TensorType>);
}

const Condition kConditions[] = {
    {"no-rope-ops",
     [](Operation *op) -> const char * {
       return isa_and_nonnull<rope::RopeDialect>(op->getDialect())
                  ? "is a rope op"
                  : nullptr;
     },
     "no rope ops"},
    {"vectorized",
     [](Operation *op) -> const char * {
       auto config = op->getAttrOfType<rope::LoweringAttr>(
           rope::RopeDialect::LoweringAttrHelper::getNameStr());
       return config && config.getRole() ? "is a linalg op of the lowering"
                                         : nullptr;
     },
     "the rope lowering's linalg ops as vector loops"},
    {"no-tensors",
     [](Operation *op) -> const char * {
       if (hasTensor(op->getResultTypes()))
         return "has a tensor result";
       if (hasTensor(op->getOperandTypes()))
         return "has a tensor operand";
       for (Region &region : op->getRegions())
         for (Block &block : region)
           if (hasTensor(block.getArgumentTypes()))
             return "has a tensor block argument";
       return nullptr;
     },
     "no tensors"},
    {"no-foralls",
     [](Operation *op) -> const char * {
       return isa<scf::ForallOp>(op) ? "is an scf.forall" : nullptr;
     },
     "no scf.forall"},
};

struct RopeCheckStagePass
    : rope::impl::RopeCheckStagePassBase<RopeCheckStagePass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    for (const std::string &name : conditions) {
      const Condition *c = llvm::find_if(
          kConditions, [&](const Condition &c) { return c.name == name; });
      if (c == std::end(kConditions))
        return emitError(UnknownLoc::get(context))
               << "rope-check-stage: unknown condition '" << name
               << "' (no-rope-ops, vectorized, no-tensors, no-foralls)";
      checked.push_back(c);
    }
    return success();
  }

  void runOnOperation() override {
    bool failedAny = false;
    getOperation()->walk([&](Operation *op) {
      if (isa<ModuleOp>(op))
        return;
      for (const Condition *c : checked) {
        if (const char *what = c->breaks(op)) {
          op->emitOpError() << what << " after the "
                            << (stage.empty() ? StringRef("pipeline's")
                                              : StringRef(stage))
                            << " stage, whose output has " << c->promise;
          failedAny = true;
          // One error per op; nested ops are checked on their own.
          break;
        }
      }
    });
    if (failedAny)
      signalPassFailure();
  }

  SmallVector<const Condition *> checked;
};
} // namespace
