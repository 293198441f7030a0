// stream-model.cpp - C++ model of the RoPE CPU kernel's memory walk.
//
// Not part of the build. Used to decide what rope-page-walk and the cheaper
// bf16 rounding should do (docs/performance.md, "Where it falls short"):
// Llama-3-8B q+k bf16 at 32768 tokens (537 MB of q, 134 MB of k, and as
// much output), 2 OpenMP threads, token tiles of 16, the kernel's
// arithmetic per 256-byte row (even/odd split, mul + fma, bf16 rounding,
// merge, streaming stores), in several row orders and rounding variants,
// each timed once per round against glibc memcpy of the same bytes in the
// same round; prints medians of copy/variant.
//
//   clang++-22 -O3 -march=native -fopenmp stream-model.cpp -o stream-model
//   ./stream-model 25
//
// Rounding variants (template RNDV): 0 shift-and-mask lsb + NaN case,
// 1 bit-test lsb + NaN case, 2 bit-test lsb without NaN case, 3 truncation.
// Row orders: seq (token by token, head by head, prefetch 4 KiB ahead),
// 8p/8pm (8 consecutive pages walked together, tables in registers / from
// memory), jamG (G tokens' rows of the same head together).
#include <immintrin.h>
#include <omp.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <algorithm>
#include <functional>
static const size_t T = 32768, QB = 8192, KB = 2048; // bytes per token
struct Buf { char *p; size_t n; Buf(size_t n):n(n){p=(char*)aligned_alloc(4096,n); memset(p,0x3f,n);} };
Buf qi(T*QB), ki(T*KB), qo(T*QB), ko(T*KB);
float tab[2][64] __attribute__((aligned(64)));
static inline __m512i rnd(__m512 x) {
  __m512i b = _mm512_castps_si512(x);
  __m512i l = _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
  __m512i r = _mm512_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7fff)), l);
  __mmask16 n = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  return _mm512_mask_or_epi32(r, n, b, _mm512_set1_epi32(0x400000));
}
#ifndef RND
#define RND 0
#endif
template <int RNDV> static inline __m512i rnd2(__m512 x) {
  __m512i b = _mm512_castps_si512(x);
if constexpr (RNDV == 1) {
  __mmask16 k = _mm512_test_epi32_mask(b, _mm512_set1_epi32(0x10000));
  __m512i r = _mm512_mask_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7fff)), k, b, _mm512_set1_epi32(0x8000));
  __mmask16 n = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  return _mm512_mask_or_epi32(r, n, b, _mm512_set1_epi32(0x400000));
} else if constexpr (RNDV == 2) {
  __mmask16 k = _mm512_test_epi32_mask(b, _mm512_set1_epi32(0x10000));
  return _mm512_mask_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7fff)), k, b, _mm512_set1_epi32(0x8000));
} else if constexpr (RNDV == 3) {
  return b;
} else {
  return rnd(x);
}
}
static inline __m512i merge(__m512i e, __m512i o) { // even in low half, odd in high
  return _mm512_or_si512(_mm512_srli_epi32(e, 16), _mm512_and_si512(o, _mm512_set1_epi32(0xffff0000)));
}
struct Tab { __m512 ce0, co0, se0, so0, ce1, co1, se1, so1; };
template <int RNDV> static inline void row(const char *in, char *out, const Tab &t) {
  __m512i a0 = _mm512_load_si512(in), a1 = _mm512_load_si512(in + 64),
          b0 = _mm512_load_si512(in + 128), b1 = _mm512_load_si512(in + 192);
  __m512i m = _mm512_set1_epi32(0xffff0000);
  #define HALF(a, b, ce, co, se, so, oa, ob) { \
    __m512 ae = _mm512_castsi512_ps(_mm512_slli_epi32(a, 16)), ao = _mm512_castsi512_ps(_mm512_and_si512(a, m)); \
    __m512 be = _mm512_castsi512_ps(_mm512_slli_epi32(b, 16)), bo = _mm512_castsi512_ps(_mm512_and_si512(b, m)); \
    __m512 r1e = _mm512_fmsub_ps(ae, ce, _mm512_mul_ps(be, se)), r1o = _mm512_fmsub_ps(ao, co, _mm512_mul_ps(bo, so)); \
    __m512 r2e = _mm512_fmadd_ps(be, ce, _mm512_mul_ps(ae, se)), r2o = _mm512_fmadd_ps(bo, co, _mm512_mul_ps(ao, so)); \
    _mm512_stream_si512((__m512i*)(oa), merge(rnd2<RNDV>(r1e), rnd2<RNDV>(r1o))); _mm512_stream_si512((__m512i*)(ob), merge(rnd2<RNDV>(r2e), rnd2<RNDV>(r2o))); }
  HALF(a0, b0, t.ce0, t.co0, t.se0, t.so0, out, out + 128);
  HALF(a1, b1, t.ce1, t.co1, t.se1, t.so1, out + 64, out + 192);
}
static inline Tab ld(int tok) { Tab t; float s = tok * 1e-6f; t.ce0 = _mm512_set1_ps(1 - s); t.co0 = _mm512_set1_ps(1 + s); t.se0 = _mm512_set1_ps(s); t.so0 = _mm512_set1_ps(2*s);
  t.ce1 = t.ce0; t.co1 = t.co0; t.se1 = t.so0; t.so1 = t.se0; return t; }
