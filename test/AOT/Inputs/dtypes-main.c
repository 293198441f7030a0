/* Input of aarch64.test: calls the f32, f16 and bf16 kernels of dtypes.mlir
 * through the header rope-aot wrote, on the same data, and checks each
 * against a double precision reference: max |got - ref| / max |ref| within
 * the storage type's rounding (half an ulp of the output and of the input
 * already rounded to that type, plus the f32 arithmetic). */
#include "dtypes.h"

#include "bf16_bits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { T = 37, H = 4, D = 64, N = T * H * D };

static uint16_t f16Bits(float f) {
  _Float16 h = (_Float16)f;
  uint16_t b;
  memcpy(&b, &h, 2);
  return b;
}
static float f16Value(uint16_t b) {
  _Float16 h;
  memcpy(&h, &b, 2);
  return (float)h;
}

static float xs[N], ys[N];
static uint16_t xb[N], yb[N];
static double xd[N];
static int64_t pos[T];

/* Relative max error of `got` against the rotation of `xd` (the input as
 * the kernel saw it). */
static double error(const float *got) {
  double err = 0, scale = 0;
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < D / 2; ++i) {
        double a = (double)pos[t] * pow(10000.0, -2.0 * i / D);
        int r = (t * H + h) * D;
        double x1 = xd[r + i], x2 = xd[r + i + D / 2];
        double y1 = x1 * cos(a) - x2 * sin(a), y2 = x2 * cos(a) + x1 * sin(a);
        err = fmax(err, fmax(fabs(got[r + i] - y1), fabs(got[r + i + D / 2] - y2)));
        scale = fmax(scale, fmax(fabs(y1), fabs(y2)));
      }
  return err / scale;
}

static int report(const char *name, int32_t status, double err, double bound) {
  int ok = status == 0 && err <= bound;
  printf("%s: status %d, err %.3g (bound %.3g): %s\n", name, status, err, bound,
         ok ? "PASS" : "FAIL");
  return ok;
}

int main(void) {
  uint32_t seed = 12345;
  for (int i = 0; i < N; ++i) {
    seed = seed * 1664525u + 1013904223u;
    xs[i] = (float)((seed >> 8) * (1.0 / 16777216.0) * 4.0 - 2.0);
  }
  for (int t = 0; t < T; ++t)
    pos[t] = 1000 * t + 7;
  rope_memref_i64_1d p = {pos, pos, 0, {T}, {1}};
  int ok = 1;

  rope_memref_f32_3d xf = {xs, xs, 0, {T, H, D}, {H * D, D, 1}};
  rope_memref_f32_3d yf = {ys, ys, 0, {T, H, D}, {H * D, D, 1}};
  for (int i = 0; i < N; ++i)
    xd[i] = xs[i];
  int32_t s = _mlir_ciface_rot_f32(&xf, &p, &yf);
  ok &= report("f32", s, error(ys), 1e-6);

  rope_memref_u16_3d x16 = {xb, xb, 0, {T, H, D}, {H * D, D, 1}};
  rope_memref_u16_3d y16 = {yb, yb, 0, {T, H, D}, {H * D, D, 1}};
  for (int i = 0; i < N; ++i) {
    xb[i] = f16Bits(xs[i]);
    xd[i] = f16Value(xb[i]);
  }
  s = _mlir_ciface_rot_f16(&x16, &p, &y16);
  for (int i = 0; i < N; ++i)
    ys[i] = f16Value(yb[i]);
  ok &= report("f16", s, error(ys), 1e-3);

  for (int i = 0; i < N; ++i) {
    xb[i] = bf16Bits(xs[i]);
    xd[i] = bf16Value(xb[i]);
  }
  s = _mlir_ciface_rot_bf16(&x16, &p, &y16);
  for (int i = 0; i < N; ++i)
    ys[i] = bf16Value(yb[i]);
  ok &= report("bf16", s, error(ys), 8e-3);
  return ok ? 0 : 1;
}
