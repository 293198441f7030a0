/* Input of random-descriptors.test: calls the qk kernel (qk.mlir) with
 * random descriptors, under AddressSanitizer. Each buffer is allocated with
 * exactly the elements its own descriptor spans, so a kernel that trusted a
 * size, stride or offset it should have checked reads or writes outside an
 * allocation and ASan stops the program. An independent oracle says which
 * calls the ABI (docs/aot.md) accepts: those must return 0 and the rotation
 * (checked against double precision), the others a status with the outputs
 * untouched. */
#include "qk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { D = 64, CALLS = 1500 };
static const int64_t kHeads[2] = {4, 2};

static float fromBits(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

typedef struct {
  int rank;
  int64_t offset, sizes[3], strides[3];
} Desc;

/* Elements from the base pointer the descriptor reaches. */
static int64_t span(const Desc *d) {
  int64_t last = d->offset;
  for (int i = 0; i < d->rank; ++i) {
    if (d->sizes[i] == 0)
      return 0;
    last += (d->sizes[i] - 1) * d->strides[i];
  }
  return last + 1;
}

/* The ABI's rule for one descriptor: declared static sizes, offset 0,
 * contiguous strides (any stride for a size-1 dimension; none matter for an
 * empty buffer). */
static int wellFormed(const Desc *d, const int64_t *staticSizes) {
  if (d->offset != 0)
    return 0;
  int empty = 0;
  for (int i = 0; i < d->rank; ++i) {
    if (staticSizes[i] >= 0 && d->sizes[i] != staticSizes[i])
      return 0;
    empty |= d->sizes[i] == 0;
  }
  if (empty)
    return 1;
  int64_t expected = 1;
  for (int i = d->rank - 1; i >= 0; --i) {
    if (d->sizes[i] != 1 && d->strides[i] != expected)
      return 0;
    expected *= d->sizes[i];
  }
  return 1;
}

static void contiguous(Desc *d, int rank, const int64_t *sizes) {
  d->rank = rank;
  d->offset = 0;
  int64_t s = 1;
  for (int i = rank - 1; i >= 0; --i) {
    d->sizes[i] = sizes[i];
    d->strides[i] = s;
    s *= sizes[i];
  }
}

static void mutate(Desc *d) {
  int field = rand() % 3, dim = rand() % d->rank;
  if (field == 0)
    d->sizes[dim] = d->sizes[dim] + (rand() % 2 ? 1 : -1) * (1 + rand() % 2);
  else if (field == 1)
    d->strides[dim] = d->strides[dim] + (rand() % 2 ? 1 : -1) * (1 + rand() % 64);
  else
    d->offset = 1 + rand() % 64;
  if (d->sizes[dim] < 0)
    d->sizes[dim] = 0;
  if (d->strides[dim] < 0)
    d->strides[dim] = 0;
}

int main(void) {
  srand(7);
  int accepted = 0, refused = 0;
  for (int call = 0; call < CALLS; ++call) {
    int64_t t = rand() % 7;
    Desc desc[5];
    for (int k = 0; k < 2; ++k) {
      int64_t sizes[3] = {t, kHeads[k], D};
      contiguous(&desc[k], 3, sizes);
      contiguous(&desc[3 + k], 3, sizes);
    }
    int64_t posSizes[1] = {t};
    contiguous(&desc[2], 1, posSizes);
    int mutations = rand() % 3 == 0 ? 1 + rand() % 2 : 0;
    for (int m = 0; m < mutations; ++m)
      mutate(&desc[rand() % 5]);

    /* The oracle: each descriptor well formed, token counts equal. */
    int valid = 1;
    for (int a = 0; a < 5; ++a) {
      int64_t heads = (a == 0 || a == 3) ? kHeads[0] : kHeads[1];
      int64_t staticSizes[3] = {-1, heads, D};
      valid &= wellFormed(&desc[a], staticSizes);
      valid &= desc[a].sizes[0] == desc[0].sizes[0];
    }

    void *buf[5];
    rope_memref_u16_3d m3[4];
    rope_memref_i64_1d mp;
    for (int a = 0; a < 5; ++a) {
      int64_t n = span(&desc[a]);
      size_t bytes = (size_t)(n > 0 ? n : 1) * (a == 2 ? 8 : 2);
      buf[a] = malloc(bytes);
      if (a == 2)
        for (int64_t i = 0; i < n; ++i)
          ((int64_t *)buf[a])[i] = rand() % 1000;
      else if (a < 2)
        for (int64_t i = 0; i < n; ++i)
          ((uint16_t *)buf[a])[i] = (uint16_t)(0x3c00 + rand() % 0x300) |
                                    (rand() % 2 ? 0x8000 : 0);
      else
        memset(buf[a], 0x7f, bytes);
    }
    for (int a = 0, j = 0; a < 5; ++a) {
      if (a == 2) {
        mp.allocated = mp.aligned = buf[2];
        mp.offset = desc[2].offset;
        mp.sizes[0] = desc[2].sizes[0];
        mp.strides[0] = desc[2].strides[0];
        continue;
      }
      rope_memref_u16_3d *m = &m3[j++];
      m->allocated = m->aligned = buf[a];
      m->offset = desc[a].offset;
      memcpy(m->sizes, desc[a].sizes, sizeof(m->sizes));
      memcpy(m->strides, desc[a].strides, sizeof(m->strides));
    }
    int32_t status = _mlir_ciface_qk(&m3[0], &m3[1], &mp, &m3[2], &m3[3]);

    int ok = 1;
    if (valid) {
      ok = status == QK_OK;
      for (int k = 0; k < 2 && ok; ++k) {
        const uint16_t *x = buf[k], *y = buf[3 + k];
        const int64_t *pos = buf[2];
        for (int64_t r = 0; r < t * kHeads[k]; ++r)
          for (int i = 0; i < D / 2; ++i) {
            double a = (double)pos[r / kHeads[k]] * pow(10000.0, -2.0 * i / D);
            double x1 = fromBits(x[r * D + i]), x2 = fromBits(x[r * D + i + D / 2]);
            double r1 = x1 * cos(a) - x2 * sin(a), r2 = x2 * cos(a) + x1 * sin(a);
            /* one bf16 rounding of values below 2 */
            ok &= fabs(fromBits(y[r * D + i]) - r1) <= 0x1p-7 &&
                  fabs(fromBits(y[r * D + i + D / 2]) - r2) <= 0x1p-7;
          }
      }
      accepted += ok;
    } else {
      ok = status != QK_OK;
      for (int a = 3; a < 5; ++a) {
        int64_t n = span(&desc[a]);
        for (int64_t i = 0; i < n; ++i)
          ok &= ((uint16_t *)buf[a])[i] == 0x7f7f;
      }
      refused += ok;
    }
    if (!ok) {
      printf("FAIL call %d: t=%lld, oracle %s, status %d (%s)\n", call,
             (long long)t, valid ? "valid" : "invalid", status,
             qk_status_message(status));
      for (int a = 0; a < 5; ++a)
        printf("  arg %d: offset %lld sizes %lld %lld %lld strides %lld %lld %lld\n",
               a, (long long)desc[a].offset, (long long)desc[a].sizes[0],
               (long long)desc[a].sizes[1], (long long)desc[a].sizes[2],
               (long long)desc[a].strides[0], (long long)desc[a].strides[1],
               (long long)desc[a].strides[2]);
      return 1;
    }
    for (int a = 0; a < 5; ++a)
      free(buf[a]);
  }
  printf("random descriptors: %d calls, %d accepted and checked, %d refused "
         "with outputs untouched: PASS\n",
         CALLS, accepted, refused);
  return 0;
}
