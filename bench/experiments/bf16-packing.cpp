//===- bf16-packing.cpp - Cost of rounding f32 to bf16 per element --------===//
//
// What the bf16 kernels pay to round their f32 results, per ISA of the host,
// single thread, in L1 (4096 results). Each loop turns pairs of f32 vectors
// (the even and odd elements of 32-bit words, as the kernel holds them) into
// packed bf16 and stores them:
//   truncate   the high halves merged (the packing alone, no rounding);
//   rne        exact round to nearest even in integer ops (bias 0x7fff plus
//              bit 16; rope-expand-bf16 when the operands are finite);
//   rne+nan    the same with the NaN case (quiet the NaN instead of adding
//              the bias), as rope-expand-bf16 rounds operands it cannot
//              prove finite;
//   native     AVX512-BF16 vcvtne2ps2bf16 (+ vpermw to restore the word
//              order): flushes subnormal results (native-bf16-conversion).
// Prints ns and cycles per element, and the rounding's cost over truncate.
// Cycles come from a dependent-add chain timed in the same run (the core's
// clock, not the TSC's). `make bench` writes bench/results/bf16-packing.txt.
//
//===----------------------------------------------------------------------===//

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

constexpr int kN = 4096;
alignas(64) float evenIn[kN / 2], oddIn[kN / 2];
alignas(64) uint16_t out[kN];

double best(const std::function<void()> &fn, int reps) {
  double t = 1e30;
  for (int r = 0; r < 15; ++r) {
    auto s = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i)
      fn();
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - s;
    t = std::min(t, d.count() / reps);
  }
  return t;
}

/// Core cycles per second: a chain of dependent adds, one cycle each.
double coreHz() {
  const int64_t n = 200'000'000;
  double t = best(
      [&] {
        int64_t x = 0;
        for (int64_t i = 0; i < n; ++i)
          asm volatile("add $1, %0" : "+r"(x));
      },
      1);
  return n / t;
}

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))
#define AVX512BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#define AVX2 __attribute__((target("avx2")))

AVX512 inline __m512i rne512(__m512i b) {
  __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
  return _mm512_add_epi32(b, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff)));
}
AVX512 inline __m512i rneNan512(__m512i b) {
  __m512i r = rne512(b);
  // NaN: |b| > 0x7f800000; keep it, quieted.
  __mmask16 nan = _mm512_cmpgt_epu32_mask(
      _mm512_and_si512(b, _mm512_set1_epi32(0x7fffffff)),
      _mm512_set1_epi32(0x7f800000));
  return _mm512_mask_or_epi32(r, nan, b, _mm512_set1_epi32(0x400000));
}

template <int Mode> AVX512 void pack512() {
  const __m512i hi = _mm512_set1_epi32(static_cast<int>(0xffff0000u));
  for (int i = 0; i < kN / 2; i += 16) {
    __m512i e = _mm512_load_si512(evenIn + i), o = _mm512_load_si512(oddIn + i);
    if constexpr (Mode == 1) {
      e = rne512(e);
      o = rne512(o);
    } else if constexpr (Mode == 2) {
      e = rneNan512(e);
      o = rneNan512(o);
    }
    _mm512_store_si512(out + 2 * i, _mm512_ternarylogic_epi32(
                                        hi, o, _mm512_srli_epi32(e, 16), 0xca));
  }
  asm volatile("" ::: "memory");
}

AVX512BF16 void packNative() {
  // vcvtne2ps2bf16 puts the second operand's 16 results below the first's;
  // one vpermw interleaves them back into word pairs.
  alignas(64) static const uint16_t idx[32] = {
      0,  16, 1,  17, 2,  18, 3,  19, 4,  20, 5,  21, 6,  22, 7,  23,
      8,  24, 9,  25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
  const __m512i perm = _mm512_load_si512(idx);
  for (int i = 0; i < kN / 2; i += 16) {
    __m512 e = _mm512_load_ps(evenIn + i), o = _mm512_load_ps(oddIn + i);
    __m512i b = reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(o, e));
    _mm512_store_si512(out + 2 * i, _mm512_permutexvar_epi16(perm, b));
  }
  asm volatile("" ::: "memory");
}

