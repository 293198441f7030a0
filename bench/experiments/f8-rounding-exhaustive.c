// Exhaustive check of the fp8 rounding formula of lib/Utils/F8.cpp
// (roundToF8: |x| plus an exponent-clamped magic, one f32 addition) against
// the bit-by-bit rounding it replaced (mantissa rounded at its bit, the
// subnormal range by a 2^23 addition), for all 2^32 f32 inputs of
// f8E4M3FN and f8E5M2. Both are C transcriptions of the arith ops the
// pattern emits; the compiled ops are checked bit-exactly against numpy's
// table of every fp8 value, the midpoints and their neighbours, overflow,
// infinities and NaN by test/Integration/CPU/fp8.test.
//
//   cc -O2 f8-rounding-exhaustive.c -lm && ./a.out   (about 2 minutes)
//
// 2026-12-07, AMD EPYC (znver4): 0 mismatches for both formats.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
static float f(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
static uint32_t u(float x) { uint32_t v; memcpy(&v, &x, 4); return v; }
static uint32_t oldF8(uint32_t bits, int mb, int bias, int hasInf) {
  int shift = 23 - mb;
  int maxFinite = hasInf ? 0x7b : 0x7e, nanCode = hasInf ? 0x7e : 0x7f;
  uint32_t sign = (bits >> 24) & 0x80, abs = bits & 0x7fffffff;
  uint32_t lsb = (abs >> shift) & 1;
  uint32_t rounded = abs + ((1u << (shift - 1)) - 1) + lsb;
  uint32_t normal = (rounded >> shift) - ((127 - bias) << mb);
  float units = f(abs) * ldexpf(1.0f, bias - 1 + mb);
  uint32_t sub = u(units + 0x1p23f) - 0x4b000000u;
  int isSub = abs < (uint32_t)((127 + 1 - bias) << 23);
  uint32_t code = isSub ? sub : normal;
  if ((int32_t)code > maxFinite) code = hasInf ? 0x7c : nanCode;
  if (abs > 0x7f800000u) code = nanCode;
  return code | sign;
}
static uint32_t newF8(uint32_t bits, int mb, int bias, int hasInf) {
  int maxFinite = hasInf ? 0x7b : 0x7e, nanCode = hasInf ? 0x7e : 0x7f;
  uint32_t emin = (uint32_t)(127 + 1 - bias) << 23;
  uint32_t abs = bits & 0x7fffffff;
  uint32_t e = abs & 0x7f800000u;
  uint32_t ec = e > emin ? e : emin;
  uint32_t M = ec + ((uint32_t)(23 - mb) << 23);
  uint32_t s = u(f(abs) + f(M));
  uint32_t code = s - M + ((ec - emin) >> (23 - mb));
  if (code > (uint32_t)maxFinite) code = hasInf ? 0x7c : nanCode;
  if (hasInf && abs > 0x7f800000u) code = nanCode;
  return code | ((bits >> 24) & 0x80);
}
int main(void) {
  for (int fmt = 0; fmt < 2; ++fmt) {
    int mb = fmt ? 2 : 3, bias = fmt ? 15 : 7, inf = fmt;
    uint64_t bad = 0;
    for (uint64_t i = 0; i < (1ull << 32); ++i) {
      uint32_t b = (uint32_t)i;
      uint32_t o = oldF8(b, mb, bias, inf), n = newF8(b, mb, bias, inf);
      if (o != n && bad++ < 5) printf("fmt %d bits %08x old %02x new %02x\n", fmt, b, o, n);
    }
    printf("fmt %s: %llu mismatches\n", fmt ? "E5M2" : "E4M3FN", (unsigned long long)bad);
  }
}
