//===- CudaDevice.h - rope-run's access to a CUDA device --------*- C++ -*-===//
//
// Loads librope_cuda_runtime at run time (so rope-run builds and runs
// without CUDA) and wraps the few calls rope-run needs around a kernel call:
// device allocation and synchronous copies.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_TOOLS_ROPE_RUN_CUDADEVICE_H
#define ROPE_TOOLS_ROPE_RUN_CUDADEVICE_H

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

private:
  std::string chipName;
  void *(*memAlloc)(uint64_t, void *, bool) = nullptr;
  void (*memFree)(void *, void *) = nullptr;
  void (*copy)(void *, const void *, size_t, int) = nullptr;
};

} // namespace mlir::rope

#endif // ROPE_TOOLS_ROPE_RUN_CUDADEVICE_H
