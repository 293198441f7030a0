//===- CPUTarget.cpp - The target facts of the CPU backend ----------------===//

#include "rope/Codegen/CPU/CPUTarget.h"

#include "llvm/TargetParser/X86TargetParser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::rope;

/// The host's per-core L2 size from sysfs ("2048K"), if it tells.
static std::optional<int64_t> hostL2Bytes() {
  auto file = llvm::MemoryBuffer::getFile(
      "/sys/devices/system/cpu/cpu0/cache/index2/size", /*IsText=*/true);
  if (!file)
    return std::nullopt;
  StringRef text = (*file)->getBuffer().trim();
  int64_t scale = 1;
  if (text.consume_back("K"))
    scale = 1024;
  else if (text.consume_back("M"))
    scale = 1024 * 1024;
  int64_t value;
  if (text.getAsInteger(10, value) || value <= 0)
    return std::nullopt;
  return value * scale;
}

FailureOr<CPUTarget> CPUTarget::resolve(StringRef cpu, StringRef featureString,
                                        std::string &error) {
  CPUTarget target;
  if (cpu.empty() || cpu == "host") {
    target.cpu = llvm::sys::getHostCPUName().str();
    target.features = llvm::sys::getHostCPUFeatures();
    if (std::optional<int64_t> l2 = hostL2Bytes())
      target.l2Bytes = *l2;
  } else {
    target.cpu = cpu.str();
    // An x86 CPU name implies its features (znver4: AVX-512); other
    // targets' CPUs take theirs from the feature string alone.
    if (llvm::X86::parseArchX86(cpu) != llvm::X86::CK_None) {
      SmallVector<StringRef> implied;
      llvm::X86::getFeaturesForCPU(cpu, implied);
      for (StringRef feature : implied)
        target.features[feature] = true;
    }
  }
  SmallVector<StringRef> items;
  featureString.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    item = item.trim();
    if (item.size() < 2 || (item.front() != '+' && item.front() != '-')) {
      error = ("feature '" + item + "' must be +name or -name").str();
      return failure();
    }
    target.features[item.drop_front()] = item.front() == '+';
  }
  if (target.hasFeature("avx512f"))
    target.vectorBits = 512;
  else if (target.hasFeature("avx2") || target.hasFeature("avx"))
    target.vectorBits = 256;
  return target;
}
