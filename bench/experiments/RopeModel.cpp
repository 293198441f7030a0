//===- RopeModel.cpp - Intrinsics model of the RoPE loop per ISA ----------===//
//
// Per token, per head: x1 = the first half, x2 = the second, y1 = x1 c - x2 s,
// y2 = x2 c + x1 s with the token's cos/sin row. The fastest loop we know how
// to write for each ISA; what bounds it:
// - f32: loads and stores (2 loads of x and 2 stores per 16 pairs; the
//   table rows are loaded once per token, the head loop is unrolled over the
//   whole row, so they stay in registers across heads), 4 FMA-port ops;
// - bf16: the same memory traffic at half the bytes, and the vector ALU:
//   a 32-bit word holds an even and an odd element, widened with one shift
//   (even) and one mask (odd), no shuffle; the tables are split the same way
//   before timing. Each result is rounded exactly to nearest even without
//   native conversion, 4 integer ops per 16 results (shift, and, add, add;
//   no NaN fix-up: inputs are finite), and the two rounded words of a pair
//   merged back with one select (AVX-512 vpternlogd, AVX2 vpblendw) after a
//   shift of the even one. So per 32 bf16 results: 2 widening ops, 4 FMA-port
//   ops, 8 rounding ops, 2 merging ops, 1 load and 1 store;
// - large sizes: inputs prefetched 4 KiB ahead, and streaming stores for
//   outputs that do not stay in the caches. The caller times every Stores
//   kind and keeps the fastest.
// Interleaved pairs: bf16 as above (a word is a pair); f32 swaps each pair
// in-lane (vpermilps) and multiplies by tables prepared with each value
// twice and the sines' signs folded in: one shuffle, one mul, one FMA per
// vector. Partial rotary copies the rest of the head with whole vectors.
// The bf16 merge needs AVX-512F only (vpternlogd); nothing needs AVX512-BF16.
//
//===----------------------------------------------------------------------===//

#include "RopeModel.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include "RopeModelNEON.h"
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>

using namespace rope_model;

namespace {

using RowsFn = void (*)(const Problem &, int64_t, int64_t);

#if defined(__x86_64__)
// no_builtin: the pass-through copies stay vector loops, not memcpy calls.
#define TARGET_AVX512                                                          \
  __attribute__((target("avx512f,avx512bw,avx512vl,fma"),                      \
                 no_builtin("memcpy")))
#define TARGET_AVX2                                                            \
  __attribute__((target("avx2,fma"), no_builtin("memcpy")))

constexpr int kPrefetchBytes = 4096;

template <typename T> inline void prefetchAhead(const T *p) {
  _mm_prefetch(reinterpret_cast<const char *>(p) + kPrefetchBytes,
               _MM_HINT_T0);
}

// --- AVX-512: 16 f32 lanes.

template <Stores S> TARGET_AVX512 inline void store512(void *p, __m512i v) {
  if constexpr (S == Stores::Streaming)
    _mm512_stream_si512(static_cast<__m512i *>(p), v);
  else
    _mm512_storeu_si512(p, v);
}
TARGET_AVX512 inline __m512i rne512(__m512 v) {
  __m512i b = _mm512_castps_si512(v);
  __m512i lsb =
      _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
  return _mm512_add_epi32(b, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff)));
}

template <int Half, Stores S>
TARGET_AVX512 inline void head512(const float *__restrict x,
                                  float *__restrict y, const __m512 *tv) {
  for (int i = 0; i < Half; i += 16) {
    if constexpr (S != Stores::Cached) {
      prefetchAhead(x + i);
      prefetchAhead(x + Half + i);
    }
    __m512 c = tv[(i) / 16], s = tv[(Half + i) / 16];
    __m512 x1 = _mm512_loadu_ps(x + i), x2 = _mm512_loadu_ps(x + Half + i);
    store512<S>(y + i, _mm512_castps_si512(
                           _mm512_fmsub_ps(x1, c, _mm512_mul_ps(x2, s))));
    store512<S>(y + Half + i, _mm512_castps_si512(_mm512_fmadd_ps(
                                  x2, c, _mm512_mul_ps(x1, s))));
  }
}

