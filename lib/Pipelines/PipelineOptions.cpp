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
  c.range("page-walk-rows", pageWalkRows, 0, 64);
  c.range("page-walk-min-bytes", pageWalkMinBytes, 0,
          std::numeric_limits<int64_t>::max());
  c.range("page-walk-max-element-bytes", pageWalkMaxElementBytes, 0, 1 << 20);
  std::string error;
  if (failed(CPUTarget::resolve(cpu, cpuFeatures, error)))
    c.require(false, error);
  return c.ok;
}

bool RopeGPUPipelineOptions::verify(llvm::raw_ostream &os) const {
  Checker c{os};
  c.range("block-size", blockSize, 1, 1024, "CUDA's threads per block");
  // The SMs LLVM 22's NVPTX backend knows, each with the first PTX ISA
  // version that has it (a lower +ptx aborts LLVM, an unknown SM is
  // compiled for nothing).
  static const std::pair<unsigned, unsigned> kChips[] = {
      {50, 40}, {52, 41}, {53, 42}, {60, 50}, {61, 50}, {62, 50},
      {70, 60}, {72, 61}, {75, 63}, {80, 70}, {86, 71}, {87, 74},
      {89, 78}, {90, 78}, {100, 86}, {101, 86}, {103, 88}, {120, 87},
      {121, 88}};
  StringRef sm = chip.getValue();
  unsigned version = 0, minPtx = 0;
  bool archSpecific = false;
  bool chipOk = sm.consume_front("sm_");
  if (chipOk && (sm.ends_with("a") || sm.ends_with("f"))) {
    archSpecific = true;
    sm = sm.drop_back();
  }
  chipOk = chipOk && !sm.getAsInteger(10, version);
  for (auto [v, ptx] : kChips)
    if (chipOk && v == version)
      minPtx = archSpecific && version == 90 ? 80 : ptx;
  c.require(chipOk && minPtx, "chip='" + chip + "': expected an SM LLVM "
                                  "knows, sm_50 .. sm_121 (e.g. sm_80, "
                                  "sm_90, sm_90a, sm_100)");
  c.require(format == "isa" || format == "bin" || format == "fatbin",
            "format='" + format + "': expected isa, bin or fatbin");
  SmallVector<StringRef> items;
  StringRef(features.getValue())
      .split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  unsigned ptx = 0;
  for (StringRef item : items) {
    item = item.trim();
    unsigned v = 0;
    bool ok = item.consume_front("+ptx") && !item.getAsInteger(10, v);
    c.require(ok, "features='" + features +
                      "': expected +ptx<N> items, e.g. +ptx80");
    ptx = std::max(ptx, v);
  }
  if (minPtx)
    c.require(ptx >= minPtx, "features='" + features + "': " + chip +
                                 " needs PTX ISA " + llvm::Twine(minPtx / 10) +
                                 "." + llvm::Twine(minPtx % 10) +
                                 " or newer (+ptx" + llvm::Twine(minPtx) +
                                 ")");
  return c.ok;
}
