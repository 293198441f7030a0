// stream-model.cpp - C++ model of the RoPE CPU kernel's memory walk.
//
// Not part of the build. Used to decide what rope-page-walk and the cheaper
// bf16 rounding should do (docs/performance.md, "Where it falls short"):
// Llama-3-8B q+k bf16 at 32768 tokens (537 MB of q, 134 MB of k, and as
// much output), 2 OpenMP threads, token tiles of 16, the kernel's
// arithmetic per 256-byte row (even/odd split, mul + fma, bf16 rounding,
// word merge, streaming stores), cos/sin read from a per-tile table in
// memory. Each round times every variant once, right after glibc memcpy of
// the same bytes; the medians of copy/variant are printed.
//
//   clang++-22 -O3 -march=native -fopenmp stream-model.cpp -o stream-model
//   ./stream-model 25
//   (add -DOUT_OFFSET=2048 for outputs off their inputs' page offset)
//
// Rounding (r0, r1, r2, r3): shift-and-mask lsb with the NaN case (the
// pipeline before), bit-test lsb with the NaN case, bit-test lsb without it
// (the pipeline now), truncation (no rounding: a lower bound).
// Row orders: seq (token by token, head by head, prefetch 4 KiB ahead: the
// row-order loop), pages8 (8 consecutive pages walked together, one stream
// per page: rope-page-walk), p8 k2s (pages8 for q, k with two interleaved
// streams per page: rope-page-walk's first k order), skewD (page p at row
// i - D p at step i), jamG (the rows of one head of G tokens together).

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

static const size_t kTokens = 32768, kTile = 16, kRow = 256;
static const size_t kQBytes = 32 * kRow, kKBytes = 8 * kRow; // per token

struct Buffer {
  char *p;
  size_t n;
  explicit Buffer(size_t n, size_t offset = 0) : n(n) {
    p = static_cast<char *>(aligned_alloc(4096, n + 4096)) + offset;
    memset(p, 0x3f, n); // bf16 0x3f3f: normal values, no denormal assists
  }
};
// -DOUT_OFFSET=2048: outputs off their inputs' page offset (no 4K aliasing).
#ifndef OUT_OFFSET
#define OUT_OFFSET 0
#endif
static Buffer qIn(kTokens * kQBytes), kIn(kTokens * kKBytes),
    qOut(kTokens * kQBytes, OUT_OFFSET), kOut(kTokens * kKBytes, OUT_OFFSET);

// cos/sin of a tile's tokens, already split into even and odd lanes.
alignas(64) static float table[kTile][2][64];
struct Tab {
  __m512 c[4], s[4]; // even/odd lanes of the two 32-element chunks
};
static inline Tab loadTab(size_t token) {
  Tab t;
  for (int i = 0; i < 4; ++i) {
    t.c[i] = _mm512_load_ps(table[token][0] + 16 * i);
    t.s[i] = _mm512_load_ps(table[token][1] + 16 * i);
  }
  return t;
}

template <int R> static inline __m512i round(__m512 x) {
  __m512i b = _mm512_castps_si512(x);
  __m512i r;
  if constexpr (R == 3)
    return b;
  if constexpr (R == 0) {
    __m512i lsb =
        _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
    r = _mm512_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7fff)), lsb);
  } else {
    __mmask16 odd = _mm512_test_epi32_mask(b, _mm512_set1_epi32(0x10000));
    r = _mm512_mask_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7fff)),
                              odd, b, _mm512_set1_epi32(0x8000));
  }
  if constexpr (R == 2)
    return r;
  __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  return _mm512_mask_or_epi32(r, nan, b, _mm512_set1_epi32(0x400000));
}

