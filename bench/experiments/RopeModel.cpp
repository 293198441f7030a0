//===- RopeModel.cpp - Intrinsics model of the RoPE loop per ISA ----------===//
//
// Per token, per head: x1 = the first half, x2 = the second, y1 = x1 c - x2 s,
// y2 = x2 c + x1 s with the token's cos/sin row, 16 lanes (one AVX-512
// register, two AVX2 registers) at a time. What bounds it:
// - f32: loads and stores (2 loads of x, 2 of the table, 2 stores per 16
//   pairs; the table rows stay in L1 across the heads), 4 FMA-port ops;
// - bf16: the same memory traffic at half the bytes plus the exact
//   round-to-nearest-even packing without native conversion: per 16
//   results a shift to widen, then add (bits >> 16 & 1) + 0x7fff, shift
//   and narrow (vpmovdw on AVX-512; vpackusdw + vpermq on AVX2), all on
//   the vector ALU/shuffle ports, and no NaN fix-up (inputs are finite);
// - streaming stores for outputs that do not stay in cache (the caller
//   times both store kinds and keeps the faster).
//
//===----------------------------------------------------------------------===//

#include "RopeModel.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>

using namespace rope_model;

namespace {

#define TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,fma")))
#define TARGET_AVX2 __attribute__((target("avx2,fma")))

// --- AVX-512: one register of 16 f32.

TARGET_AVX512 inline __m512 load512(const float *p) { return _mm512_loadu_ps(p); }
TARGET_AVX512 inline __m512 load512(const uint16_t *p) {
  __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}
template <bool S> TARGET_AVX512 inline void store512(float *p, __m512 v) {
  if constexpr (S)
    _mm512_stream_ps(p, v);
  else
    _mm512_storeu_ps(p, v);
}
template <bool S> TARGET_AVX512 inline void store512(uint16_t *p, __m512 v) {
  __m512i b = _mm512_castps_si512(v);
  __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
  b = _mm512_add_epi32(b, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff)));
  __m256i h = _mm512_cvtepi32_epi16(_mm512_srli_epi32(b, 16));
  if constexpr (S)
    _mm256_stream_si256(reinterpret_cast<__m256i *>(p), h);
  else
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), h);
}

template <typename T, bool S>
TARGET_AVX512 void rows512(const Problem &p, int64_t t0, int64_t t1) {
  const int64_t half = p.headDim / 2;
  for (int64_t t = t0; t < t1; ++t) {
    const float *c = p.cos + t * half, *s = p.sin + t * half;
    for (size_t k = 0; k < p.heads.size(); ++k) {
      const T *x = static_cast<const T *>(p.in[k]) + t * p.heads[k] * p.headDim;
      T *y = static_cast<T *>(p.out[k]) + t * p.heads[k] * p.headDim;
      for (int64_t h = 0; h < p.heads[k]; ++h, x += p.headDim, y += p.headDim)
        for (int64_t i = 0; i < half; i += 16) {
          __m512 cv = _mm512_loadu_ps(c + i), sv = _mm512_loadu_ps(s + i);
          __m512 x1 = load512(x + i), x2 = load512(x + half + i);
          store512<S>(y + i, _mm512_fmsub_ps(x1, cv, _mm512_mul_ps(x2, sv)));
          store512<S>(y + half + i,
                      _mm512_fmadd_ps(x2, cv, _mm512_mul_ps(x1, sv)));
        }
    }
  }
}

// --- AVX2: 16 lanes as two registers of 8 f32.

TARGET_AVX2 inline __m256 load256(const float *p) { return _mm256_loadu_ps(p); }
TARGET_AVX2 inline __m256 load256(const uint16_t *p) {
  __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}
