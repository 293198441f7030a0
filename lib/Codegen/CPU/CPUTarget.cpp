//===- CPUTarget.cpp - The target facts of the CPU backend ----------------===//

#include "rope/Codegen/CPU/CPUTarget.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::rope;

FailureOr<CPUTarget> CPUTarget::resolve(StringRef cpu, StringRef featureString,
                                        std::string &error) {
  CPUTarget target;
  if (cpu.empty() || cpu == "host") {
    target.cpu = llvm::sys::getHostCPUName().str();
    target.features = llvm::sys::getHostCPUFeatures();
  } else {
    target.cpu = cpu.str();
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