// One 256-byte row (128 bf16, half pairing): two 32-element chunks.
template <int R>
static inline void row(const char *in, char *out, const Tab &t) {
  const __m512i high = _mm512_set1_epi32(0xffff0000);
  for (int c = 0; c < 2; ++c) {
    __m512i a = _mm512_load_si512(in + 64 * c);
    __m512i b = _mm512_load_si512(in + 128 + 64 * c);
    __m512 ae = _mm512_castsi512_ps(_mm512_slli_epi32(a, 16));
    __m512 ao = _mm512_castsi512_ps(_mm512_and_si512(a, high));
    __m512 be = _mm512_castsi512_ps(_mm512_slli_epi32(b, 16));
    __m512 bo = _mm512_castsi512_ps(_mm512_and_si512(b, high));
    const __m512 &ce = t.c[2 * c], &co = t.c[2 * c + 1];
    const __m512 &se = t.s[2 * c], &so = t.s[2 * c + 1];
    __m512 y1e = _mm512_fmsub_ps(ae, ce, _mm512_mul_ps(be, se));
    __m512 y1o = _mm512_fmsub_ps(ao, co, _mm512_mul_ps(bo, so));
    __m512 y2e = _mm512_fmadd_ps(be, ce, _mm512_mul_ps(ae, se));
    __m512 y2o = _mm512_fmadd_ps(bo, co, _mm512_mul_ps(ao, so));
    auto merge = [&](__m512 e, __m512 o) {
      return _mm512_or_si512(_mm512_srli_epi32(round<R>(e), 16),
                             _mm512_and_si512(round<R>(o), high));
    };
    _mm512_stream_si512(reinterpret_cast<__m512i *>(out + 64 * c),
                        merge(y1e, y1o));
    _mm512_stream_si512(reinterpret_cast<__m512i *>(out + 128 + 64 * c),
                        merge(y2e, y2o));
  }
}

// Calls walk(in, out, rowBytesOfToken, firstByte, bufferBytes) for the q
// and k streams of every tile, tiles spread over the threads.
template <typename Walk> static void forEachTile(Walk walk) {
#pragma omp parallel for schedule(static)
  for (size_t tile = 0; tile < kTokens / kTile; ++tile) {
    walk(qIn.p, qOut.p, kQBytes, tile * kTile * kQBytes, qIn.n);
    walk(kIn.p, kOut.p, kKBytes, tile * kTile * kKBytes, kIn.n);
  }
}

template <int R> static void seq() {
  forEachTile([](const char *in, char *out, size_t tokenBytes, size_t begin,
                 size_t n) {
    for (size_t t = 0; t < kTile; ++t) {
      Tab tab = loadTab(t);
      for (size_t o = begin + t * tokenBytes; o < begin + (t + 1) * tokenBytes;
           o += kRow) {
        for (size_t line = 0; line < kRow; line += 64)
          _mm_prefetch(in + std::min(o + 4096 + line, n - 64), _MM_HINT_T0);
        row<R>(in + o, out + o, tab);
      }
    }
  });
}

template <int R> static void pages8() {
  forEachTile([](const char *in, char *out, size_t tokenBytes, size_t begin,
                 size_t) {
    size_t pages = std::min<size_t>(8, kTile * tokenBytes / 4096);
    for (size_t g = begin; g < begin + kTile * tokenBytes; g += 4096 * pages)
      for (size_t o = g; o < g + 4096; o += kRow)
        for (size_t p = 0; p < pages; ++p) {
          size_t at = o + 4096 * p;
          row<R>(in + at, out + at, loadTab((at - begin) / tokenBytes));
        }
  });
}

// pages8 for q; k (two 2 KiB tokens to a page) walked as rope-page-walk
// first did: 8 tokens at a time, head by head, so that each of its 4 pages
// is read as two interleaved streams (rows at o and 2048 + o).
template <int R> static void pages8k2s() {
  forEachTile([](const char *in, char *out, size_t tokenBytes, size_t begin,
                 size_t) {
    if (tokenBytes == kQBytes) {
      for (size_t g = begin; g < begin + kTile * tokenBytes; g += 4096 * 8)
        for (size_t o = g; o < g + 4096; o += kRow)
          for (size_t p = 0; p < 8; ++p) {
            size_t at = o + 4096 * p;
            row<R>(in + at, out + at, loadTab((at - begin) / tokenBytes));
          }
      return;
    }
    for (size_t t0 = 0; t0 < kTile; t0 += 8)
      for (size_t h = 0; h < tokenBytes; h += kRow)
        for (size_t t = t0; t < t0 + 8; ++t) {
          size_t at = begin + t * tokenBytes + h;
          row<R>(in + at, out + at, loadTab(t));
        }
  });
}