template <int Half, Stores S>
TARGET_AVX512 inline void head512(const uint16_t *__restrict x,
                                  uint16_t *__restrict y, const __m512 *tv) {
  const __m512i hi = _mm512_set1_epi32(static_cast<int>(0xffff0000u));
  for (int i = 0; i < Half; i += 32) {
    if constexpr (S != Stores::Cached) {
      prefetchAhead(x + i);
      prefetchAhead(x + Half + i);
    }
    __m512 ce = tv[(i / 2) / 16];
    __m512 co = tv[(Half / 2 + i / 2) / 16];
    __m512 se = tv[(Half + i / 2) / 16];
    __m512 so = tv[(3 * Half / 2 + i / 2) / 16];
    __m512i w1 = _mm512_loadu_si512(x + i), w2 = _mm512_loadu_si512(x + Half + i);
    __m512 ae = _mm512_castsi512_ps(_mm512_slli_epi32(w1, 16));
    __m512 ao = _mm512_castsi512_ps(_mm512_and_si512(w1, hi));
    __m512 be = _mm512_castsi512_ps(_mm512_slli_epi32(w2, 16));
    __m512 bo = _mm512_castsi512_ps(_mm512_and_si512(w2, hi));
    __m512i y1e = rne512(_mm512_fmsub_ps(ae, ce, _mm512_mul_ps(be, se)));
    __m512i y1o = rne512(_mm512_fmsub_ps(ao, co, _mm512_mul_ps(bo, so)));
    __m512i y2e = rne512(_mm512_fmadd_ps(be, ce, _mm512_mul_ps(ae, se)));
    __m512i y2o = rne512(_mm512_fmadd_ps(bo, co, _mm512_mul_ps(ao, so)));
    // hi ? odd : even >> 16 (0xca: a ? b : c).
    store512<S>(y + i, _mm512_ternarylogic_epi32(
                           hi, y1o, _mm512_srli_epi32(y1e, 16), 0xca));
    store512<S>(y + Half + i, _mm512_ternarylogic_epi32(
                                  hi, y2o, _mm512_srli_epi32(y2e, 16), 0xca));
  }
}

template <int Half, Stores S>
TARGET_AVX512 inline void pairs512(const float *__restrict x,
                                   float *__restrict y, const __m512 *tv) {
  for (int i = 0; i < 2 * Half; i += 16) {
    if constexpr (S != Stores::Cached)
      prefetchAhead(x + i);
    __m512 c = tv[(i) / 16], s = tv[(2 * Half + i) / 16];
    __m512 v = _mm512_loadu_ps(x + i);
    // (x0, x1) -> (x1, x0) in every pair: 0xb1 = lanes 1, 0, 3, 2.
    __m512 w = _mm512_permute_ps(v, 0xb1);
    store512<S>(y + i, _mm512_castps_si512(
                           _mm512_fmadd_ps(v, c, _mm512_mul_ps(w, s))));
  }
}

template <int Half, Stores S>
TARGET_AVX512 inline void pairs512(const uint16_t *__restrict x,
                                   uint16_t *__restrict y, const __m512 *tv) {
  const __m512i hi = _mm512_set1_epi32(static_cast<int>(0xffff0000u));
  for (int i = 0; i < 2 * Half; i += 32) {
    if constexpr (S != Stores::Cached)
      prefetchAhead(x + i);
    __m512 c = tv[(i / 2) / 16], s = tv[(Half + i / 2) / 16];
    __m512i w = _mm512_loadu_si512(x + i);
    __m512 e = _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
    __m512 o = _mm512_castsi512_ps(_mm512_and_si512(w, hi));
    __m512i ye = rne512(_mm512_fmsub_ps(e, c, _mm512_mul_ps(o, s)));
    __m512i yo = rne512(_mm512_fmadd_ps(o, c, _mm512_mul_ps(e, s)));
    store512<S>(y + i, _mm512_ternarylogic_epi32(
                           hi, yo, _mm512_srli_epi32(ye, 16), 0xca));
  }
}

/// The pass-through part of a head, `bytes` a multiple of 64.
template <Stores S>
TARGET_AVX512 inline void copy512(const char *__restrict x, char *__restrict y,
                                  int64_t bytes) {
  for (int64_t i = 0; i < bytes; i += 64)
    store512<S>(y + i, _mm512_loadu_si512(x + i));
}

// --- AVX2: 8 f32 lanes.

template <Stores S> TARGET_AVX2 inline void store256(void *p, __m256i v) {
  if constexpr (S == Stores::Streaming)
    _mm256_stream_si256(static_cast<__m256i *>(p), v);
  else
    _mm256_storeu_si256(static_cast<__m256i *>(p), v);
}
TARGET_AVX2 inline __m256i rne256(__m256 v) {
  __m256i b = _mm256_castps_si256(v);
  __m256i lsb =
      _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1));
  return _mm256_add_epi32(b, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff)));
}

