//===- CPUTarget.cpp - The target facts of the CPU backend ----------------===//

#include "rope/Codegen/CPU/CPUTarget.h"

#include "llvm/TargetParser/AArch64TargetParser.h"
#include "llvm/TargetParser/ARMTargetParser.h"
#include "llvm/TargetParser/RISCVTargetParser.h"
#include "llvm/TargetParser/X86TargetParser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::rope;

/// The size of cpu0's cache `index` from sysfs ("2048K"), if it tells.
static std::optional<int64_t> hostCacheBytes(int index) {
  auto file = llvm::MemoryBuffer::getFile(
      "/sys/devices/system/cpu/cpu0/cache/index" + llvm::Twine(index) +
          "/size",
      /*IsText=*/true);
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

/// Whether LLVM's target parsers know `cpu` (x86, AArch64, ARM, RISC-V):
/// a misspelt name would otherwise give generic code without a word.
static bool isKnownCPU(StringRef cpu) {
  return cpu == "generic" ||
         llvm::X86::parseArchX86(cpu) != llvm::X86::CK_None ||
         llvm::AArch64::parseCpu(cpu).has_value() ||
         llvm::ARM::parseCPUArch(cpu) != llvm::ARM::ArchKind::INVALID ||
         llvm::RISCV::parseCPU(cpu, /*IsRV64=*/true) ||
         llvm::RISCV::parseCPU(cpu, /*IsRV64=*/false);
}

bool CPUTarget::isX86() const {
  return llvm::X86::parseArchX86(cpu) != llvm::X86::CK_None ||
         hasFeature("sse2");
}

std::string CPUTarget::featureString() const {
  SmallVector<std::string> items;
  for (const auto &[name, on] : features)
    items.push_back((on ? "+" : "-") + name.str());
  llvm::sort(items);
  return llvm::join(items, ",");
}

/// Intel cores from Nehalem on, whose loads wait on earlier stores equal in
/// the low 12 address bits (Intel's optimization manual: "4K aliasing").
/// An explicit list: generic levels, AMD, VIA and older cores are not in it.
static bool isIntelCore(StringRef cpu) {
  using namespace llvm::X86;
  switch (parseArchX86(cpu)) {
  case CK_Nehalem: case CK_Westmere: case CK_SandyBridge: case CK_IvyBridge:
  case CK_Haswell: case CK_Broadwell: case CK_SkylakeClient:
  case CK_SkylakeServer: case CK_Cascadelake: case CK_Cooperlake:
  case CK_Cannonlake: case CK_IcelakeClient: case CK_Rocketlake:
  case CK_IcelakeServer: case CK_Tigerlake: case CK_SapphireRapids:
  case CK_Alderlake: case CK_Raptorlake: case CK_Meteorlake:
  case CK_Arrowlake: case CK_ArrowlakeS: case CK_Lunarlake:
  case CK_Pantherlake: case CK_Wildcatlake: case CK_Novalake:
  case CK_Sierraforest: case CK_Grandridge: case CK_Graniterapids:
  case CK_GraniterapidsD: case CK_Emeraldrapids: case CK_Clearwaterforest:
  case CK_Diamondrapids:
    return true;
  default:
    return false;
  }
}

/// The host's vendor, for hosts whose model LLVM does not name ("generic").
static bool hostIsIntel() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_is("intel");
#else
  return false;
#endif
}

FailureOr<CPUTarget> CPUTarget::resolve(StringRef cpu, StringRef featureString,
                                        std::string &error) {
  CPUTarget target;
  if (cpu.empty() || cpu == "host") {
    target.cpu = llvm::sys::getHostCPUName().str();
    target.features = llvm::sys::getHostCPUFeatures();
    // index0/1 are L1 data and instruction, index2 the L2, the last one
    // present the last-level cache.
    if (std::optional<int64_t> l2 = hostCacheBytes(2))
      target.l2Bytes = target.llcBytes = *l2;
    for (int index = 3; index < 8; ++index)
      if (std::optional<int64_t> llc = hostCacheBytes(index))
        target.llcBytes = *llc;
  } else {
    if (!isKnownCPU(cpu)) {
      error = ("cpu: '" + cpu +
               "' is not a CPU LLVM knows (an x86, AArch64, ARM or RISC-V "
               "name such as x86-64-v3, znver4, neoverse-v2; or host)")
                  .str();
      return failure();
    }
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
      error = ("cpu-features: feature '" + item + "' must be +name or -name").str();
      return failure();
    }
    StringRef name = item.drop_front();
    bool enable = item.front() == '+';
    // On x86, what a feature needs and what needs it follow it, as in
    // LLVM's own feature resolution: -avx512f also drops avx512bf16, which
    // the bf16 passes would otherwise still use.
    if (llvm::X86::parseArchX86(target.cpu) != llvm::X86::CK_None)
      llvm::X86::updateImpliedFeatures(name, enable, target.features);
    target.features[name] = enable;
  }
  target.loadsWaitOn4KAliasedStores =
      isIntelCore(target.cpu) ||
      ((cpu.empty() || cpu == "host") && target.cpu == "generic" &&
       hostIsIntel());
  if (target.hasFeature("avx512f"))
    target.vectorBits = 512;
  else if (target.hasFeature("avx2") || target.hasFeature("avx"))
    target.vectorBits = 256;
  return target;
}
