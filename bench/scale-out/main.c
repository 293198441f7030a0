/* One process of bench/scale_out_bench.py: its shard of q and k (TL tokens,
 * HQL and HKL heads, built with -D), the partitioned rope kernel from
 * rope-aot, timed with MPI_Wtime between barriers; a memcpy of the same
 * bytes (q and k in, out) timed the same way in the same run is the
 * baseline (on the OpenMP threads too when built with -fopenmp, as the
 * one-process parallel configuration is). A step's time is the slowest process's; the best of ITERS steps
 * is printed by rank 0. */
#include "rope.h"

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

enum { D = 128, OFFSET = 0 };

static rope_memref_u16_3d tensor3(uint16_t *p, int64_t t, int64_t h) {
  rope_memref_u16_3d m = {p, p, 0, {t, h, D}, {h * D, D, 1}};
  return m;
}

/* memcpy of n bytes, split over the OpenMP threads when there are any. */
static void copyBytes(void *dst, const void *src, size_t n) {
#ifdef _OPENMP
#pragma omp parallel
  {
    size_t parts = (size_t)omp_get_num_threads(), i = omp_get_thread_num();
    size_t begin = n / parts * i, end = i + 1 == parts ? n : n / parts * (i + 1);
    memcpy((char *)dst + begin, (const char *)src + begin, end - begin);
  }
#else
  memcpy(dst, src, n);
#endif
}

static double slowest(double dt) {
  double m;
  MPI_Allreduce(&dt, &m, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return m;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int iters = argc > 1 ? atoi(argv[1]) : 10;
  size_t nq = (size_t)TL * HQL * D, nk = (size_t)TL * HKL * D;
  uint16_t *q = malloc(nq * 2), *k = malloc(nk * 2);
  uint16_t *qo = malloc(nq * 2), *ko = malloc(nk * 2);
  if (!q || !k || !qo || !ko) {
    fprintf(stderr, "out of memory\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  srand(1 + rank);
  for (size_t i = 0; i < nq; ++i)
    q[i] = 0x3f80 | (rand() & 0x7f); /* bf16 values in [1, 2) */
  for (size_t i = 0; i < nk; ++i)
    k[i] = 0x3f80 | (rand() & 0x7f);
  memset(qo, 0, nq * 2); /* touch the outputs before timing */
  memset(ko, 0, nk * 2);
  rope_memref_u16_3d mq = tensor3(q, TL, HQL), mk = tensor3(k, TL, HKL);
  rope_memref_u16_3d mqo = tensor3(qo, TL, HQL), mko = tensor3(ko, TL, HKL);

  double kernel = 1e30, copy = 1e30;
  int32_t status = ROPE_OK;
  for (int i = 0; i < iters; ++i) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    status |= _mlir_ciface_rope(&mq, &mk, OFFSET, &mqo, &mko);
    double dt = slowest(MPI_Wtime() - t0);
    kernel = dt < kernel ? dt : kernel;
    MPI_Barrier(MPI_COMM_WORLD);
    t0 = MPI_Wtime();
    copyBytes(qo, q, nq * 2);
    copyBytes(ko, k, nk * 2);
    dt = slowest(MPI_Wtime() - t0);
    copy = dt < copy ? dt : copy;
  }
  if (rank == 0)
    printf("processes %d kernel_us %.1f copy_us %.1f status %d\n", size,
           kernel * 1e6, copy * 1e6, status);
  MPI_Finalize();
  return status != ROPE_OK;
}