// P: pages walked together
template <int P, int RNDV = 0>
void kern(size_t pf) {
  const int tile = 16; int ntiles = T / tile;
#pragma omp parallel for schedule(static)
  for (int t = 0; t < ntiles; ++t) {
    for (int s = 0; s < 2; ++s) {
      const char *in = s ? ki.p : qi.p; char *out = s ? ko.p : qo.p;
      size_t rb = s ? KB : QB; size_t n = s ? ki.n : qi.n;
      size_t b = (size_t)t * tile * rb, e = b + tile * rb;
      if (P == 1) {
        for (size_t tok = 0; tok < tile; ++tok) { Tab tb = ld(tok);
          for (size_t o = b + tok * rb; o < b + (tok + 1) * rb; o += 256) {
            if (pf) for (int l = 0; l < 4; ++l) _mm_prefetch(in + std::min(o + pf + 64*l, n-64), _MM_HINT_T0);
            row<RNDV>(in + o, out + o, tb);
          }
        }
      } else {
        size_t PP = std::min<size_t>(P, (e - b) / 4096);
        for (size_t g = b; g < e; g += 4096 * PP)
          for (size_t o = g; o < g + 4096; o += 256)
            for (size_t p = 0; p < PP; ++p) {
              size_t oo = o + 4096 * p; Tab tb = ld((oo - b) / rb);
              row<RNDV>(in + oo, out + oo, tb);
            }
      }
    }
  }
}
float tbl[16][2][64] __attribute__((aligned(64)));
template <int RNDV, bool NAT> static inline Tab ldm(int tok) {
  Tab t; const float *c = tbl[tok][0], *s = tbl[tok][1];
  if (!NAT) {
    t.ce0 = _mm512_load_ps(c); t.co0 = _mm512_load_ps(c + 16); t.ce1 = _mm512_load_ps(c + 32); t.co1 = _mm512_load_ps(c + 48);
    t.se0 = _mm512_load_ps(s); t.so0 = _mm512_load_ps(s + 16); t.se1 = _mm512_load_ps(s + 32); t.so1 = _mm512_load_ps(s + 48);
  } else {
    __m512i ie = _mm512_set_epi32(30,28,26,24,22,20,18,16,14,12,10,8,6,4,2,0), io = _mm512_set_epi32(31,29,27,25,23,21,19,17,15,13,11,9,7,5,3,1);
    __m512 a = _mm512_load_ps(c), b = _mm512_load_ps(c + 16), a2 = _mm512_load_ps(c + 32), b2 = _mm512_load_ps(c + 48);
    t.ce0 = _mm512_permutex2var_ps(a, ie, b); t.co0 = _mm512_permutex2var_ps(a, io, b);
    t.ce1 = _mm512_permutex2var_ps(a2, ie, b2); t.co1 = _mm512_permutex2var_ps(a2, io, b2);
    a = _mm512_load_ps(s), b = _mm512_load_ps(s + 16), a2 = _mm512_load_ps(s + 32), b2 = _mm512_load_ps(s + 48);
    t.se0 = _mm512_permutex2var_ps(a, ie, b); t.so0 = _mm512_permutex2var_ps(a, io, b);
    t.se1 = _mm512_permutex2var_ps(a2, ie, b2); t.so1 = _mm512_permutex2var_ps(a2, io, b2);
  }
  return t;
}
// head-outer, token-inner within each tile of 16 tokens
template <int RNDV, bool NAT>
void kernx() {
  const int tile = 16; int ntiles = T / tile;
#pragma omp parallel for schedule(static)
  for (int t = 0; t < ntiles; ++t) {
    for (int s = 0; s < 2; ++s) {
      const char *in = s ? ki.p : qi.p; char *out = s ? ko.p : qo.p;
      size_t rb = s ? KB : QB; size_t heads = rb / 256;
      size_t b = (size_t)t * tile * rb;
      for (size_t h = 0; h < heads; ++h)
        for (size_t tok = 0; tok < tile; ++tok) {
          Tab tb = ldm<RNDV, NAT>(tok); asm volatile("" ::: "memory");
          size_t o = b + tok * rb + h * 256;
          row<RNDV>(in + o, out + o, tb);
        }
    }
  }
}
// P-page walk with tables from memory per row
template <int P, int RNDV, bool NAT>
void kernpm() {
  const int tile = 16; int ntiles = T / tile;
#pragma omp parallel for schedule(static)
  for (int t = 0; t < ntiles; ++t) {
    for (int s = 0; s < 2; ++s) {
      const char *in = s ? ki.p : qi.p; char *out = s ? ko.p : qo.p;
      size_t rb = s ? KB : QB;
      size_t b = (size_t)t * tile * rb, e = b + tile * rb;
      size_t PP = std::min<size_t>(P, (e - b) / 4096);
      for (size_t g = b; g < e; g += 4096 * PP)
        for (size_t o = g; o < g + 4096; o += 256)
          for (size_t p = 0; p < PP; ++p) {
            size_t oo = o + 4096 * p; Tab tb = ldm<RNDV, NAT>((oo - b) / rb); asm volatile("" ::: "memory");
            row<RNDV>(in + oo, out + oo, tb);
          }
    }
  }
}
// unroll-and-jam of the token loop by G: for t0 step G: for h: for g<G: row(t0+g, h)
template <int G, int RNDV>
void kernj() {
  const int tile = 16; int ntiles = T / tile;
#pragma omp parallel for schedule(static)
  for (int t = 0; t < ntiles; ++t) {
    for (int s = 0; s < 2; ++s) {
      const char *in = s ? ki.p : qi.p; char *out = s ? ko.p : qo.p;
      size_t rb = s ? KB : QB; size_t heads = rb / 256;
      size_t b = (size_t)t * tile * rb;
      for (size_t t0 = 0; t0 < tile; t0 += G)
        for (size_t h = 0; h < heads; ++h)
          for (size_t g = 0; g < G; ++g) {
            Tab tb = ldm<RNDV, false>(t0 + g); asm volatile("" ::: "memory");
            size_t o = b + (t0 + g) * rb + h * 256;
            row<RNDV>(in + o, out + o, tb);
          }
    }
  }
}
void mcpy() {
  for (int s = 0; s < 2; ++s) {
    Buf &i = s ? ki : qi, &o = s ? ko : qo;
#pragma omp parallel
    { int nt = omp_get_num_threads(), id = omp_get_thread_num(); size_t c = i.n / nt;
      memcpy(o.p + c*id, i.p + c*id, c); }
  }
}
double once(const std::function<void()> &f) {
  auto s = std::chrono::steady_clock::now(); f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now()-s).count()*1e3;
}
int main(int argc, char **argv) {
  std::vector<std::pair<const char *, std::function<void()>>> vs = {
    {"memcpy", mcpy},
    {"seq r0", []{kern<1,0>(4096);}},
    {"seq r2", []{kern<1,2>(4096);}},
    {"8p r2", []{kern<8,2>(0);}},
    {"8pm r2 split", []{kernpm<8,2,false>();}},
    {"jam2 r2", []{kernj<2,2>();}},
    {"jam4 r2", []{kernj<4,2>();}},
    {"jam8 r2", []{kernj<8,2>();}},
  };
  int reps = argc > 1 ? atoi(argv[1]) : 20;
  std::vector<std::vector<double>> t(vs.size()), r(vs.size());
  for (auto &v : vs) v.second();
  for (int i = 0; i < reps; ++i)
    for (size_t k = 0; k < vs.size(); ++k) { t[k].push_back(once(vs[k].second)); r[k].push_back(t[0].back() / t[k].back()); }
  for (size_t k = 0; k < vs.size(); ++k) {
    std::sort(t[k].begin(), t[k].end()); std::sort(r[k].begin(), r[k].end());
    printf("%-8s median %.2f ms  copy/this median %.3f  [%.3f .. %.3f]\n", vs[k].first, t[k][reps/2], r[k][reps/2], r[k][reps/4], r[k][3*reps/4]);
  }
}
