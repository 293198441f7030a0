//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//

#include "rope/Runner/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir::rope;
using llvm::StringRef;

size_t NpyArray::elementSize(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F32:
  case NpyDType::I32:
    return 4;
  case NpyDType::F16:
  case NpyDType::BF16Bits:
  case NpyDType::U16:
    return 2;
  case NpyDType::I64:
  case NpyDType::F64:
    return 8;
  }
  llvm_unreachable("unknown dtype");
}

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

StringRef mlir::rope::npyDescr(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F32:
    return "<f4";
  case NpyDType::F16:
    return "<f2";
  case NpyDType::BF16Bits:
  case NpyDType::U16:
    return "<u2";
  case NpyDType::I32:
    return "<i4";
  case NpyDType::I64:
    return "<i8";
  case NpyDType::F64:
    return "<f8";
  }
  llvm_unreachable("unknown dtype");
}

static llvm::Error fail(StringRef path, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + what);
}

/// Returns the text after `'key':` in a header dict, or an empty ref.
static StringRef valueOf(StringRef header, StringRef key) {
  std::string quoted = ("'" + key + "'").str();
  size_t at = header.find(quoted);
  if (at == StringRef::npos)
    return {};
  StringRef rest = header.drop_front(at + quoted.size()).ltrim();
  if (!rest.consume_front(":"))
    return {};
  return rest.ltrim();
}

static std::optional<NpyDType> parseDescr(StringRef descr) {
  if (descr == "<f4" || descr == "=f4")
    return NpyDType::F32;
  if (descr == "<f2" || descr == "=f2")
    return NpyDType::F16;
  if (descr == "<u2" || descr == "=u2")
    return NpyDType::U16;
  if (descr == "<V2" || descr == "|V2" || descr == "bfloat16")
    return NpyDType::BF16Bits;
  if (descr == "<i4" || descr == "=i4")
    return NpyDType::I32;
  if (descr == "<i8" || descr == "=i8")
    return NpyDType::I64;
  if (descr == "<f8" || descr == "=f8")
    return NpyDType::F64;
  return std::nullopt;
}

llvm::Expected<NpyArray> mlir::rope::readNpy(StringRef path) {
  auto bufferOr = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
  if (!bufferOr)
    return fail(path, "cannot open file: " + bufferOr.getError().message());
  StringRef bytes = (*bufferOr)->getBuffer();

  static constexpr char kMagic[] = "\x93NUMPY";
  if (bytes.size() < 10 || !bytes.starts_with(StringRef(kMagic, 6)))
    return fail(path, "not a .npy file (missing \\x93NUMPY magic)");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) |
                (static_cast<unsigned char>(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail(path, "truncated header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i]))
                   << (8 * i);
    headerStart = 12;
  } else {
    return fail(path, "unsupported .npy version " + llvm::Twine(major));
  }
  if (bytes.size() < headerStart + headerLen)
    return fail(path, "truncated header: expected " +
                          llvm::Twine(headerLen) + " header bytes");
  StringRef header = bytes.substr(headerStart, headerLen);
  if (!header.ltrim().starts_with("{"))
    return fail(path, "malformed header: expected a dict, got '" +
                          header.take_front(40) + "'");

  NpyArray array;
  // descr
  StringRef descrText = valueOf(header, "descr");
  if (descrText.empty() || (descrText[0] != '\'' && descrText[0] != '"'))
    return fail(path, "malformed header: missing 'descr'");
  char quote = descrText[0];
  size_t close = descrText.find(quote, 1);
  if (close == StringRef::npos)
    return fail(path, "malformed header: unterminated 'descr'");
  array.descr = descrText.substr(1, close - 1).str();
  std::optional<NpyDType> dtype = parseDescr(array.descr);
  if (!dtype)
    return fail(path, "unsupported dtype '" + array.descr +
                          "' (expected little-endian f4, f2, u2/bf16, i4, "
                          "i8 or f8)");
  array.dtype = *dtype;

  // fortran_order
  StringRef order = valueOf(header, "fortran_order");
  if (order.starts_with("True"))
    return fail(path, "Fortran-ordered arrays are not supported");
  if (!order.starts_with("False"))
    return fail(path, "malformed header: missing 'fortran_order'");

  // shape
  StringRef shapeText = valueOf(header, "shape");
  if (!shapeText.consume_front("("))
    return fail(path, "malformed header: missing 'shape' tuple");
  size_t end = shapeText.find(')');
  if (end == StringRef::npos)
    return fail(path, "malformed header: unterminated 'shape'");
  llvm::SmallVector<StringRef> parts;
  shapeText.take_front(end).split(parts, ',');
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      return fail(path, "malformed header: bad dimension '" + part + "'");
    array.shape.push_back(dim);
  }

  // data
  size_t dataStart = headerStart + headerLen;
  uint64_t expected =
      static_cast<uint64_t>(array.numElements()) * NpyArray::elementSize(*dtype);
  uint64_t actual = bytes.size() - dataStart;
  if (actual < expected)
    return fail(path, "truncated data: expected " + llvm::Twine(expected) +
                          " bytes, found " + llvm::Twine(actual));
  if (actual > expected)
    return fail(path, "trailing data: expected " + llvm::Twine(expected) +
                          " bytes, found " + llvm::Twine(actual));
  array.data.assign(bytes.begin() + dataStart, bytes.end());
  return array;
}

llvm::Error mlir::rope::writeNpy(StringRef path, const NpyArray &array) {
  std::string header = "{'descr': '" + npyDescr(array.dtype).str() +
                       "', 'fortran_order': False, 'shape': (";
  for (int64_t d : array.shape)
    header += std::to_string(d) + (array.shape.size() == 1 ? "," : ", ");
  if (array.shape.size() > 1)
    header.resize(header.size() - 2);
  header += "), }";
  // Pad with spaces so that magic + length + header + '\n' is a multiple of
  // 64 bytes, as numpy does.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(path, "cannot write: " + ec.message());
  os << StringRef("\x93NUMPY\x01\x00", 8);
  uint16_t len = static_cast<uint16_t>(header.size());
  os << static_cast<char>(len & 0xff) << static_cast<char>(len >> 8);
  os << header;
  os.write(array.data.data(), array.data.size());
  os.close();
  if (os.has_error())
    return fail(path, "write failed");
  return llvm::Error::success();
}
