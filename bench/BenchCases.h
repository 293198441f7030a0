//===- BenchCases.h - Cases, kernel IR and references of the benchmarks ---===//
//
// Shared by rope-bench (CPU) and rope-bench-gpu: the benchmark cases, the
// kernel IR built for a case, and a plain scalar C++ reference.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_BENCH_BENCHCASES_H
#define ROPE_BENCH_BENCHCASES_H

#include "rope/Dialect/Rope/IR/RopeAttrs.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::rope::bench {

enum class Freqs { Llama3, Default, Yarn, Cache };

/// One benchmark case: inputs of shape [tokens, heads[i], headDim] (THD),
/// positions 0..tokens-1 (a prefill), frequencies or a cos/sin cache.
struct Case {
  std::string name;
  int64_t tokens;
  std::vector<int64_t> heads; // per input
  int64_t headDim;
  int64_t rotaryDim;
  bool bf16;
  bool interleaved;
  Freqs freqs;
};

/// The frequency attribute of a case (the cache case uses Llama-3 frequencies
/// to fill its tables).
rope::FrequencyAttrInterface caseFreqs(MLIRContext &ctx, const Case &c);

/// func @kernel(inputs..., positions, [cos, sin,] outputs...): a rope.rotate
/// into tensor.empty whose results are materialized into the output memrefs
/// (caller buffers), so that a pipeline writes them in place.
OwningOpRef<ModuleOp> buildKernel(MLIRContext &ctx, const Case &c);

/// Arguments of @kernel (buildKernel) as packed memref descriptors, for
/// ExecutionEngine::invokePacked("_mlir_ciface_kernel", ...): inputs
/// [tokens, heads, headDim], positions [tokens], the cos/sin caches
/// [cacheRows, R/2] when `cos` is set, outputs; row-major arrays at the
/// given addresses (host or device memory).
class KernelArguments {
public:
  KernelArguments(const Case &c, ArrayRef<void *> inputs, void *positions,
                  void *cos, void *sin, int64_t cacheRows,
                  ArrayRef<void *> outputs);
  SmallVector<void *> &packed() { return packedArgs; }

private:
  std::vector<std::vector<int64_t>> descriptors;
  std::vector<void *> descriptorPtrs;
  SmallVector<void *> packedArgs;
};

uint16_t toBF16(float f);
float fromBF16(uint16_t h);

/// Plain scalar reference: per token, cos/sin of each frequency once (in
/// double), then every head of every input. Single thread.
void scalarReference(const Case &c, ArrayRef<double> invFreq,
                     const std::vector<const void *> &in, const int64_t *pos,
                     const float *cosCache, const float *sinCache,
                     const std::vector<void *> &out);

} // namespace mlir::rope::bench

#endif // ROPE_BENCH_BENCHCASES_H
