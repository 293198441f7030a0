/* Input of Integration/MPI: one process of a partitioned layer
 * (heads.mlir.in, tokens.mlir.in) compiled by rope-aot. Each process makes
 * its shard of the inputs from global indices (the formulas of
 * test/lib/mpi_layer.py), calls the kernel and writes its shard of q and k
 * to DIR/q.RANK.bin and DIR/k.RANK.bin (raw float32). Built with
 * -DNPROC=n and -DSPLIT_HEADS or -DSPLIT_TOKENS. */
#include "layer.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

enum { T = 32, C = 64, HQ = 8, HK = 4, D = 32, POS0 = 1000, POS_STEP = 7,
       OFFSET = 4000 };
#if defined(SPLIT_HEADS)
enum { TL = T, HQL = HQ / NPROC, HKL = HK / NPROC };
#elif defined(SPLIT_TOKENS)
enum { TL = T / NPROC, HQL = HQ, HKL = HK };
#else
#error "SPLIT_HEADS or SPLIT_TOKENS"
#endif

static float xval(int t, int c) {
  return (float)((t * 131 + c * 71 + 7) % 97) / 97.0f - 0.5f;
}
static float wval(int c, int h, int d, int salt) {
  return ((float)((c * 37 + h * 53 + d * 29 + salt) % 89) / 89.0f - 0.5f) *
         0.25f;
}

static rope_memref_f32_3d tensor3(float *p, int64_t a, int64_t b, int64_t c) {
  rope_memref_f32_3d m = {p, p, 0, {a, b, c}, {b * c, c, 1}};
  return m;
}

static int writeFile(const char *dir, const char *name, int rank,
                     const float *p, size_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.%d.bin", dir, name, rank);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, sizeof(float), n, f) != n || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc != 2 || size != NPROC) {
    if (rank == 0)
      fprintf(stderr, "usage: mpirun -n %d %s DIR\n", NPROC, argv[0]);
    MPI_Finalize();
    return 2;
  }
#if defined(SPLIT_HEADS)
  const int t0 = 0, hq0 = rank * HQL, hk0 = rank * HKL;
#else
  const int t0 = rank * TL, hq0 = 0, hk0 = 0;
#endif
  static float x[TL * C], wq[C * HQL * D], wk[C * HKL * D];
  static float q[TL * HQL * D], k[TL * HKL * D];
  for (int t = 0; t < TL; ++t)
    for (int c = 0; c < C; ++c)
      x[t * C + c] = xval(t0 + t, c);
  for (int c = 0; c < C; ++c)
    for (int d = 0; d < D; ++d) {
      for (int h = 0; h < HQL; ++h)
        wq[(c * HQL + h) * D + d] = wval(c, hq0 + h, d, 3);
      for (int h = 0; h < HKL; ++h)
        wk[(c * HKL + h) * D + d] = wval(c, hk0 + h, d, 11);
    }
  rope_memref_f32_2d mx = {x, x, 0, {TL, C}, {C, 1}};
  rope_memref_f32_3d mwq = tensor3(wq, C, HQL, D), mwk = tensor3(wk, C, HKL, D);
  rope_memref_f32_3d mq = tensor3(q, TL, HQL, D), mk = tensor3(k, TL, HKL, D);
#if defined(SPLIT_HEADS)
  static int64_t pos[T];
  for (int t = 0; t < T; ++t)
    pos[t] = POS0 + POS_STEP * t;
  rope_memref_i64_1d mpos = {pos, pos, 0, {T}, {1}};
  int32_t status = _mlir_ciface_layer(&mx, &mwq, &mwk, &mpos, &mq, &mk);
#else
  int32_t status = _mlir_ciface_layer(&mx, &mwq, &mwk, OFFSET, &mq, &mk);
#endif
  int bad = status != LAYER_OK;
  if (bad)
    fprintf(stderr, "rank %d: %s\n", rank, layer_status_message(status));
  bad |= writeFile(argv[1], "q", rank, q, TL * HQL * D);
  bad |= writeFile(argv[1], "k", rank, k, TL * HKL * D);
  int anyBad = 0;
  MPI_Reduce(&bad, &anyBad, 1, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0)
    printf("%d processes: %s\n", size, anyBad ? "FAILED" : "ran");
  MPI_Finalize();
  return anyBad;
}
