/* Input of kv-cache.test: the caches are updated in their own buffers
 * (rows [off, off + 4) written, the others kept), q written into its
 * output, and the inputs q, k and v left as they were. */
#include "kv-cache.h"

#include <math.h>
#include <stdio.h>

static void rotate(const float *x, int64_t p, float *y) {
  for (int i = 0; i < 4; ++i) {
    double a = (double)p * pow(10000.0, -2.0 * i / 8.0);
    y[i] = (float)(x[i] * cos(a) - x[i + 4] * sin(a));
    y[i + 4] = (float)(x[i + 4] * cos(a) + x[i] * sin(a));
  }
}

int main(void) {
  float q[4 * 2 * 8], k[4 * 8], v[4 * 8], kc[16 * 8], vc[16 * 8], qo[4 * 2 * 8];
  int64_t pos[4];
  const int64_t off = 5;
  for (int i = 0; i < 64; ++i)
    q[i] = 0.1f * (float)i - 2.0f;
  for (int i = 0; i < 32; ++i) {
    k[i] = 0.05f * (float)i + 1.0f;
    v[i] = -0.5f * (float)i;
  }
  for (int i = 0; i < 128; ++i)
    kc[i] = vc[i] = 1000.0f + (float)i;
  for (int t = 0; t < 4; ++t)
    pos[t] = off + t;
  rope_memref_f32_3d mq = {q, q, 0, {4, 2, 8}, {16, 8, 1}};
  rope_memref_f32_3d mk = {k, k, 0, {4, 1, 8}, {8, 8, 1}};
  rope_memref_f32_3d mv = {v, v, 0, {4, 1, 8}, {8, 8, 1}};
  rope_memref_f32_3d mkc = {kc, kc, 0, {16, 1, 8}, {8, 8, 1}};
  rope_memref_f32_3d mvc = {vc, vc, 0, {16, 1, 8}, {8, 8, 1}};
  rope_memref_i64_1d mp = {pos, pos, 0, {4}, {1}};
  rope_memref_f32_3d mo = {qo, qo, 0, {4, 2, 8}, {16, 8, 1}};
  int32_t status = _mlir_ciface_kv(&mq, &mk, &mv, &mkc, &mvc, &mp, off, &mo);
  int kept = 1, kRows = 1, vRows = 1, qOut = 1, inputs = 1;
  for (int r = 0; r < 16; ++r) {
    int written = r >= off && r < off + 4;
    float want[8];
    if (written)
      rotate(&k[(r - off) * 8], pos[r - off], want);
    for (int d = 0; d < 8; ++d) {
      if (!written) {
        kept &= kc[r * 8 + d] == 1000.0f + (float)(r * 8 + d);
        kept &= vc[r * 8 + d] == 1000.0f + (float)(r * 8 + d);
      } else {
        kRows &= fabsf(kc[r * 8 + d] - want[d]) < 1e-5f;
        vRows &= vc[r * 8 + d] == v[(r - off) * 8 + d];
      }
    }
  }
  for (int t = 0; t < 4; ++t)
    for (int h = 0; h < 2; ++h) {
      float want[8];
      rotate(&q[(t * 2 + h) * 8], pos[t], want);
      for (int d = 0; d < 8; ++d)
        qOut &= fabsf(qo[(t * 2 + h) * 8 + d] - want[d]) < 1e-5f;
    }
  for (int i = 0; i < 64; ++i)
    inputs &= q[i] == 0.1f * (float)i - 2.0f;
  for (int i = 0; i < 32; ++i)
    inputs &= k[i] == 0.05f * (float)i + 1.0f && v[i] == -0.5f * (float)i;
  printf("status %d, rows kept %d, k rows %d, v rows %d, q %d, inputs %d: %s\n",
         status, kept, kRows, vRows, qOut, inputs,
         status == 0 && kept && kRows && vRows && qOut && inputs ? "PASS"
                                                                  : "FAIL");
  return 0;
}
