//===- GPUTarget.cpp - The target facts of the NVIDIA backend -------------===//

#include "rope/Codegen/GPU/GPUTarget.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::rope;

FailureOr<GPUTarget> GPUTarget::resolve(StringRef chip, StringRef features,
                                        StringRef format, std::string &error) {
  auto fail = [&](const llvm::Twine &message) {
    error += message.str() + "\n";
  };
  // The SMs LLVM 22's NVPTX backend knows, each with the first PTX ISA
  // version that has it (a lower +ptx aborts LLVM, an unknown SM is
  // compiled for nothing).
  static const std::pair<unsigned, unsigned> kChips[] = {
      {50, 40}, {52, 41}, {53, 42}, {60, 50}, {61, 50}, {62, 50},
      {70, 60}, {72, 61}, {75, 63}, {80, 70}, {86, 71}, {87, 74},
      {89, 78}, {90, 78}, {100, 86}, {101, 86}, {103, 88}, {120, 87},
      {121, 88}};
  GPUTarget target{chip.str(), features.str(), format.str()};
  StringRef sm = chip;
  unsigned minPtx = 0;
  bool archSpecific = false;
  bool chipOk = sm.consume_front("sm_");
  if (chipOk && (sm.ends_with("a") || sm.ends_with("f"))) {
    archSpecific = true;
    sm = sm.drop_back();
  }
  chipOk = chipOk && !sm.getAsInteger(10, target.smVersion);
  for (auto [v, ptx] : kChips)
    if (chipOk && v == target.smVersion)
      minPtx = archSpecific && v == 90 ? 80 : ptx;
  if (!chipOk || !minPtx)
    fail("chip='" + chip +
         "': expected an SM LLVM knows, sm_50 .. sm_121 (e.g. sm_80, sm_90, "
         "sm_90a, sm_100)");
  if (format != "isa" && format != "bin" && format != "fatbin")
    fail("format='" + format + "': expected isa, bin or fatbin");
  SmallVector<StringRef> items;
  features.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    item = item.trim();
    unsigned v = 0;
    if (!item.consume_front("+ptx") || item.getAsInteger(10, v))
      fail("features='" + features + "': expected +ptx<N> items, e.g. +ptx80");
    target.ptxVersion = std::max(target.ptxVersion, v);
  }
  if (minPtx && target.ptxVersion < minPtx)
    fail("features='" + features + "': " + chip + " needs PTX ISA " +
         llvm::Twine(minPtx / 10) + "." + llvm::Twine(minPtx % 10) +
         " or newer (+ptx" + llvm::Twine(minPtx) + ")");
  if (!error.empty())
    return failure();
  return target;
}
