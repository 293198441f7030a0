/* Input of aot.test: calls the ahead-of-time kernel of qk.mlir through the
 * header rope-aot wrote, on real buffers, and checks it against a double
 * precision reference; then makes two run-time checks fail and sees their
 * statuses come back (the process goes on). */
#include "qk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T = 37, HQ = 4, HK = 2, D = 64 };

static float fromBits(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static uint16_t toBits(float f) { /* truncation: any bf16 value will do */
  uint32_t u;
  memcpy(&u, &f, 4);
  return (uint16_t)(u >> 16);
}

static rope_memref_u16_3d tensor3(uint16_t *p, int64_t t, int64_t h) {
  rope_memref_u16_3d m = {p, p, 0, {t, h, D}, {h * D, D, 1}};
  return m;
}

/* max |got - ref| / max |ref| over one tensor. */
static double check(const uint16_t *x, const uint16_t *y, int h,
                    const int64_t *pos) {
  double err = 0, scale = 0;
  for (int t = 0; t < T; ++t)
    for (int j = 0; j < h; ++j)
      for (int i = 0; i < D / 2; ++i) {
        double a = (double)pos[t] * pow(10000.0, -2.0 * i / D);
        const uint16_t *row = x + (t * h + j) * D, *out = y + (t * h + j) * D;
        double x1 = fromBits(row[i]), x2 = fromBits(row[i + D / 2]);
        double r1 = x1 * cos(a) - x2 * sin(a), r2 = x2 * cos(a) + x1 * sin(a);
        err = fmax(err, fmax(fabs(fromBits(out[i]) - r1),
                             fabs(fromBits(out[i + D / 2]) - r2)));
        scale = fmax(scale, fmax(fabs(r1), fabs(r2)));
      }
  return err / scale;
}

int main(void) {
  static uint16_t q[T * HQ * D], k[T * HK * D], qo[T * HQ * D], ko[T * HK * D];
  static int64_t pos[T];
  srand(1);
  for (int i = 0; i < T * HQ * D; ++i)
    q[i] = toBits((float)rand() / RAND_MAX * 2 - 1);
  for (int i = 0; i < T * HK * D; ++i)
    k[i] = toBits((float)rand() / RAND_MAX * 2 - 1);
  for (int t = 0; t < T; ++t)
    pos[t] = rand() % 100000;
  rope_memref_u16_3d mq = tensor3(q, T, HQ), mk = tensor3(k, T, HK);
  rope_memref_u16_3d mqo = tensor3(qo, T, HQ), mko = tensor3(ko, T, HK);
  rope_memref_i64_1d mp = {pos, pos, 0, {T}, {1}};

  int32_t status = _mlir_ciface_qk(&mq, &mk, &mp, &mqo, &mko);
  double eq = check(q, qo, HQ, pos), ek = check(k, ko, HK, pos);
  /* bf16 results: one bf16 rounding (2^-8 relative) of the largest value. */
  int ok = status == QK_OK && eq <= 0x1p-7 && ek <= 0x1p-7;
  printf("run: status %d, q err %.3g, k err %.3g: %s\n", status, eq, ek,
         ok ? "PASS" : "FAIL");

  /* A q output buffer one token short. */
  rope_memref_u16_3d shortOut = tensor3(qo, T - 1, HQ);
  status = _mlir_ciface_qk(&mq, &mk, &mp, &shortOut, &mko);
  printf("short output: status %d: %s\n", status, qk_status_message(status));

  /* Descriptors that disagree with what the function type fixes: each gets
   * its status, and nothing is written. */
  memset(qo, 0x7f, sizeof(qo));
  rope_memref_u16_3d threeHeads = tensor3(qo, T, 3); /* [T, 3, 64] for 4 heads */
  status = _mlir_ciface_qk(&mq, &mk, &mp, &threeHeads, &mko);
  printf("3-head output: status %d: %s\n", status, qk_status_message(status));
  rope_memref_u16_3d shifted = mq;
  shifted.offset = 64;
  status = _mlir_ciface_qk(&shifted, &mk, &mp, &mqo, &mko);
  printf("offset 64: status %d: %s\n", status, qk_status_message(status));
  rope_memref_u16_3d strided = mq;
  strided.strides[0] = 2 * HQ * D; /* every other token of a larger buffer */
  status = _mlir_ciface_qk(&strided, &mk, &mp, &mqo, &mko);
  printf("strided input: status %d: %s\n", status, qk_status_message(status));
  int untouched = 1;
  for (int i = 0; i < T * HQ * D; ++i)
    untouched &= qo[i] == 0x7f7f;
  printf("output after refused calls: %s\n", untouched ? "untouched" : "WRITTEN");
  /* A size-1 dimension may have any stride (as PyTorch gives them). */
  rope_memref_i64_1d one = {pos, pos, 0, {1}, {7}};
  rope_memref_u16_3d q1 = tensor3(q, 1, HQ), k1 = tensor3(k, 1, HK);
  rope_memref_u16_3d qo1 = tensor3(qo, 1, HQ), ko1 = tensor3(ko, 1, HK);
  status = _mlir_ciface_qk(&q1, &k1, &one, &qo1, &ko1);
  printf("one token, stride 7: status %d\n", status);

  /* A position the angles do not cover. */
  pos[3] = (int64_t)1 << 40;
  status = _mlir_ciface_qk(&mq, &mk, &mp, &mqo, &mko);
  printf("position 2^40: status %d: %s\n", status, qk_status_message(status));
  return ok ? 0 : 1;
}
