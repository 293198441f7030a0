/* Calls the ahead-of-time Llama-3.1-8B q/k kernel (rope_add_kernel) on a
 * few tokens. Checks what a rotation must do without a second
 * implementation: position 0 leaves a vector unchanged, every position keeps
 * each pair's length (to bf16 precision); prints PASS or FAIL. */
#include "llama_rope.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T = 3, HQ = 32, HK = 8, D = 128 };

static float f32(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

int main(void) {
  static uint16_t q[T * HQ * D], k[T * HK * D], qo[T * HQ * D], ko[T * HK * D];
  int64_t pos[T] = {0, 17, 100000};
  for (int i = 0; i < T * HQ * D; ++i)
    q[i] = (uint16_t)(0x3f00 + rand() % 0x100); /* bf16 in [0.5, 1) */
  for (int i = 0; i < T * HK * D; ++i)
    k[i] = (uint16_t)(0xbf00 + rand() % 0x100);
  rope_memref_u16_3d mq = {q, q, 0, {T, HQ, D}, {HQ * D, D, 1}};
  rope_memref_u16_3d mk = {k, k, 0, {T, HK, D}, {HK * D, D, 1}};
  rope_memref_u16_3d mqo = {qo, qo, 0, {T, HQ, D}, {HQ * D, D, 1}};
  rope_memref_u16_3d mko = {ko, ko, 0, {T, HK, D}, {HK * D, D, 1}};
  rope_memref_i64_1d mp = {pos, pos, 0, {T}, {1}};
  int32_t status = _mlir_ciface_llama31_8b_qk(&mq, &mk, &mp, &mqo, &mko);
  if (status) {
    printf("FAIL: status %d: %s\n", status,
           llama31_8b_qk_status_message(status));
    return 1;
  }
  int same = memcmp(q, qo, HQ * D * 2) == 0; /* token 0: position 0 */
  double worst = 0;
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < HQ; ++h)
      for (int i = 0; i < D / 2; ++i) {
        const uint16_t *x = q + (t * HQ + h) * D, *y = qo + (t * HQ + h) * D;
        double nx = hypot(f32(x[i]), f32(x[i + D / 2]));
        double ny = hypot(f32(y[i]), f32(y[i + D / 2]));
        worst = fmax(worst, fabs(ny - nx) / nx);
      }
  int ok = same && worst < 0x1p-7;
  printf("%s: position 0 unchanged %d, pair length kept to %.3g\n",
         ok ? "PASS" : "FAIL", same, worst);
  return ok ? 0 : 1;
}