template <bool S> TARGET_AVX2 inline void store256x2(float *p, __m256 a, __m256 b) {
  if constexpr (S) {
    _mm256_stream_ps(p, a);
    _mm256_stream_ps(p + 8, b);
  } else {
    _mm256_storeu_ps(p, a);
    _mm256_storeu_ps(p + 8, b);
  }
}
TARGET_AVX2 inline __m256i roundBF16(__m256 v) {
  __m256i b = _mm256_castps_si256(v);
  __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1));
  b = _mm256_add_epi32(b, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff)));
  return _mm256_srli_epi32(b, 16);
}
template <bool S> TARGET_AVX2 inline void store256x2(uint16_t *p, __m256 a, __m256 b) {
  // vpackusdw packs within 128-bit lanes: one vpermq puts them in order.
  __m256i h = _mm256_permute4x64_epi64(
      _mm256_packus_epi32(roundBF16(a), roundBF16(b)), 0xd8);
  if constexpr (S)
    _mm256_stream_si256(reinterpret_cast<__m256i *>(p), h);
  else
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), h);
}

template <typename T, bool S>
TARGET_AVX2 void rows256(const Problem &p, int64_t t0, int64_t t1) {
  const int64_t half = p.headDim / 2;
  for (int64_t t = t0; t < t1; ++t) {
    const float *c = p.cos + t * half, *s = p.sin + t * half;
    for (size_t k = 0; k < p.heads.size(); ++k) {
      const T *x = static_cast<const T *>(p.in[k]) + t * p.heads[k] * p.headDim;
      T *y = static_cast<T *>(p.out[k]) + t * p.heads[k] * p.headDim;
      for (int64_t h = 0; h < p.heads[k]; ++h, x += p.headDim, y += p.headDim)
        for (int64_t i = 0; i < half; i += 16) {
          __m256 c0 = _mm256_loadu_ps(c + i), c1 = _mm256_loadu_ps(c + i + 8);
          __m256 s0 = _mm256_loadu_ps(s + i), s1 = _mm256_loadu_ps(s + i + 8);
          __m256 a0 = load256(x + i), a1 = load256(x + i + 8);
          __m256 b0 = load256(x + half + i), b1 = load256(x + half + i + 8);
          store256x2<S>(y + i, _mm256_fmsub_ps(a0, c0, _mm256_mul_ps(b0, s0)),
                        _mm256_fmsub_ps(a1, c1, _mm256_mul_ps(b1, s1)));
          store256x2<S>(y + half + i,
                        _mm256_fmadd_ps(b0, c0, _mm256_mul_ps(a0, s0)),
                        _mm256_fmadd_ps(b1, c1, _mm256_mul_ps(a1, s1)));
        }
    }
  }
}

using RowsFn = void (*)(const Problem &, int64_t, int64_t);

RowsFn pick(ISA isa, bool bf16, bool streaming) {
  if (isa == ISA::AVX512)
    return bf16 ? (streaming ? rows512<uint16_t, true> : rows512<uint16_t, false>)
                : (streaming ? rows512<float, true> : rows512<float, false>);
  return bf16 ? (streaming ? rows256<uint16_t, true> : rows256<uint16_t, false>)
              : (streaming ? rows256<float, true> : rows256<float, false>);
}
} // namespace

bool rope_model::hostSupports(ISA isa) {
  __builtin_cpu_init();
  if (isa == ISA::AVX512)
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

void rope_model::run(ISA isa, const Problem &p, bool streaming) {
  RowsFn rows = pick(isa, p.bf16, streaming);
  // A single token runs on the caller, as the kernel's decode step does.
  if (p.tokens <= 1) {
    rows(p, 0, p.tokens);
    return;
  }
#pragma omp parallel
  {
    int64_t n = omp_get_num_threads(), id = omp_get_thread_num();
    int64_t per = (p.tokens + n - 1) / n;
    int64_t t0 = std::min<int64_t>(p.tokens, id * per);
    rows(p, t0, std::min<int64_t>(p.tokens, t0 + per));
  }
  if (streaming)
    _mm_sfence();
}