template <int Half, Stores S>
TARGET_AVX2 inline void head256(const float *__restrict x,
                                float *__restrict y, const __m256 *tv) {
  for (int i = 0; i < Half; i += 8) {
    if constexpr (S != Stores::Cached) {
      if (i % 16 == 0) {
        prefetchAhead(x + i);
        prefetchAhead(x + Half + i);
      }
    }
    __m256 c = tv[(i) / 8], s = tv[(Half + i) / 8];
    __m256 x1 = _mm256_loadu_ps(x + i), x2 = _mm256_loadu_ps(x + Half + i);
    store256<S>(y + i, _mm256_castps_si256(
                           _mm256_fmsub_ps(x1, c, _mm256_mul_ps(x2, s))));
    store256<S>(y + Half + i, _mm256_castps_si256(_mm256_fmadd_ps(
                                  x2, c, _mm256_mul_ps(x1, s))));
  }
}

template <int Half, Stores S>
TARGET_AVX2 inline void head256(const uint16_t *__restrict x,
                                uint16_t *__restrict y, const __m256 *tv) {
  const __m256i hi = _mm256_set1_epi32(static_cast<int>(0xffff0000u));
  for (int i = 0; i < Half; i += 16) {
    if constexpr (S != Stores::Cached) {
      if (i % 32 == 0) {
        prefetchAhead(x + i);
        prefetchAhead(x + Half + i);
      }
    }
    __m256 ce = tv[(i / 2) / 8];
    __m256 co = tv[(Half / 2 + i / 2) / 8];
    __m256 se = tv[(Half + i / 2) / 8];
    __m256 so = tv[(3 * Half / 2 + i / 2) / 8];
    __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + i));
    __m256i w2 =
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + Half + i));
    __m256 ae = _mm256_castsi256_ps(_mm256_slli_epi32(w1, 16));
    __m256 ao = _mm256_castsi256_ps(_mm256_and_si256(w1, hi));
    __m256 be = _mm256_castsi256_ps(_mm256_slli_epi32(w2, 16));
    __m256 bo = _mm256_castsi256_ps(_mm256_and_si256(w2, hi));
    __m256i y1e = rne256(_mm256_fmsub_ps(ae, ce, _mm256_mul_ps(be, se)));
    __m256i y1o = rne256(_mm256_fmsub_ps(ao, co, _mm256_mul_ps(bo, so)));
    __m256i y2e = rne256(_mm256_fmadd_ps(be, ce, _mm256_mul_ps(ae, se)));
    __m256i y2o = rne256(_mm256_fmadd_ps(bo, co, _mm256_mul_ps(ao, so)));
    // Odd 16-bit words (the high halves) from the odd results.
    store256<S>(y + i, _mm256_blend_epi16(_mm256_srli_epi32(y1e, 16), y1o,
                                          0xaa));
    store256<S>(y + Half + i, _mm256_blend_epi16(_mm256_srli_epi32(y2e, 16),
                                                 y2o, 0xaa));
  }
}

template <int Half, Stores S>
TARGET_AVX2 inline void pairs256(const float *__restrict x,
                                 float *__restrict y, const __m256 *tv) {
  for (int i = 0; i < 2 * Half; i += 8) {
    if constexpr (S != Stores::Cached) {
      if (i % 16 == 0)
        prefetchAhead(x + i);
    }
    __m256 c = tv[(i) / 8], s = tv[(2 * Half + i) / 8];
    __m256 v = _mm256_loadu_ps(x + i);
    __m256 w = _mm256_permute_ps(v, 0xb1);
    store256<S>(y + i, _mm256_castps_si256(
                           _mm256_fmadd_ps(v, c, _mm256_mul_ps(w, s))));
  }
}

template <int Half, Stores S>
TARGET_AVX2 inline void pairs256(const uint16_t *__restrict x,
                                 uint16_t *__restrict y, const __m256 *tv) {
  const __m256i hi = _mm256_set1_epi32(static_cast<int>(0xffff0000u));
  for (int i = 0; i < 2 * Half; i += 16) {
    if constexpr (S != Stores::Cached) {
      if (i % 32 == 0)
        prefetchAhead(x + i);
    }
    __m256 c = tv[(i / 2) / 8], s = tv[(Half + i / 2) / 8];
    __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + i));
    __m256 e = _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
    __m256 o = _mm256_castsi256_ps(_mm256_and_si256(w, hi));
    __m256i ye = rne256(_mm256_fmsub_ps(e, c, _mm256_mul_ps(o, s)));
    __m256i yo = rne256(_mm256_fmadd_ps(o, c, _mm256_mul_ps(e, s)));
    store256<S>(y + i, _mm256_blend_epi16(_mm256_srli_epi32(ye, 16), yo, 0xaa));
  }
}

