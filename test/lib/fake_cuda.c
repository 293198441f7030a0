/* A stand-in libcuda.so.1 for testing the GPU bundle's runner where there is
 * no GPU: device memory is host memory, modules and events are dummies, a
 * kernel launch records its grid and does nothing (FAKE_CUDA_LOG=1 prints
 * each). It checks the plumbing (driver loading, argument marshalling,
 * copies, .npy output, timing and JSON), not the kernels. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
static int dummy;
static int launches;

/* Plain definitions; the _v2 names cuda.h maps some of them to follow. */
CUresult cuInit(unsigned flags) { return 0; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return 0; }
CUresult cuDeviceGet(int *d, int i) { *d = 0; return 0; }
CUresult cuDeviceGetName(char *b, int n, int d) { snprintf(b, n, "fake CUDA device"); return 0; }
CUresult cuDeviceGetAttribute(int *v, int attr, int d) { *v = attr == 38 ? 4 << 20 : 9; return 0; }
CUresult cuDevicePrimaryCtxRetain(void **c, int d) { *c = &dummy; return 0; }
CUresult cuCtxSetCurrent(void *c) { return 0; }
CUresult cuCtxSynchronize(void) { return 0; }
CUresult cuGetErrorName(CUresult r, const char **s) { *s = "FAKE"; return 0; }
CUresult cuGetErrorString(CUresult r, const char **s) { *s = "fake"; return 0; }
CUresult cuModuleLoadData(void **m, const void *img) { *m = &dummy; return 0; }
CUresult cuModuleLoadDataEx(void **m, const void *img, unsigned n, void *o, void **v) { *m = &dummy; return 0; }
CUresult cuModuleUnload(void *m) { return 0; }
CUresult cuModuleGetFunction(void **f, void *m, const char *name) { *f = strdup(name); return 0; }
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                        unsigned bz, unsigned smem, void *s, void **params, void **extra) {
  ++launches;
  if (getenv("FAKE_CUDA_LOG"))
    fprintf(stderr, "fake launch %s grid %u,%u,%u block %u,%u,%u\n", (char *)f, gx, gy, gz, bx, by, bz);
  return 0;
}
CUresult cuStreamCreate(void **s, unsigned f) { *s = &dummy; return 0; }
CUresult cuStreamDestroy(void *s) { return 0; }
CUresult cuStreamDestroy_v2(void *s) { return 0; }
CUresult cuStreamSynchronize(void *s) { return 0; }
CUresult cuStreamWaitEvent(void *s, void *e, unsigned f) { return 0; }
CUresult cuEventCreate(void **e, unsigned f) { *e = &dummy; return 0; }
CUresult cuEventDestroy(void *e) { return 0; }
CUresult cuEventDestroy_v2(void *e) { return 0; }
CUresult cuEventRecord(void *e, void *s) { return 0; }
CUresult cuEventSynchronize(void *e) { return 0; }
CUresult cuEventElapsedTime(float *ms, void *a, void *b) { *ms = 0.001f; return 0; }
CUresult cuEventElapsedTime_v2(float *ms, void *a, void *b) { return cuEventElapsedTime(ms, a, b); }
CUresult cuMemAlloc(CUdeviceptr *p, size_t n) { *p = (CUdeviceptr)calloc(1, n); return 0; }
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n) { return cuMemAlloc(p, n); }
CUresult cuMemAllocManaged(CUdeviceptr *p, size_t n, unsigned f) { return cuMemAlloc(p, n); }
CUresult cuMemFree(CUdeviceptr p) { free((void *)p); return 0; }
CUresult cuMemFree_v2(CUdeviceptr p) { return cuMemFree(p); }
CUresult cuMemcpyHtoD(CUdeviceptr d, const void *s, size_t n) { memcpy((void *)d, s, n); return 0; }
CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void *s, size_t n) { return cuMemcpyHtoD(d, s, n); }
CUresult cuMemcpyDtoH(void *d, CUdeviceptr s, size_t n) { memcpy(d, (void *)s, n); return 0; }
CUresult cuMemcpyDtoH_v2(void *d, CUdeviceptr s, size_t n) { return cuMemcpyDtoH(d, s, n); }
CUresult cuMemcpyAsync(CUdeviceptr d, CUdeviceptr s, size_t n, void *st) { memcpy((void *)d, (void *)s, n); return 0; }
CUresult cuMemcpyDtoDAsync(CUdeviceptr d, CUdeviceptr s, size_t n, void *st) { memcpy((void *)d, (void *)s, n); return 0; }
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr d, CUdeviceptr s, size_t n, void *st) { return cuMemcpyDtoDAsync(d, s, n, st); }
CUresult cuMemsetD32(CUdeviceptr d, unsigned v, size_t n) { for (size_t i = 0; i < n; ++i) ((unsigned *)d)[i] = v; return 0; }
CUresult cuMemsetD32_v2(CUdeviceptr d, unsigned v, size_t n) { return cuMemsetD32(d, v, n); }
CUresult cuMemsetD32Async(CUdeviceptr d, unsigned v, size_t n, void *s) { return cuMemsetD32(d, v, n); }
CUresult cuMemsetD16Async(CUdeviceptr d, unsigned short v, size_t n, void *s) { for (size_t i = 0; i < n; ++i) ((unsigned short *)d)[i] = v; return 0; }
__attribute__((destructor)) static void report(void) {
  if (getenv("FAKE_CUDA_LOG"))
    fprintf(stderr, "fake CUDA: %d launches\n", launches);
}
