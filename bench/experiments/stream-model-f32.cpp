// stream-model-f32.cpp - C++ model of the THD f32 walk (not built).
// THD f32: 4096 tokens x 32 heads x 128 f32 (16 KiB per token = 4 pages).
// seq: row order; linesP: P pages, per step the loads of one vector of each
// half of every page's head, then the stores (rope-page-walk
// interleave-segments). clang++-22 -O3 -march=native -fopenmp; ./a.out 21
// (-DOUT_OFFSET=2048: outputs off their inputs' page offset).
#include <immintrin.h>
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>
#ifndef OUT_OFFSET
#define OUT_OFFSET 0
#endif
static const size_t kTokens = 4096, kTile = 16, kTok = 16384;
struct Buffer { char *p; size_t n;
  explicit Buffer(size_t n, size_t off = 0) : n(n) {
    p = static_cast<char *>(aligned_alloc(4096, n + 4096)) + off; memset(p, 0x3f, n); } };
static Buffer in_(kTokens * kTok), out_(kTokens * kTok, OUT_OFFSET);
alignas(64) static float table[kTile][2][64];

// seq: token by token, head by head; loads of next head before stores of this one.
template <bool PF> static void seq() {
#pragma omp parallel for schedule(static)
  for (size_t tile = 0; tile < kTokens / kTile; ++tile) {
    for (size_t t = 0; t < kTile; ++t) {
      __m512 c[4], s[4];
      for (int j = 0; j < 4; ++j) { c[j] = _mm512_load_ps(table[t][0] + 16*j); s[j] = _mm512_load_ps(table[t][1] + 16*j); }
      const char *in = in_.p + (tile * kTile + t) * kTok; char *out = out_.p + (tile * kTile + t) * kTok;
      __m512 a[8];
      for (int l = 0; l < 8; ++l) a[l] = _mm512_load_ps(in + 64 * l);
      for (size_t h = 0; h < 32; ++h) {
        __m512 n[8];
        if (h + 1 < 32) for (int l = 0; l < 8; ++l) n[l] = _mm512_load_ps(in + 512 * (h + 1) + 64 * l);
        if (PF) for (int l = 0; l < 8; ++l) _mm_prefetch(in + std::min(512 * h + 4096 + 64 * l, in_.n - 64 - (in - in_.p)), _MM_HINT_T0);
        for (int j = 0; j < 4; ++j) {
          __m512 y1 = _mm512_fmsub_ps(a[j], c[j], _mm512_mul_ps(a[j+4], s[j]));
          __m512 y2 = _mm512_fmadd_ps(a[j+4], c[j], _mm512_mul_ps(a[j], s[j]));
          _mm512_stream_ps((float *)(out + 512 * h + 64 * j), y1);
          _mm512_stream_ps((float *)(out + 512 * h + 256 + 64 * j), y2);
        }
        for (int l = 0; l < 8; ++l) a[l] = n[l];
      }
    }
  }
}

// lines<P>: P pages (P/4 tokens) at once; per step, one chunk j of one head
// slot: loads of lines (j, j+4) of all P pages, then all stores.
template <int P, bool PF> static void lines() {
#pragma omp parallel for schedule(static)
  for (size_t tile = 0; tile < kTokens / kTile; ++tile) {
    for (size_t t0 = 0; t0 < kTile; t0 += P / 4) {
      const char *in = in_.p + (tile * kTile + t0) * kTok; char *out = out_.p + (tile * kTile + t0) * kTok;
      for (size_t h = 0; h < 8; ++h)
        for (int j = 0; j < 4; ++j) {
          __m512 c[P / 4], s[P / 4];
          for (int u = 0; u < P / 4; ++u) { c[u] = _mm512_load_ps(table[t0 + u][0] + 16*j); s[u] = _mm512_load_ps(table[t0 + u][1] + 16*j); }
          __m512 a[P], b[P];
          size_t o = 512 * h + 64 * j;
          for (int p = 0; p < P; ++p) { a[p] = _mm512_load_ps(in + 4096 * p + o); b[p] = _mm512_load_ps(in + 4096 * p + o + 256); }
          if (PF && j == 0) for (int p = 0; p < P; ++p) for (int l = 0; l < 8; ++l)
            _mm_prefetch(in + std::min(4096 * (p + P) + 512 * h + 64 * l, in_.n - 64 - (in - in_.p)), _MM_HINT_T0);
          for (int p = 0; p < P; ++p) {
            __m512 y1 = _mm512_fmsub_ps(a[p], c[p/4], _mm512_mul_ps(b[p], s[p/4]));
            __m512 y2 = _mm512_fmadd_ps(b[p], c[p/4], _mm512_mul_ps(a[p], s[p/4]));
            a[p] = y1; b[p] = y2;
          }
          for (int p = 0; p < P; ++p) { _mm512_stream_ps((float *)(out + 4096 * p + o), a[p]); _mm512_stream_ps((float *)(out + 4096 * p + o + 256), b[p]); }
        }
    }
  }
}

static void copy() {
#pragma omp parallel
  { size_t chunk = in_.n / omp_get_num_threads(); size_t at = chunk * omp_get_thread_num();
    memcpy(out_.p + at, in_.p + at, chunk); }
}
static void copyloop() {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < in_.n; i += 64) _mm512_stream_ps((float *)(out_.p + i), _mm512_load_ps(in_.p + i));
}
static double millis(const std::function<void()> &f) {
  auto s = std::chrono::steady_clock::now(); f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count() * 1e3; }
int main(int argc, char **argv) {
  for (size_t t = 0; t < kTile; ++t) for (int i = 0; i < 64; ++i) { table[t][0][i] = 1.0f - 1e-3f * (t + i); table[t][1][i] = 1e-3f * (t + i); }
  std::vector<std::pair<const char *, std::function<void()>>> v = {
    {"copyloop", copyloop}, {"seq", seq<false>}, {"seq pf", seq<true>},
    {"lines4", lines<4, false>}, {"lines4 pf", lines<4, true>},
    {"lines8", lines<8, false>}, {"lines8 pf", lines<8, true>}};
  int rounds = argc > 1 ? atoi(argv[1]) : 15;
  std::vector<std::vector<double>> r(v.size());
  copy(); for (auto &x : v) x.second();
  for (int i = 0; i < rounds; ++i) for (size_t k = 0; k < v.size(); ++k) { double c = millis(copy); r[k].push_back(c / millis(v[k].second)); }
  for (size_t k = 0; k < v.size(); ++k) { auto &q = r[k]; std::sort(q.begin(), q.end());
    printf("%-10s copy/variant median %.3f  quartiles %.3f .. %.3f\n", v[k].first, q[rounds/2], q[rounds/4], q[3*rounds/4]); }
}
