//===- CudaDevice.h - Host access to a CUDA device for rope tools -*- C++ -*-===//
//
// Loads librope_cuda_runtime at run time (so the tools build and run
// without CUDA) and wraps the calls they need around a kernel call: device
// allocation, synchronous copies, and, for benchmarks, kernel timing with
// CUDA events, timed device-to-device copies and L2 flushes.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_RUNNER_CUDADEVICE_H
#define ROPE_RUNNER_CUDADEVICE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace mlir::rope {

class CudaDevice {
public:
  /// Loads the runtime library at `path`; fails with a message when it (or
  /// libcuda) cannot be loaded or no device is present.
  static llvm::Expected<CudaDevice> open(llvm::StringRef path);

  std::string chip() const { return chipName; }
  void *alloc(size_t bytes) const;
  void free(void *ptr) const;
  void toDevice(void *dst, const void *src, size_t bytes) const;
  void toHost(void *dst, const void *src, size_t bytes) const;

  /// The device's name, e.g. "NVIDIA H100 80GB HBM3".
  std::string name() const { return deviceName; }
  /// Times every kernel launch the runtime makes between the two calls with
  /// CUDA events around the launch; returns the total milliseconds.
  void beginKernelTiming() const;
  double endKernelTiming() const;
  /// Device-to-device copies of `bytes[i]` from `src[i]` to `dst[i]` on one
  /// stream, timed with CUDA events; milliseconds.
  double timedCopy(void **dst, void **src, const size_t *bytes, int n) const;
  /// Evicts the L2 cache (writes a buffer twice its size) and waits.
  void flushL2() const;

private:
  std::string chipName, deviceName;
  void (*timingBegin)() = nullptr;
  double (*timingEnd)() = nullptr;
  double (*copyTimed)(void **, void **, const size_t *, int) = nullptr;
  void (*l2Flush)() = nullptr;
  void *(*memAlloc)(uint64_t, void *, bool) = nullptr;
  void (*memFree)(void *, void *) = nullptr;
  void (*copy)(void *, const void *, size_t, int) = nullptr;
};

} // namespace mlir::rope

#endif // ROPE_RUNNER_CUDADEVICE_H
