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

enum class ISA { AVX2, AVX512, NEON };

/// How the model writes: ordinary stores, ordinary stores with the inputs
/// prefetched 4 KiB ahead, or streaming stores (with the prefetch). The
/// caller times each and keeps the fastest, so the model is the best of the
/// three for every size.
enum class Stores { Cached, Prefetched, Streaming };
constexpr Stores kAllStores[] = {Stores::Cached, Stores::Prefetched,
                                 Stores::Streaming};

/// One rotation problem: inputs [tokens, heads[k], headDim], half pairing,
/// rotary_dim = headDim; `cos`/`sin` the tables [tokens, headDim / 2].
/// prepare() lays the tables out for the loop (computed before timing: the
/// model is the memory and arithmetic bound of the rotation, not of the
/// trigonometry).
struct Problem {
  int64_t tokens, headDim;
  bool bf16;
  std::vector<int64_t> heads;
  std::vector<const void *> in;
  std::vector<void *> out;
  const float *cos, *sin;
  /// Per token 2 * headDim / 2 floats: f32 [cos | sin]; bf16 split into even
  /// and odd pairs, [cos even | cos odd | sin even | sin odd], the order in
  /// which a 32-bit word of two bf16 is widened.
  std::vector<float> tables;
};

/// Fills p.tables from p.cos and p.sin.
void prepare(Problem &p);

/// Whether this host can run the model for `isa`.
bool hostSupports(ISA isa);

/// Whether the model's loop for `isa` handles `p` (half pairing over whole
/// vectors: headDim / 2 a multiple of 16 f32 lanes, 32 bf16 on AVX-512).
bool applies(ISA isa, const Problem &p);

/// Rotates prepared `p` with the hand-written loop for `isa` on all OpenMP
/// threads (tokens split evenly; one token on the caller). Streaming stores
/// need 64-byte aligned rows. Requires applies(isa, p) and hostSupports(isa).
void run(ISA isa, const Problem &p, Stores stores);

} // namespace rope_model

#endif // ROPE_BENCH_EXPERIMENTS_ROPEMODEL_H
