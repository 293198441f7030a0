//===- CudaDevice.cpp - Host access to a CUDA device for rope tools -------===//

#include "rope/Runner/CudaDevice.h"

#include "llvm/Support/DynamicLibrary.h"

using namespace mlir::rope;

llvm::Expected<CudaDevice> CudaDevice::open(llvm::StringRef path) {
  auto fail = [](const llvm::Twine &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
  };
  std::string error;
  auto lib =
      llvm::sys::DynamicLibrary::getPermanentLibrary(path.str().c_str(), &error);
  if (!lib.isValid())
    return fail("cannot load the CUDA runtime " + path + ": " + error);
  CudaDevice device;
  auto count = reinterpret_cast<int (*)()>(
      lib.getAddressOfSymbol("ropeCudaDeviceCount"));
  auto chip = reinterpret_cast<int (*)(char *, int)>(
      lib.getAddressOfSymbol("ropeCudaChip"));
  device.memAlloc = reinterpret_cast<void *(*)(uint64_t, void *, bool)>(
      lib.getAddressOfSymbol("mgpuMemAlloc"));
  device.memFree = reinterpret_cast<void (*)(void *, void *)>(
      lib.getAddressOfSymbol("mgpuMemFree"));
  device.copy = reinterpret_cast<void (*)(void *, const void *, size_t, int)>(
      lib.getAddressOfSymbol("ropeCudaCopy"));
  auto devName = reinterpret_cast<int (*)(char *, int)>(
      lib.getAddressOfSymbol("ropeCudaDeviceName"));
  device.timingBegin = reinterpret_cast<void (*)()>(
      lib.getAddressOfSymbol("ropeCudaKernelTimingBegin"));
  device.timingEnd = reinterpret_cast<double (*)()>(
      lib.getAddressOfSymbol("ropeCudaKernelTimingEnd"));
  device.copyTimed =
      reinterpret_cast<double (*)(void **, void **, const size_t *, int)>(
          lib.getAddressOfSymbol("ropeCudaTimedCopy"));
  device.l2Flush =
      reinterpret_cast<void (*)()>(lib.getAddressOfSymbol("ropeCudaFlushL2"));
  if (!count || !chip || !device.memAlloc || !device.memFree ||
      !device.copy || !devName || !device.timingBegin || !device.timingEnd ||
      !device.copyTimed || !device.l2Flush)
    return fail(path + " lacks the rope CUDA runtime entry points");
  if (count() == 0)
    return fail("no CUDA device found (cuInit failed or no GPU)");
  char name[32];
  if (chip(name, sizeof(name)))
    return fail("cannot query the compute capability of CUDA device 0");
  device.chipName = name;
  char fullName[256];
  if (devName(fullName, sizeof(fullName)) == 0)
    device.deviceName = fullName;
  return device;
}

void *CudaDevice::alloc(size_t bytes) const {
  return memAlloc(bytes, nullptr, false);
}
void CudaDevice::free(void *ptr) const { memFree(ptr, nullptr); }
void CudaDevice::toDevice(void *dst, const void *src, size_t bytes) const {
  copy(dst, src, bytes, 0);
}
void CudaDevice::toHost(void *dst, const void *src, size_t bytes) const {
  copy(dst, src, bytes, 1);
}
void CudaDevice::beginKernelTiming() const { timingBegin(); }
double CudaDevice::endKernelTiming() const { return timingEnd(); }
double CudaDevice::timedCopy(void **dst, void **src, const size_t *bytes,
                             int n) const {
  return copyTimed(dst, src, bytes, n);
}
void CudaDevice::flushL2() const { l2Flush(); }