// A skewed walk over all pages of a tile's tensor: at step i, page p
// processes its row i - D * p (each page in address order, same-offset
// rows of different pages D * p steps apart, fewer pages in flight as D
// grows).
template <int R, int D> static void skew() {
  forEachTile([](const char *in, char *out, size_t tokenBytes, size_t begin,
                 size_t) {
    long pages = kTile * tokenBytes / 4096, rows = 4096 / kRow;
    for (long i = 0; i < rows + D * (pages - 1); ++i) {
      long lo = std::max<long>(0, (i - rows + D) / D);
      long hi = std::min<long>(pages - 1, i / D);
      if (i - D * lo >= rows)
        ++lo;
      for (long p = lo; p <= hi; ++p) {
        size_t at = begin + 4096 * p + kRow * (i - D * p);
        row<R>(in + at, out + at, loadTab((at - begin) / tokenBytes));
      }
    }
  });
}

template <int G, int R> static void jam() {
  forEachTile([](const char *in, char *out, size_t tokenBytes, size_t begin,
                 size_t) {
    for (size_t t0 = 0; t0 < kTile; t0 += G)
      for (size_t h = 0; h < tokenBytes; h += kRow)
        for (size_t t = t0; t < t0 + G; ++t) {
          size_t at = begin + t * tokenBytes + h;
          row<R>(in + at, out + at, loadTab(t));
        }
  });
}

static void copy() {
  for (Buffer *b : {&qIn, &kIn}) {
    Buffer &dst = b == &qIn ? qOut : kOut;
#pragma omp parallel
    {
      size_t chunk = b->n / omp_get_num_threads();
      size_t at = chunk * omp_get_thread_num();
      memcpy(dst.p + at, b->p + at, chunk);
    }
  }
}

static double millis(const std::function<void()> &f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
             .count() *
         1e3;
}

int main(int argc, char **argv) {
  for (size_t t = 0; t < kTile; ++t)
    for (int i = 0; i < 64; ++i) {
      table[t][0][i] = 1.0f - 1e-3f * (t + i);
      table[t][1][i] = 1e-3f * (t + i);
    }
  std::vector<std::pair<const char *, std::function<void()>>> variants = {
      {"seq r0", seq<0>},       {"seq r1", seq<1>},
      {"seq r2", seq<2>},       {"seq r3", seq<3>},
      {"pages8 r0", pages8<0>}, {"pages8 r2", pages8<2>},
      {"pages8 r3", pages8<3>}, {"p8 k2s r2", pages8k2s<2>},
      {"skew1 r2", skew<2, 1>}, {"skew3 r2", skew<2, 3>},
      {"jam4 r2", jam<4, 2>},
      {"jam8 r2", jam<8, 2>},
  };
  int rounds = argc > 1 ? atoi(argv[1]) : 25;
  std::vector<std::vector<double>> ratio(variants.size());
  copy();
  for (auto &v : variants)
    v.second(); // touch, warm up
  for (int i = 0; i < rounds; ++i)
    for (size_t k = 0; k < variants.size(); ++k) {
      double c = millis(copy);
      ratio[k].push_back(c / millis(variants[k].second));
    }
  for (size_t k = 0; k < variants.size(); ++k) {
    std::vector<double> &r = ratio[k];
    std::sort(r.begin(), r.end());
    printf("%-10s copy/variant median %.3f  quartiles %.3f .. %.3f\n",
           variants[k].first, r[rounds / 2], r[rounds / 4],
           r[3 * rounds / 4]);
  }
}
