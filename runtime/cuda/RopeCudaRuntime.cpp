//===- RopeCudaRuntime.cpp - mgpu* runtime on the CUDA driver API ---------===//
//
// The host code that gpu-to-llvm emits calls a small set of mgpu* functions
// (module load, kernel launch, streams, events, memory). Debian's MLIR ships
// no library that provides them; this one does, on the CUDA driver API only
// (libcuda), so it links against the toolkit's stub without a driver and
// runs wherever a driver is installed. Errors are reported with the failing
// call and abort: a kernel that cannot launch must not return garbage.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

#ifdef ROPE_CUDA_DLOPEN
#include <dlfcn.h>
#endif

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
/// Kernel timing for benchmarks (ropeCudaKernelTimingBegin/End).
struct LaunchTiming {
  bool enabled = false;
  CUevent start = nullptr, stop = nullptr;
  double totalMs = 0;
};
LaunchTiming &launchTiming() {
  static LaunchTiming timing;
  return timing;
}

void check(CUresult result, const char *what) {
  if (result == CUDA_SUCCESS)
    return;
  const char *name = nullptr, *text = nullptr;
  ROPE_CU(cuGetErrorName)(result, &name);
  ROPE_CU(cuGetErrorString)(result, &text);
  std::fprintf(stderr, "rope-cuda-runtime: %s failed: %s (%s)\n", what,
               name ? name : "?", text ? text : "?");
  std::abort();
}

/// Makes the primary context of device 0 current on this thread.
void ensureContext() {
  thread_local bool ready = false;
  if (ready)
    return;
  if (const char *error = ropeCudaLoadDriver()) {
    std::fprintf(stderr, "rope-cuda-runtime: %s\n", error);
    std::abort();
  }
  check(ROPE_CU(cuInit)(0), "cuInit");
  CUdevice device;
  check(ROPE_CU(cuDeviceGet)(&device, 0), "cuDeviceGet");
  CUcontext context;
  check(ROPE_CU(cuDevicePrimaryCtxRetain)(&context, device), "cuDevicePrimaryCtxRetain");
  check(ROPE_CU(cuCtxSetCurrent)(context), "cuCtxSetCurrent");
  ready = true;
}
} // namespace

#define ROPE_RT_EXPORT extern "C" __attribute__((visibility("default")))

#ifdef ROPE_CUDA_DLOPEN
rope_cuda::Driver &rope_cuda::driver() {
  static Driver d;
  return d;
}

/// `name` in the driver, or the older entry point of the same signature
/// where cuda.h maps to one newer than the driver (cuEventElapsedTime_v2
/// is CUDA 12.8's).
static void *lookupDriverSymbol(void *lib, const char *name) {
  if (void *symbol = dlsym(lib, name))
    return symbol;
  if (std::string(name) == "cuEventElapsedTime_v2")
    return dlsym(lib, "cuEventElapsedTime");
  return nullptr;
}

#define ROPE_CU_STR2(x) #x
#define ROPE_CU_STR(x) ROPE_CU_STR2(x)
ROPE_RT_EXPORT const char *ropeCudaLoadDriver() {
  static std::string error;
  static bool loaded = [] {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char *why = dlerror();
      error = std::string("no CUDA driver: ") + (why ? why : "libcuda.so.1");
      return false;
    }
    rope_cuda::Driver &d = rope_cuda::driver();
#define ROPE_CU_LOAD(name)                                                     \
  d.name = reinterpret_cast<decltype(d.name)>(                                \
      lookupDriverSymbol(lib, ROPE_CU_STR(name)));                             \
  if (!d.name) {                                                               \
    error = "the CUDA driver lacks " ROPE_CU_STR(name);                        \
    return false;                                                              \
  }
    ROPE_CU_FUNCTIONS(ROPE_CU_LOAD)
#undef ROPE_CU_LOAD
    return true;
  }();
  return loaded ? nullptr : error.c_str();
}
#else
ROPE_RT_EXPORT const char *ropeCudaLoadDriver() { return nullptr; }
#endif

extern "C" int ropeCudaDeviceCount();

