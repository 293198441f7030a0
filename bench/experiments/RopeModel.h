//===- RopeModel.h - Intrinsics model of the RoPE loop per ISA --*- C++ -*-===//
//
// What the compiled kernel is measured against besides a copy: the fastest
// loop we can write by hand for the ISA (bench/experiments/RopeModel.cpp
// says what bounds it), run by rope-bench on the same buffers.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_BENCH_EXPERIMENTS_ROPEMODEL_H
#define ROPE_BENCH_EXPERIMENTS_ROPEMODEL_H

#include <cstdint>
#include <vector>

namespace rope_model {

enum class ISA { AVX2, AVX512 };

/// One rotation problem: inputs [tokens, heads[k], headDim], half pairing,
/// rotary_dim = headDim; `cos`/`sin` the tables [tokens, headDim / 2] the
/// model reads (computed before timing: the model is the memory and
/// arithmetic bound of the rotation, not of the trigonometry).
struct Problem {
  int64_t tokens, headDim;
  bool bf16;
  std::vector<int64_t> heads;
  std::vector<const void *> in;
  std::vector<void *> out;
  const float *cos, *sin;
};

/// Whether this host can run the model for `isa`.
bool hostSupports(ISA isa);

/// Rotates `p` with the hand-written loop for `isa` on all OpenMP threads
/// (tokens split evenly); `streaming` writes with non-temporal stores.
/// Requires headDim / 2 to be a multiple of 16 and hostSupports(isa).
void run(ISA isa, const Problem &p, bool streaming);

} // namespace rope_model

#endif // ROPE_BENCH_EXPERIMENTS_ROPEMODEL_H
