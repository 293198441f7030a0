//===- CheckDialects.cpp - rope-check-dialects -----------------------------===//
//
// Pipeline pre- and post-conditions as checks, so that an op a pipeline
// cannot take is an error naming it, not output that fails later.
//
//===----------------------------------------------------------------------===//

#include "rope/Pipelines/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPECHECKDIALECTSPASS
#include "rope/Pipelines/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeCheckDialectsPass
    : rope::impl::RopeCheckDialectsPassBase<RopeCheckDialectsPass> {
  using Base::Base;
  void runOnOperation() override {
    std::string list = llvm::join(dialects, ", ");
    StringRef name = pipeline.empty() ? StringRef("this pipeline")
                                      : StringRef(pipeline);
    bool failedAny = false;
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      // The pipelines' passes transform the functions of one module.
      if (input && isa<ModuleOp>(op) && op != getOperation()) {
        op->emitOpError("is nested in another module: ")
            << name << " takes one module; run it on this one";
        failedAny = true;
        return WalkResult::skip();
      }
      if (llvm::is_contained(dialects, op->getName().getDialectNamespace()))
        return WalkResult::advance();
      InFlightDiagnostic diag = op->emitOpError();
      if (input)
        diag << "is not supported by " << name
             << ", which takes ops of the " << list
             << " dialects; convert it to those first (TOSA: "
                "--tosa-to-linalg-pipeline)";
      else
        diag << "was left unlowered by " << name << ", whose output has ops "
             << "of the " << list << " dialects only";
      failedAny = true;
      // One error per op: its nested ops are not reported again.
      return WalkResult::skip();
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
