//===- CPUTarget.h - The target facts of the CPU backend --------*- C++ -*-===//
//
// What the CPU passes need to know about the target, resolved once from a
// description (a CPU name and an LLVM feature string; "host" for the
// machine compiling) by the pipeline builder and handed to the passes as
// options. No pass probes the host.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_CODEGEN_CPU_CPUTARGET_H
#define ROPE_CODEGEN_CPU_CPUTARGET_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"

#include <cstdint>
#include <string>

namespace mlir::rope {

struct CPUTarget {
  /// CPU name as LLVM spells it (e.g. "sapphirerapids", "neoverse-v2").
  std::string cpu;
  /// LLVM features, e.g. {"avx512f": true}.
  llvm::StringMap<bool> features;
  /// Bits of the widest vector register the code uses.
  int64_t vectorBits = 128;
  int64_t cacheLineBytes = 64;
  int64_t pageBytes = 4096;
  /// Per-core L2 cache (the host's from sysfs, else 1 MiB).
  int64_t l2Bytes = 1 << 20;
  /// The last-level cache, shared by the cores (the host's from sysfs, else
  /// 32 MiB): outputs that fit are written with ordinary stores, larger
  /// ones streamed past it.
  int64_t llcBytes = 32 << 20;

  /// Loads wait on earlier stores to addresses equal in their low 12 bits
  /// (4K aliasing), so that a tensor streamed row by row stalls once the
  /// pending streaming stores span a page: Intel cores (by name; for a
  /// host LLVM names "generic", by its CPUID vendor). AMD's Zen cores
  /// measured faster without the page walk that avoids it; generic CPU
  /// levels (x86-64-v3) say nothing and get false.
  bool loadsWaitOn4KAliasedStores = false;
  /// Rows of as many pages rope-page-walk interleaves on this target (0:
  /// row order): 4 where loads wait on 4K-aliased stores.
  int64_t pageWalkRows() const { return loadsWaitOn4KAliasedStores ? 4 : 0; }
  /// An x86 CPU (the x86-only passes run for these alone).
  bool isX86() const;
  /// f32 lanes of one vector register.
  int64_t f32Lanes() const { return vectorBits / 32; }
  bool hasFeature(StringRef name) const { return features.lookup(name); }
  /// Funnel shifts on 32-bit lanes are one instruction (AVX512-VBMI2).
  bool hasFunnelShifts() const { return hasFeature("avx512vbmi2"); }
  /// f32 -> bf16 conversion is an instruction LLVM selects, for scalars and
  /// vectors (AVX512-BF16's vcvtneps2bf16; subnormal results flush to zero).
  bool hasNativeBF16Conversion() const {
    return hasFeature("avx512bf16") && hasFeature("avx512vl");
  }

  /// The features as LLVM's feature string ("+avx2,-avx512f"), sorted.
  std::string featureString() const;

  /// `cpu` "host" takes the host's name and features; otherwise the
  /// features are `featureString` ("+avx512f,+avx512vbmi2,-avx512bf16").
  /// Fails with a message on a malformed feature string.
  static FailureOr<CPUTarget> resolve(StringRef cpu, StringRef featureString,
                                      std::string &error);
};

} // namespace mlir::rope

#endif // ROPE_CODEGEN_CPU_CPUTARGET_H