/// The pass-through part of a head, `bytes` a multiple of 32.
template <Stores S>
TARGET_AVX2 inline void copy256(const char *__restrict x, char *__restrict y,
                                int64_t bytes) {
  for (int64_t i = 0; i < bytes; i += 32)
    store256<S>(y + i,
                _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + i)));
}

// --- The loops over tokens and heads.

/// Floats of one token's table (RopeModel.h).
template <typename T, int Half, bool Interleaved>
constexpr int kTableFloats = Interleaved && sizeof(T) == 4 ? 4 * Half : 2 * Half;

template <typename T, int Half, Stores S, bool Interleaved>
TARGET_AVX512 void rows512(const Problem &p, int64_t t0, int64_t t1) {
  constexpr int kFloats = kTableFloats<T, Half, Interleaved>;
  // bf16 half pairing with halves of 16 pairs: one 256-bit step per half.
  constexpr bool kNarrow = sizeof(T) == 2 && !Interleaved && Half % 32;
  const int64_t d = p.headDim, restBytes = (d - 2 * Half) * sizeof(T);
  for (int64_t t = t0; t < t1; ++t) {
    // The token's table, in registers for all its heads.
    const float *tab = p.tables.data() + t * p.tableStride;
    __m512 tv[kFloats / 16];
    __m256 tv8[kFloats / 8];
    if constexpr (kNarrow)
      for (int v = 0; v < kFloats / 8; ++v)
        tv8[v] = _mm256_loadu_ps(tab + 8 * v);
    else
      for (int v = 0; v < kFloats / 16; ++v)
        tv[v] = _mm512_loadu_ps(tab + 16 * v);
    for (size_t k = 0; k < p.heads.size(); ++k) {
      const int64_t heads = p.heads[k];
      const T *x = static_cast<const T *>(p.in[k]) + t * heads * d;
      T *y = static_cast<T *>(p.out[k]) + t * heads * d;
      for (int64_t h = 0; h < heads; ++h, x += d, y += d) {
        if constexpr (Interleaved)
          pairs512<Half, S>(x, y, tv);
        else if constexpr (kNarrow)
          head256<Half, S>(x, y, tv8);
        else
          head512<Half, S>(x, y, tv);
        if (restBytes)
          copy512<S>(reinterpret_cast<const char *>(x + 2 * Half),
                     reinterpret_cast<char *>(y + 2 * Half), restBytes);
      }
    }
  }
  // Each thread fences its own streaming stores.
  if constexpr (S == Stores::Streaming)
    _mm_sfence();
}

template <typename T, int Half, Stores S, bool Interleaved>
TARGET_AVX2 void rows256(const Problem &p, int64_t t0, int64_t t1) {
  constexpr int kFloats = kTableFloats<T, Half, Interleaved>;
  const int64_t d = p.headDim, restBytes = (d - 2 * Half) * sizeof(T);
  for (int64_t t = t0; t < t1; ++t) {
    // The token's table, loaded once for all its heads (16 ymm registers
    // hold the tables of halves up to 32 pairs; larger ones spill to the
    // stack, as reloading them from L1 would cost).
    const float *tab = p.tables.data() + t * p.tableStride;
    __m256 tv[kFloats / 8];
    for (int v = 0; v < kFloats / 8; ++v)
      tv[v] = _mm256_loadu_ps(tab + 8 * v);
    for (size_t k = 0; k < p.heads.size(); ++k) {
      const int64_t heads = p.heads[k];
      const T *x = static_cast<const T *>(p.in[k]) + t * heads * d;
      T *y = static_cast<T *>(p.out[k]) + t * heads * d;
      for (int64_t h = 0; h < heads; ++h, x += d, y += d) {
        if constexpr (Interleaved)
          pairs256<Half, S>(x, y, tv);
        else
          head256<Half, S>(x, y, tv);
        if (restBytes)
          copy256<S>(reinterpret_cast<const char *>(x + 2 * Half),
                     reinterpret_cast<char *>(y + 2 * Half), restBytes);
      }
    }
  }
  if constexpr (S == Stores::Streaming)
    _mm_sfence();
}

template <typename T, int Half, Stores S>
RowsFn pickX86(ISA isa, const Problem &p) {
  // The pass-through part is copied with whole vectors.
  const int64_t vectorBytes = isa == ISA::AVX512 ? 64 : 32;
  if ((p.headDim - 2 * Half) * static_cast<int64_t>(sizeof(T)) % vectorBytes)
    return nullptr;
  if (isa == ISA::AVX512) {
    if (p.interleaved)
      return &rows512<T, Half, S, true>;
    return &rows512<T, Half, S, false>;
  }
  return p.interleaved ? &rows256<T, Half, S, true> : &rows256<T, Half, S, false>;
}

