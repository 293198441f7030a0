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

/// One rotation problem: inputs [tokens, heads[k], headDim], the first
/// rotaryDim elements of each head rotated (half or interleaved pairing),
/// the rest copied; `cos`/`sin` the tables [tokens, rotaryDim / 2].
/// prepare() lays the tables out for the loop (computed before timing: the
/// model is the memory and arithmetic bound of the rotation, not of the
/// trigonometry).
struct Problem {
  int64_t tokens, headDim, rotaryDim;
  bool bf16, interleaved;
  std::vector<int64_t> heads;
  std::vector<const void *> in;
  std::vector<void *> out;
  const float *cos, *sin;
  /// Per token `tableStride` floats, laid out as the loop reads them (H =
  /// rotaryDim / 2): half pairing f32 [cos | sin]; half pairing bf16 split
  /// into even and odd pairs, [cos even | cos odd | sin even | sin odd], the
  /// order in which a 32-bit word of two bf16 is widened; interleaved bf16
  /// [cos | sin] (a word is a pair); interleaved f32 each value twice, the
  /// sines negated at even lanes, [c0 c0 c1 c1 .. | -s0 s0 -s1 s1 ..].
  std::vector<float> tables;
  int64_t tableStride = 0;
};

/// Fills p.tables from p.cos and p.sin.
void prepare(Problem &p);

/// Whether this host can run the model for `isa`.
bool hostSupports(ISA isa);

/// Whether the model's loop for `isa` handles `p`: rotaryDim / 2 of 16, 32,
/// 64 or 128, the pass-through part whole vectors; NEON: half pairing over
/// the whole head.
bool applies(ISA isa, const Problem &p);

/// Rotates prepared `p` with the hand-written loop for `isa` on all OpenMP
/// threads (tokens split evenly; one token on the caller). Streaming stores
/// need 64-byte aligned rows. Requires applies(isa, p) and hostSupports(isa).
void run(ISA isa, const Problem &p, Stores stores);

} // namespace rope_model

#endif // ROPE_BENCH_EXPERIMENTS_ROPEMODEL_H