AVX2 inline __m256i rne256(__m256i b) {
  __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1));
  return _mm256_add_epi32(b, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff)));
}
AVX2 inline __m256i rneNan256(__m256i b) {
  __m256i r = rne256(b);
  __m256i nan = _mm256_cmpgt_epi32(
      _mm256_and_si256(b, _mm256_set1_epi32(0x7fffffff)),
      _mm256_set1_epi32(0x7f800000));
  return _mm256_blendv_epi8(r, _mm256_or_si256(b, _mm256_set1_epi32(0x400000)),
                            nan);
}

template <int Mode> AVX2 void pack256() {
  for (int i = 0; i < kN / 2; i += 8) {
    __m256i e = _mm256_load_si256(reinterpret_cast<const __m256i *>(evenIn + i));
    __m256i o = _mm256_load_si256(reinterpret_cast<const __m256i *>(oddIn + i));
    if constexpr (Mode == 1) {
      e = rne256(e);
      o = rne256(o);
    } else if constexpr (Mode == 2) {
      e = rneNan256(e);
      o = rneNan256(o);
    }
    _mm256_store_si256(reinterpret_cast<__m256i *>(out + 2 * i),
                       _mm256_blend_epi16(_mm256_srli_epi32(e, 16), o, 0xaa));
  }
  asm volatile("" ::: "memory");
}

uint16_t roundRef(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return static_cast<uint16_t>((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

/// Whether `out` holds the exactly rounded inputs (truncate and native are
/// not checked: one truncates, the other may flush; inputs here are normal
/// so native must match too).
bool exact() {
  for (int i = 0; i < kN / 2; ++i)
    if (out[2 * i] != roundRef(evenIn[i]) || out[2 * i + 1] != roundRef(oddIn[i]))
      return false;
  return true;
}

} // namespace

int main() {
  uint32_t seed = 1;
  for (int i = 0; i < kN / 2; ++i) {
    seed = seed * 1664525u + 1013904223u;
    evenIn[i] = static_cast<float>(seed >> 8) / (1 << 24) * 8 - 4;
    seed = seed * 1664525u + 1013904223u;
    oddIn[i] = static_cast<float>(seed >> 8) / (1 << 24) * 8 - 4;
  }
  __builtin_cpu_init();
  const double hz = coreHz();
  std::printf("bf16-packing: %d results in L1, 1 thread, core clock %.2f GHz "
              "(dependent adds)\n",
              kN, hz / 1e9);
  std::printf("%-8s %-10s %10s %12s %16s %6s\n", "isa", "loop", "ns/elem",
              "cycles/elem", "over truncate", "exact");
  struct Row {
    const char *isa, *name;
    void (*fn)();
    bool checked;
  };
  std::vector<Row> rows;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl")) {
    rows.push_back({"avx512", "truncate", pack512<0>, false});
    rows.push_back({"avx512", "rne", pack512<1>, true});
    rows.push_back({"avx512", "rne+nan", pack512<2>, true});
    if (__builtin_cpu_supports("avx512bf16"))
      rows.push_back({"avx512", "native", packNative, true});
  }
  if (__builtin_cpu_supports("avx2")) {
    rows.push_back({"avx2", "truncate", pack256<0>, false});
    rows.push_back({"avx2", "rne", pack256<1>, true});
    rows.push_back({"avx2", "rne+nan", pack256<2>, true});
  }
  int bad = 0;
  double truncNs = 0;
  for (const Row &r : rows) {
    double ns = best(r.fn, 20000) / kN * 1e9;
    if (std::string(r.name) == "truncate")
      truncNs = ns;
    r.fn();
    bool ok = !r.checked || exact();
    bad += !ok;
    std::printf("%-8s %-10s %10.4f %12.3f %16s %6s\n", r.isa, r.name, ns,
                ns * hz / 1e9,
                std::string(r.name) == "truncate"
                    ? "-"
                    : (std::to_string((ns - truncNs) * hz / 1e9).substr(0, 6) +
                       " cyc")
                          .c_str(),
                r.checked ? (ok ? "yes" : "NO") : "-");
  }
  return bad ? 1 : 0;
}
