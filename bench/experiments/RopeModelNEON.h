/*===- RopeModelNEON.h - NEON model of the RoPE loop (C) ------------------===*
 *
 * The AArch64 loop of bench/experiments/RopeModel.cpp, in C so that the cross
 * C compiler of the test suite builds it too (test/Bench/neon-model.test runs
 * it under qemu-aarch64 against a double precision reference; timings need an
 * AArch64 host). Per token and per 4 pairs the table vectors are loaded once
 * and every head of every input is rotated with them. bf16: a 32-bit word
 * holds an even and an odd element; the even one is widened with a shift, the
 * odd one with a mask, and after the exact round-to-nearest-even (no NaN
 * fix-up: inputs are finite) one SRI (shift right and insert) merges the two
 * rounded words back into a pair.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ROPE_BENCH_EXPERIMENTS_ROPEMODELNEON_H
#define ROPE_BENCH_EXPERIMENTS_ROPEMODELNEON_H

#include <arm_neon.h>
#include <stdint.h>

/* Inputs [tokens, heads[k], 2 * half], half pairing; `tables` per token
 * 2 * half floats: f32 [cos | sin], bf16 [cos even | cos odd | sin even |
 * sin odd] (RopeModel.h). half: a multiple of 4 (f32), 8 (bf16). */
struct rope_model_neon_problem {
  int64_t half;
  int bf16;
  int64_t num_inputs;
  const int64_t *heads;
  const void *const *in;
  void *const *out;
  const float *tables;
};

static inline uint32x4_t rope_model_neon_rne(float32x4_t v) {
  uint32x4_t b = vreinterpretq_u32_f32(v);
  uint32x4_t lsb = vandq_u32(vshrq_n_u32(b, 16), vdupq_n_u32(1));
  return vaddq_u32(b, vaddq_u32(lsb, vdupq_n_u32(0x7fff)));
}

static inline void rope_model_neon_rows(const struct rope_model_neon_problem *p,
                                        int64_t t0, int64_t t1) {
  const int64_t half = p->half, d = 2 * half;
  const uint32x4_t hi = vdupq_n_u32(0xffff0000u);
  for (int64_t t = t0; t < t1; ++t) {
    const float *tab = p->tables + t * d;
    if (p->bf16) {
      for (int64_t i = 0; i < half; i += 8) {
        const float32x4_t ce = vld1q_f32(tab + i / 2);
        const float32x4_t co = vld1q_f32(tab + half / 2 + i / 2);
        const float32x4_t se = vld1q_f32(tab + half + i / 2);
        const float32x4_t so = vld1q_f32(tab + 3 * half / 2 + i / 2);
        for (int64_t k = 0; k < p->num_inputs; ++k) {
          const uint16_t *x = (const uint16_t *)p->in[k] + t * p->heads[k] * d;
          uint16_t *y = (uint16_t *)p->out[k] + t * p->heads[k] * d;
          for (int64_t h = 0; h < p->heads[k]; ++h, x += d, y += d) {
            uint32x4_t w1 = vld1q_u32((const uint32_t *)(x + i));
            uint32x4_t w2 = vld1q_u32((const uint32_t *)(x + half + i));
            float32x4_t ae = vreinterpretq_f32_u32(vshlq_n_u32(w1, 16));
            float32x4_t ao = vreinterpretq_f32_u32(vandq_u32(w1, hi));
            float32x4_t be = vreinterpretq_f32_u32(vshlq_n_u32(w2, 16));
            float32x4_t bo = vreinterpretq_f32_u32(vandq_u32(w2, hi));
            uint32x4_t y1e = rope_model_neon_rne(vfmsq_f32(vmulq_f32(ae, ce), be, se));
            uint32x4_t y1o = rope_model_neon_rne(vfmsq_f32(vmulq_f32(ao, co), bo, so));
            uint32x4_t y2e = rope_model_neon_rne(vfmaq_f32(vmulq_f32(be, ce), ae, se));
            uint32x4_t y2o = rope_model_neon_rne(vfmaq_f32(vmulq_f32(bo, co), ao, so));
            vst1q_u32((uint32_t *)(y + i), vsriq_n_u32(y1o, y1e, 16));
            vst1q_u32((uint32_t *)(y + half + i), vsriq_n_u32(y2o, y2e, 16));
          }
        }
      }
      continue;
    }
    for (int64_t i = 0; i < half; i += 4) {
      const float32x4_t c = vld1q_f32(tab + i), s = vld1q_f32(tab + half + i);
      for (int64_t k = 0; k < p->num_inputs; ++k) {
        const float *x = (const float *)p->in[k] + t * p->heads[k] * d;
        float *y = (float *)p->out[k] + t * p->heads[k] * d;
        for (int64_t h = 0; h < p->heads[k]; ++h, x += d, y += d) {
          float32x4_t x1 = vld1q_f32(x + i), x2 = vld1q_f32(x + half + i);
          vst1q_f32(y + i, vfmsq_f32(vmulq_f32(x1, c), x2, s));
          vst1q_f32(y + half + i, vfmaq_f32(vmulq_f32(x2, c), x1, s));
        }
      }
    }
  }
}

#endif /* ROPE_BENCH_EXPERIMENTS_ROPEMODELNEON_H */
