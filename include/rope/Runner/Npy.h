//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// A strict reader: any malformed, truncated or unsupported file is an error
// with a message naming the file and what is wrong, never a crash.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_RUNNER_NPY_H
#define ROPE_RUNNER_NPY_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::rope {

/// Element types the runner exchanges. BF16 is stored as 16-bit patterns:
/// descr '<u2' (numpy's view of bfloat16 bits), '<V2' or 'bfloat16'; fp8 as
/// 8-bit patterns, '|u1' (or '|i1').
enum class NpyDType { F32, F16, BF16Bits, U16, I32, I64, F64, I8, U8 };

struct NpyArray {
  NpyDType dtype = NpyDType::F32;
  /// The descr string read from the file (e.g. "<f4").
  std::string descr;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> data; // C order, little endian

  int64_t numElements() const;
  static size_t elementSize(NpyDType dtype);
};

/// Reads `path`. Errors: missing file, bad magic or version, malformed
/// header, Fortran order, big-endian or unsupported descr, size mismatch.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// Reads the contents of a .npy file from memory; `path` names it in errors.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes, llvm::StringRef path);

/// Writes `array` as a version 1.0 .npy file with the given descr.
llvm::Error writeNpy(llvm::StringRef path, const NpyArray &array);

/// The descr written for a dtype: "<f4", "<f2", "<u2", "<i4", "<i8", "<f8",
/// "|i1", "|u1".
llvm::StringRef npyDescr(NpyDType dtype);

} // namespace mlir::rope

#endif // ROPE_RUNNER_NPY_H
