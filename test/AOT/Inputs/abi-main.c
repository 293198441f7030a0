/* Input of abi.test: calls the kernels of abi.mlir as the header declares
 * them. 16-bit float scalars are passed as their bits; the kernel named
 * puts does not replace the C library's; a descriptor whose size differs
 * from the static shape gets a status and nothing is written. */
#include "abi.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static uint16_t bf16Bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return (uint16_t)(u >> 16);
}

int main(void) {
  float x[4] = {1, 2, 3, 4}, y[4] = {0};
  rope_memref_f32_1d mx = {x, x, 0, {4}, {1}}, my = {y, y, 0, {4}, {1}};
  /* f16 0.5 is 0x3800, bf16 2.0 is 0x4000. */
  int32_t status = _mlir_ciface_scale(&mx, bf16Bits(2.0f), 0x3800, 3.0f, &my);
  int ok = status == 0;
  for (int i = 0; i < 4; ++i)
    ok &= fabs(y[i] - (x[i] * 2.0 + 0.5 * 3.0)) < 1e-6;
  printf("scalars: status %d, y = %g %g %g %g: %s\n", status, y[0], y[1],
         y[2], y[3], ok ? "PASS" : "FAIL");

  float small[3] = {7, 7, 7};
  rope_memref_f32_1d three = {small, small, 0, {3}, {1}};
  status = _mlir_ciface_scale(&mx, bf16Bits(2.0f), 0x3800, 3.0f, &three);
  printf("3 elements for tensor<4xf32>: status %d: %s; buffer %g %g %g\n",
         status, scale_status_message(status), small[0], small[1], small[2]);

  puts("libc puts still prints");
  float q[2 * 8], qo[2 * 8];
  int64_t pos[1] = {3};
  for (int i = 0; i < 16; ++i)
    q[i] = (float)i;
  rope_memref_f32_3d mq = {q, q, 0, {1, 2, 8}, {16, 8, 1}};
  rope_memref_f32_3d mo = {qo, qo, 0, {1, 2, 8}, {16, 8, 1}};
  rope_memref_i64_1d mp = {pos, pos, 0, {1}, {1}};
  status = _mlir_ciface_puts(&mq, &mp, &mo);
  /* First pair of head 0: frequency 1, angle 3. */
  double r0 = q[0] * cos(3.0) - q[4] * sin(3.0);
  printf("kernel puts: status %d, %s\n", status,
         fabs(qo[0] - r0) < 1e-5 ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
