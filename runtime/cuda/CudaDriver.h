//===- CudaDriver.h - The CUDA driver API, linked or loaded at run time ---===//
//
// The runtime calls the driver through ROPE_CU(cuX). Normally that is cuX,
// linked against libcuda (the toolkit's stub at build time). With
// ROPE_CUDA_DLOPEN (the GPU check bundle's runner, which must start and say
// so cleanly where no driver is installed) the functions are looked up in
// libcuda.so.1 by ropeCudaLoadDriver(). Names go through cuda.h's macros
// (cuMemAlloc -> cuMemAlloc_v2) before they are looked up.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_RUNTIME_CUDA_CUDADRIVER_H
#define ROPE_RUNTIME_CUDA_CUDADRIVER_H

#include <cuda.h>

#ifdef ROPE_CUDA_DLOPEN

#define ROPE_CU_FUNCTIONS(X) \
  X(cuCtxSetCurrent) \
  X(cuCtxSynchronize) \
  X(cuDeviceGet) \
  X(cuDeviceGetAttribute) \
  X(cuDeviceGetCount) \
  X(cuDeviceGetName) \
  X(cuDevicePrimaryCtxRetain) \
  X(cuEventCreate) \
  X(cuEventDestroy) \
  X(cuEventElapsedTime) \
  X(cuEventRecord) \
  X(cuEventSynchronize) \
  X(cuGetErrorName) \
  X(cuGetErrorString) \
  X(cuInit) \
  X(cuLaunchKernel) \
  X(cuMemAlloc) \
  X(cuMemAllocManaged) \
  X(cuMemFree) \
  X(cuMemcpyAsync) \
  X(cuMemcpyDtoDAsync) \
  X(cuMemcpyDtoH) \
  X(cuMemcpyHtoD) \
  X(cuMemsetD16Async) \
  X(cuMemsetD32) \
  X(cuMemsetD32Async) \
  X(cuModuleGetFunction) \
  X(cuModuleLoadData) \
  X(cuModuleLoadDataEx) \
  X(cuModuleUnload) \
  X(cuStreamCreate) \
  X(cuStreamDestroy) \
  X(cuStreamSynchronize) \
  X(cuStreamWaitEvent)

namespace rope_cuda {
struct Driver {
#define ROPE_CU_FIELD(name) decltype(&::name) name = nullptr;
  ROPE_CU_FUNCTIONS(ROPE_CU_FIELD)
#undef ROPE_CU_FIELD
};
Driver &driver();
} // namespace rope_cuda

#define ROPE_CU(name) (::rope_cuda::driver().name)

#else
#define ROPE_CU(name) name
#endif

/// Loads the driver (with ROPE_CUDA_DLOPEN; otherwise it is linked):
/// nullptr on success, else why not (no libcuda.so.1, a missing symbol).
extern "C" const char *ropeCudaLoadDriver();

#endif // ROPE_RUNTIME_CUDA_CUDADRIVER_H
