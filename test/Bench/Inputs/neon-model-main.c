/* Input of neon-model.test: the NEON loop of rope-bench's intrinsics model
 * (bench/experiments/RopeModelNEON.h) on two inputs of 4 and 2 heads, f32
 * and bf16, against a double precision rotation of the same inputs: max
 * |got - ref| / max |ref| within the output type's rounding. */
#include "RopeModelNEON.h"

#include "bf16_bits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { T = 7, HQ = 4, HK = 2, D = 64, HALF = D / 2 };

static float xq[T * HQ * D], xk[T * HK * D], yq[T * HQ * D], yk[T * HK * D];
static uint16_t bq[T * HQ * D], bk[T * HK * D], cq[T * HQ * D], ck[T * HK * D];
static double cosd[T][HALF], sind[T][HALF];
static float tables[T * D];


/* The layout RopeModel.h documents: f32 [cos | sin]; bf16 [cos even | cos
 * odd | sin even | sin odd]. */
static void fillTables(int bf16) {
  for (int t = 0; t < T; ++t)
    for (int i = 0; i < HALF; ++i) {
      int j = bf16 ? i / 2 + (i % 2) * (HALF / 2) : i;
      tables[t * D + j] = (float)cosd[t][i];
      tables[t * D + HALF + j] = (float)sind[t][i];
    }
}

/* Error of one input's rotation; `in`/`got` read element e as a double. */
static double error(int heads, double (*in)(int, int), double (*got)(int, int),
                    int which) {
  double err = 0, scale = 0;
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < heads; ++h)
      for (int i = 0; i < HALF; ++i) {
        int row = (t * heads + h) * D;
        double x1 = in(which, row + i), x2 = in(which, row + HALF + i);
        double r1 = x1 * cosd[t][i] - x2 * sind[t][i];
        double r2 = x2 * cosd[t][i] + x1 * sind[t][i];
        err = fmax(err, fmax(fabs(got(which, row + i) - r1),
                             fabs(got(which, row + HALF + i) - r2)));
        scale = fmax(scale, fmax(fabs(r1), fabs(r2)));
      }
  return err / scale;
}
static double inF(int w, int e) { return w ? xk[e] : xq[e]; }
static double gotF(int w, int e) { return w ? yk[e] : yq[e]; }
static double inB(int w, int e) { return bf16Value(w ? bk[e] : bq[e]); }
static double gotB(int w, int e) { return bf16Value(w ? ck[e] : cq[e]); }

int main(void) {
  uint32_t seed = 7;
  for (int e = 0; e < T * HQ * D; ++e) {
    seed = seed * 1664525u + 1013904223u;
    xq[e] = (float)(seed >> 8) / (1 << 24) * 4 - 2;
    bq[e] = bf16Bits(xq[e]);
  }
  for (int e = 0; e < T * HK * D; ++e) {
    seed = seed * 1664525u + 1013904223u;
    xk[e] = (float)(seed >> 8) / (1 << 24) * 4 - 2;
    bk[e] = bf16Bits(xk[e]);
  }
  for (int t = 0; t < T; ++t)
    for (int i = 0; i < HALF; ++i) {
      double a = (100.0 * t + 3) * pow(10000.0, -2.0 * i / D);
      cosd[t][i] = cos(a);
      sind[t][i] = sin(a);
    }
  const int64_t heads[2] = {HQ, HK};
  int failed = 0;

  fillTables(0);
  const void *inf[2] = {xq, xk};
  void *outf[2] = {yq, yk};
  struct rope_model_neon_problem pf = {HALF, 0, 2, heads, inf, outf, tables};
  rope_model_neon_rows(&pf, 0, T);
  double ef = fmax(error(HQ, inF, gotF, 0), error(HK, inF, gotF, 1));
  int okf = ef < 1e-6;
  printf("f32: error %.2e: %s\n", ef, okf ? "PASS" : "FAIL");

  fillTables(1);
  const void *inb[2] = {bq, bk};
  void *outb[2] = {cq, ck};
  struct rope_model_neon_problem pb = {HALF, 1, 2, heads, inb, outb, tables};
  rope_model_neon_rows(&pb, 0, T);
  /* Half an ulp of bf16 (2^-8 relative) plus the f32 arithmetic. */
  double eb = fmax(error(HQ, inB, gotB, 0), error(HK, inB, gotB, 1));
  int okb = eb < 4.2e-3;
  printf("bf16: error %.2e: %s\n", eb, okb ? "PASS" : "FAIL");
  failed = !okf || !okb;
  return failed;
}