namespace {
/// Whether modules can be loaded now. Host code loads its modules from
/// global constructors, before main: a program built with ROPE_CUDA_DLOPEN
/// (the bundle's runner) must get to main where there is no driver or
/// device, to say so; its modules are null then and never launched.
bool canLoadModules() {
#ifdef ROPE_CUDA_DLOPEN
  return ropeCudaDeviceCount() > 0;
#else
  return true;
#endif
}
} // namespace

ROPE_RT_EXPORT CUmodule mgpuModuleLoad(void *data, size_t /*size*/) {
  if (!canLoadModules())
    return nullptr;
  ensureContext();
  CUmodule module;
  check(ROPE_CU(cuModuleLoadData)(&module, data), "cuModuleLoadData");
  return module;
}

ROPE_RT_EXPORT CUmodule mgpuModuleLoadJIT(void *data, int optLevel) {
  if (!canLoadModules())
    return nullptr;
  ensureContext();
  CUmodule module;
  CUjit_option options[] = {CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  check(ROPE_CU(cuModuleLoadDataEx)(&module, data, 1, options, values),
        "cuModuleLoadDataEx (PTX JIT)");
  return module;
}

ROPE_RT_EXPORT void mgpuModuleUnload(CUmodule module) {
  if (!module)
    return;
  check(ROPE_CU(cuModuleUnload)(module), "cuModuleUnload");
}

ROPE_RT_EXPORT CUfunction mgpuModuleGetFunction(CUmodule module,
                                                const char *name) {
  CUfunction function;
  check(ROPE_CU(cuModuleGetFunction)(&function, module, name), "cuModuleGetFunction");
  return function;
}

ROPE_RT_EXPORT void mgpuLaunchKernel(CUfunction function, intptr_t gridX,
                                     intptr_t gridY, intptr_t gridZ,
                                     intptr_t blockX, intptr_t blockY,
                                     intptr_t blockZ, int32_t smem,
                                     CUstream stream, void **params,
                                     void **extra, size_t /*paramsCount*/) {
  if (gridX == 0 || gridY == 0 || gridZ == 0)
    return; // no tokens: nothing to launch
  LaunchTiming &timing = launchTiming();
  if (timing.enabled)
    check(ROPE_CU(cuEventRecord)(timing.start, stream), "cuEventRecord");
  check(ROPE_CU(cuLaunchKernel)(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                       smem, stream, params, extra),
        "cuLaunchKernel");
  if (timing.enabled) {
    check(ROPE_CU(cuEventRecord)(timing.stop, stream), "cuEventRecord");
    check(ROPE_CU(cuEventSynchronize)(timing.stop), "cuEventSynchronize");
    float ms = 0;
    check(ROPE_CU(cuEventElapsedTime)(&ms, timing.start, timing.stop),
          "cuEventElapsedTime");
    timing.totalMs += ms;
  }
}

ROPE_RT_EXPORT CUstream mgpuStreamCreate() {
  ensureContext();
  CUstream stream;
  check(ROPE_CU(cuStreamCreate)(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  return stream;
}

ROPE_RT_EXPORT void mgpuStreamDestroy(CUstream stream) {
  check(ROPE_CU(cuStreamDestroy)(stream), "cuStreamDestroy");
}

ROPE_RT_EXPORT void mgpuStreamSynchronize(CUstream stream) {
  check(ROPE_CU(cuStreamSynchronize)(stream), "cuStreamSynchronize");
}

ROPE_RT_EXPORT void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  check(ROPE_CU(cuStreamWaitEvent)(stream, event, 0), "cuStreamWaitEvent");
}

ROPE_RT_EXPORT CUevent mgpuEventCreate() {
  ensureContext();
  CUevent event;
  check(ROPE_CU(cuEventCreate)(&event, CU_EVENT_DISABLE_TIMING), "cuEventCreate");
  return event;
}

ROPE_RT_EXPORT void mgpuEventDestroy(CUevent event) {
  check(ROPE_CU(cuEventDestroy)(event), "cuEventDestroy");
}

ROPE_RT_EXPORT void mgpuEventSynchronize(CUevent event) {
  check(ROPE_CU(cuEventSynchronize)(event), "cuEventSynchronize");
}

ROPE_RT_EXPORT void mgpuEventRecord(CUevent event, CUstream stream) {
  check(ROPE_CU(cuEventRecord)(event, stream), "cuEventRecord");
}

ROPE_RT_EXPORT void *mgpuMemAlloc(uint64_t bytes, CUstream /*stream*/,
                                  bool isHostShared) {
  ensureContext();
  CUdeviceptr ptr = 0;
  if (bytes == 0)
    return nullptr;
  if (isHostShared)
    check(ROPE_CU(cuMemAllocManaged)(&ptr, bytes, CU_MEM_ATTACH_GLOBAL),
          "cuMemAllocManaged");
  else
    check(ROPE_CU(cuMemAlloc)(&ptr, bytes), "cuMemAlloc");
  return reinterpret_cast<void *>(ptr);
}

ROPE_RT_EXPORT void mgpuMemFree(void *ptr, CUstream /*stream*/) {
  if (ptr)
    check(ROPE_CU(cuMemFree)(reinterpret_cast<CUdeviceptr>(ptr)), "cuMemFree");
}

ROPE_RT_EXPORT void mgpuMemcpy(void *dst, void *src, size_t bytes,
                               CUstream stream) {
  check(ROPE_CU(cuMemcpyAsync)(reinterpret_cast<CUdeviceptr>(dst),
                      reinterpret_cast<CUdeviceptr>(src), bytes, stream),
        "cuMemcpyAsync");
}

ROPE_RT_EXPORT void mgpuMemset32(void *dst, unsigned int value, size_t count,
                                 CUstream stream) {
  check(ROPE_CU(cuMemsetD32Async)(reinterpret_cast<CUdeviceptr>(dst), value, count,
                         stream),
        "cuMemsetD32Async");
}

ROPE_RT_EXPORT void mgpuMemset16(void *dst, unsigned short value,
                                 size_t count, CUstream stream) {
  check(ROPE_CU(cuMemsetD16Async)(reinterpret_cast<CUdeviceptr>(dst), value, count,
                         stream),
        "cuMemsetD16Async");
}

/// Helpers for hosts such as rope-run: synchronous copies and device query.
ROPE_RT_EXPORT int ropeCudaDeviceCount() {
  if (ropeCudaLoadDriver() || ROPE_CU(cuInit)(0) != CUDA_SUCCESS)
    return 0;
  int count = 0;
  if (ROPE_CU(cuDeviceGetCount)(&count) != CUDA_SUCCESS)
    return 0;
  return count;
}

/// "sm_XY" of device 0 into `buffer`; returns 0 on success.
ROPE_RT_EXPORT int ropeCudaChip(char *buffer, int size) {
  if (ropeCudaDeviceCount() == 0)
    return 1;
  CUdevice device;
  int major = 0, minor = 0;
  if (ROPE_CU(cuDeviceGet)(&device, 0) != CUDA_SUCCESS ||
      ROPE_CU(cuDeviceGetAttribute)(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                           device) != CUDA_SUCCESS ||
      ROPE_CU(cuDeviceGetAttribute)(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                           device) != CUDA_SUCCESS)
    return 1;
  std::snprintf(buffer, size, "sm_%d%d", major, minor);
  return 0;
}

/// Synchronous copies for hosts (kind 0: host to device, 1: device to host).
ROPE_RT_EXPORT void ropeCudaCopy(void *dst, const void *src, size_t bytes,
                                 int kind) {
  ensureContext();
  if (bytes == 0)
    return;
  if (kind == 0)
    check(ROPE_CU(cuMemcpyHtoD)(reinterpret_cast<CUdeviceptr>(dst), src, bytes),
          "cuMemcpyHtoD");
  else
    check(ROPE_CU(cuMemcpyDtoH)(dst, reinterpret_cast<CUdeviceptr>(src), bytes),
          "cuMemcpyDtoH");
}

/// The name of device 0 into `buffer`; returns 0 on success.
ROPE_RT_EXPORT int ropeCudaDeviceName(char *buffer, int size) {
  if (ropeCudaDeviceCount() == 0)
    return 1;
  CUdevice device;
  if (ROPE_CU(cuDeviceGet)(&device, 0) != CUDA_SUCCESS ||
      ROPE_CU(cuDeviceGetName)(buffer, size, device) != CUDA_SUCCESS)
    return 1;
  return 0;
}

//===----------------------------------------------------------------------===//
// Benchmark support: event timing of launches and copies, L2 flush.
//===----------------------------------------------------------------------===//

/// From now on every mgpuLaunchKernel is bracketed by CUDA events and
/// waited for; the elapsed times add up until ropeCudaKernelTimingEnd.
ROPE_RT_EXPORT void ropeCudaKernelTimingBegin() {
  ensureContext();
  LaunchTiming &timing = launchTiming();
  if (!timing.start) {
    check(ROPE_CU(cuEventCreate)(&timing.start, CU_EVENT_DEFAULT), "cuEventCreate");
    check(ROPE_CU(cuEventCreate)(&timing.stop, CU_EVENT_DEFAULT), "cuEventCreate");
  }
  timing.enabled = true;
  timing.totalMs = 0;
}

/// Milliseconds spent in the kernels launched since
/// ropeCudaKernelTimingBegin.
ROPE_RT_EXPORT double ropeCudaKernelTimingEnd() {
  LaunchTiming &timing = launchTiming();
  timing.enabled = false;
  return timing.totalMs;
}

/// Device-to-device copies src[i] -> dst[i] of bytes[i] on one stream,
/// between two events; milliseconds.
ROPE_RT_EXPORT double ropeCudaTimedCopy(void **dst, void **src,
                                        const size_t *bytes, int n) {
  ensureContext();
  CUstream stream;
  CUevent start, stop;
  check(ROPE_CU(cuStreamCreate)(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  check(ROPE_CU(cuEventCreate)(&start, CU_EVENT_DEFAULT), "cuEventCreate");
  check(ROPE_CU(cuEventCreate)(&stop, CU_EVENT_DEFAULT), "cuEventCreate");
  check(ROPE_CU(cuEventRecord)(start, stream), "cuEventRecord");
  for (int i = 0; i < n; ++i)
    check(ROPE_CU(cuMemcpyDtoDAsync)(reinterpret_cast<CUdeviceptr>(dst[i]),
                            reinterpret_cast<CUdeviceptr>(src[i]), bytes[i],
                            stream),
          "cuMemcpyDtoDAsync");
  check(ROPE_CU(cuEventRecord)(stop, stream), "cuEventRecord");
  check(ROPE_CU(cuEventSynchronize)(stop), "cuEventSynchronize");
  float ms = 0;
  check(ROPE_CU(cuEventElapsedTime)(&ms, start, stop), "cuEventElapsedTime");
  ROPE_CU(cuEventDestroy)(start);
  ROPE_CU(cuEventDestroy)(stop);
  ROPE_CU(cuStreamDestroy)(stream);
  return ms;
}

/// Evicts the L2 cache: writes a scratch buffer of twice its size.
ROPE_RT_EXPORT void ropeCudaFlushL2() {
  ensureContext();
  static CUdeviceptr scratch = 0;
  static size_t words = 0;
  if (!scratch) {
    CUdevice device;
    int l2 = 0;
    check(ROPE_CU(cuDeviceGet)(&device, 0), "cuDeviceGet");
    check(ROPE_CU(cuDeviceGetAttribute)(&l2, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, device),
          "ROPE_CU(cuDeviceGetAttribute)(L2_CACHE_SIZE)");
    words = (2 * static_cast<size_t>(l2) + 3) / 4;
    check(ROPE_CU(cuMemAlloc)(&scratch, words * 4), "cuMemAlloc");
  }
  static unsigned value = 0;
  check(ROPE_CU(cuMemsetD32)(scratch, ++value, words), "cuMemsetD32");
  check(ROPE_CU(cuCtxSynchronize)(), "cuCtxSynchronize");
}
