/* bf16 bits of a float and back, for the C drivers of the tests (the cross
 * C compiler builds them too): round to nearest even, finite inputs. */
#ifndef ROPE_TEST_LIB_BF16_BITS_H
#define ROPE_TEST_LIB_BF16_BITS_H

#include <stdint.h>
#include <string.h>

static inline uint16_t bf16Bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  u += 0x7fff + ((u >> 16) & 1);
  return (uint16_t)(u >> 16);
}
static inline float bf16Value(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

#endif /* ROPE_TEST_LIB_BF16_BITS_H */
