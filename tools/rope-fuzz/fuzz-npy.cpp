//===- fuzz-npy.cpp - libFuzzer target: the .npy reader -------------------===//
//
// Any bytes: the reader returns an array whose data matches its shape and
// dtype, or an error; never a crash or a read out of bounds.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "rope/Runner/Npy.h"

using namespace mlir::rope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  llvm::Expected<NpyArray> array = parseNpy(bytes, "input.npy");
  if (!array) {
    llvm::consumeError(array.takeError());
    return 0;
  }
  uint64_t expected = static_cast<uint64_t>(array->numElements()) *
                      NpyArray::elementSize(array->dtype);
  if (array->data.size() != expected)
    fuzz::reportDefect("accepted array whose data does not match its shape",
                       bytes.str(), "");
  return 0;
}
