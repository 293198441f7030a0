//===- PipelineOptions.cpp - Value checks of the pipeline options ---------===//
//
// Textual option parsing checks syntax only (an integer, a bool); the ranges
// and names the pipelines can use are checked here, once, for every driver:
// rope-opt's --pass-pipeline, rope-run, rope-aot and the C API.
//
//===----------------------------------------------------------------------===//

#include "rope/Pipelines/Pipelines.h"

#include "PipelineGuards.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Collects "name=value: expected ..." messages.
struct Checker {
  llvm::raw_ostream &os;
  bool ok = true;

  void range(StringRef name, int64_t value, int64_t min, int64_t max,
             StringRef why = "") {
    if (value >= min && value <= max)
      return;
    os << name << "=" << value << " is out of range: expected " << min
       << ".." << max << (why.empty() ? "" : " (") << why
       << (why.empty() ? "" : ")") << "\n";
    ok = false;
  }
  void require(bool cond, const llvm::Twine &message) {
    if (cond)
      return;
    os << message << "\n";
    ok = false;
  }
};

struct ReportErrorPass : PassWrapper<ReportErrorPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ReportErrorPass)
  explicit ReportErrorPass(std::string message) : message(std::move(message)) {}
  StringRef getArgument() const final { return "rope-report-error"; }
  void runOnOperation() override {
    getOperation()->emitError(message);
    signalPassFailure();
  }
  std::string message;
};
} // namespace

std::unique_ptr<Pass> mlir::rope::createReportErrorPass(std::string message) {
  return std::make_unique<ReportErrorPass>(std::move(message));
}

bool mlir::rope::checkPipelineAnchor(OpPassManager &pm, StringRef pipeline) {
  // An op-agnostic manager ("any": a top-level PassManager by default) is
  // accepted; nested below a module, MLIR skips module passes there.
  std::optional<StringRef> anchor = pm.getOpName();
  if (!anchor || *anchor == "builtin.module")
    return true;
  pm.addPass(createReportErrorPass(
      (pipeline + " runs on a builtin.module (its passes transform whole "
                  "modules), not nested on '" +
       anchor.value_or("any") + "'")
          .str()));
  return false;
}

std::optional<CPUTarget>
mlir::rope::resolveTarget(OpPassManager &pm, StringRef name,
                          const RopeCPUPipelineOptions &options) {
  std::string error;
  FailureOr<CPUTarget> target =
      CPUTarget::resolve(options.cpu, options.cpuFeatures, error);
  if (succeeded(target)) {
    // The description's cache sizes, where the options give them.
    if (options.l2Bytes > 0)
      target->l2Bytes = options.l2Bytes;
    if (options.llcBytes > 0)
      target->llcBytes = options.llcBytes;
    return *target;
  }
  pm.addPass(createReportErrorPass((name + ": " + error).str()));
  return std::nullopt;
}

std::optional<GPUTarget>
mlir::rope::resolveTarget(OpPassManager &pm, StringRef name,
                          const RopeGPUPipelineOptions &options) {
  std::string error;
  FailureOr<GPUTarget> target = GPUTarget::resolve(
      options.chip, options.features, options.format, error);
  if (succeeded(target))
    return *target;
  pm.addPass(createReportErrorPass(
      (name + ": " + StringRef(error).rtrim()).str()));
  return std::nullopt;
}

bool RopeCPUPipelineOptions::verify(llvm::raw_ostream &os) const {
  Checker c{os};
  c.range("token-tile", tokenTile, 0, kMaxTokenTile,
          "a tile's tables live on the stack");
  c.range("min-tiles", minTiles, 0, 1 << 16);
  c.require(vectorWidth == 0 || (vectorWidth >= 4 && vectorWidth <= 64 &&
                                 llvm::isPowerOf2_64(vectorWidth)),
            "vector-width=" + llvm::Twine(vectorWidth.getValue()) +
                ": expected 0 (the target's) or a power of two in 4..64");
  c.range("num-threads", numThreads, 0, 1 << 16);
  c.range("prefetch-distance", prefetchDistance, 0, 1 << 20);
  c.range("page-walk-rows", pageWalkRows, -1, 64);
  c.range("page-walk-min-bytes", pageWalkMinBytes, 0,
          std::numeric_limits<int64_t>::max());
  c.range("page-walk-max-element-bytes", pageWalkMaxElementBytes, 0, 1 << 20);
  c.range("l2-bytes", l2Bytes, 0, int64_t(1) << 40);
  c.range("llc-bytes", llcBytes, 0, int64_t(1) << 40);
  std::string error;
  if (failed(CPUTarget::resolve(cpu, cpuFeatures, error)))
    c.require(false, error);
  return c.ok;
}

bool RopeGPUPipelineOptions::verify(llvm::raw_ostream &os) const {
  Checker c{os};
  c.range("block-size", blockSize, 1, 1024, "CUDA's threads per block");
  std::string error;
  if (failed(GPUTarget::resolve(chip, features, format, error)))
    c.require(false, StringRef(error).rtrim());
  return c.ok;
}