template <typename T, Stores S> RowsFn pickHalf(ISA isa, const Problem &p) {
  switch (p.rotaryDim / 2) {
  case 16:
    return pickX86<T, 16, S>(isa, p);
  case 32:
    return pickX86<T, 32, S>(isa, p);
  case 64:
    return pickX86<T, 64, S>(isa, p);
  case 128:
    return pickX86<T, 128, S>(isa, p);
  default:
    return nullptr;
  }
}

template <typename T> RowsFn pickStores(ISA isa, const Problem &p, Stores s) {
  switch (s) {
  case Stores::Cached:
    return pickHalf<T, Stores::Cached>(isa, p);
  case Stores::Prefetched:
    return pickHalf<T, Stores::Prefetched>(isa, p);
  case Stores::Streaming:
    return pickHalf<T, Stores::Streaming>(isa, p);
  }
  return nullptr;
}
#endif // __x86_64__

#if defined(__aarch64__)
void rowsNEON(const Problem &p, int64_t t0, int64_t t1) {
  rope_model_neon_problem q{p.headDim / 2,
                            p.bf16,
                            static_cast<int64_t>(p.heads.size()),
                            p.heads.data(),
                            p.in.data(),
                            p.out.data(),
                            p.tables.data()};
  rope_model_neon_rows(&q, t0, t1);
}
#endif

RowsFn pick(ISA isa, const Problem &p, Stores s) {
#if defined(__x86_64__)
  if (isa == ISA::NEON || p.rotaryDim <= 0 || p.rotaryDim % 2 ||
      p.rotaryDim > p.headDim)
    return nullptr;
  return p.bf16 ? pickStores<uint16_t>(isa, p, s)
                : pickStores<float>(isa, p, s);
#elif defined(__aarch64__)
  // One loop: NEON has no streaming stores to choose.
  const int64_t step = p.bf16 ? 8 : 4;
  return isa == ISA::NEON && !p.interleaved && p.rotaryDim == p.headDim &&
                 (p.headDim / 2) % step == 0
             ? &rowsNEON
             : nullptr;
#else
  (void)isa, (void)p, (void)s;
  return nullptr;
#endif
}
} // namespace

void rope_model::prepare(Problem &p) {
  const int64_t half = p.rotaryDim / 2;
  const bool doubled = p.interleaved && !p.bf16;
  p.tableStride = doubled ? 4 * half : 2 * half;
  p.tables.assign(p.tokens * p.tableStride, 0.0f);
  for (int64_t t = 0; t < p.tokens; ++t) {
    const float *c = p.cos + t * half, *s = p.sin + t * half;
    float *tab = p.tables.data() + t * p.tableStride;
    for (int64_t i = 0; i < half; ++i) {
      if (doubled) {
        tab[2 * i] = tab[2 * i + 1] = c[i];
        tab[2 * half + 2 * i] = -s[i];
        tab[2 * half + 2 * i + 1] = s[i];
        continue;
      }
      // Half-pairing bf16 widens even and odd pairs apart.
      const int64_t j =
          p.bf16 && !p.interleaved ? i / 2 + (i % 2) * (half / 2) : i;
      tab[j] = c[i];
      tab[half + j] = s[i];
    }
  }
}

bool rope_model::hostSupports(ISA isa) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (isa == ISA::AVX512)
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
  if (isa == ISA::AVX2)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return false;
#elif defined(__aarch64__)
  return isa == ISA::NEON;
#else
  (void)isa;
  return false;
#endif
}

bool rope_model::applies(ISA isa, const Problem &p) {
  return pick(isa, p, Stores::Cached) != nullptr;
}

void rope_model::run(ISA isa, const Problem &p, Stores stores) {
  RowsFn rows = pick(isa, p, stores);
  // A single token runs on the caller, as the kernel's decode step does.
  if (p.tokens <= 1) {
    rows(p, 0, p.tokens);
  } else {
#ifdef _OPENMP
#pragma omp parallel
    {
      int64_t n = omp_get_num_threads(), id = omp_get_thread_num();
      int64_t per = (p.tokens + n - 1) / n;
      int64_t t0 = std::min<int64_t>(p.tokens, id * per);
      rows(p, t0, std::min<int64_t>(p.tokens, t0 + per));
    }
#else
    rows(p, 0, p.tokens);
#endif
  }
}
