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
  case NpyDType::I8:
  case NpyDType::U8:
    return 1;
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
  case NpyDType::I8:
    return "|i1";
  case NpyDType::U8:
    return "|u1";
  }
  llvm_unreachable("unknown dtype");
}

static std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (int64_t d : shape)
    s += std::to_string(d) + ",";
  return s + ")";
}

static llvm::Error fail(StringRef path, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + what);
}

namespace {
/// The header of a .npy file is a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. This reads
/// it token by token, so a key's text inside another value is not a key.
struct HeaderParser {
  StringRef text;
  std::string error;

  void skipSpace() { text = text.ltrim(); }
  bool consume(char c) {
    skipSpace();
    if (text.empty() || text.front() != c)
      return false;
    text = text.drop_front();
    return true;
  }
  bool fail(const llvm::Twine &what) {
    error = what.str();
    return false;
  }
  bool parseString(std::string &out) {
    skipSpace();
    if (text.empty() || (text.front() != '\'' && text.front() != '"'))
      return fail("expected a quoted string");
    char quote = text.front();
    size_t close = text.find(quote, 1);
    if (close == StringRef::npos)
      return fail("unterminated string");
    out = text.substr(1, close - 1).str();
    text = text.drop_front(close + 1);
    return true;
  }
  bool parseBool(bool &out) {
    skipSpace();
    if (text.consume_front("True"))
      return out = true, true;
    if (text.consume_front("False"))
      return out = false, true;
    return fail("expected True or False");
  }
  bool parseShape(llvm::SmallVectorImpl<int64_t> &out) {
    if (!consume('('))
      return fail("expected a shape tuple");
    while (!consume(')')) {
      skipSpace();
      size_t n = 0;
      while (n < text.size() && llvm::isDigit(text[n]))
        ++n;
      int64_t dim;
      if (n == 0 || text.take_front(n).getAsInteger(10, dim))
        return fail("bad dimension '" + text.take_front(std::max<size_t>(n, 1)) +
                    "'");
      out.push_back(dim);
      text = text.drop_front(n);
      if (!consume(',')) {
        if (!consume(')'))
          return fail("expected ',' or ')' in the shape");
        break;
      }
    }
    return true;
  }
};
} // namespace

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
  // One byte has no byte order: numpy writes '|', '<' and '=' also mean it.
  if (descr == "|i1" || descr == "<i1" || descr == "=i1")
    return NpyDType::I8;
  if (descr == "|u1" || descr == "<u1" || descr == "=u1")
    return NpyDType::U8;
  return std::nullopt;
}

llvm::Expected<NpyArray> mlir::rope::readNpy(StringRef path) {
  auto bufferOr = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
  if (!bufferOr)
    return fail(path, "cannot open file: " + bufferOr.getError().message());
  return parseNpy((*bufferOr)->getBuffer(), path);
}

llvm::Expected<NpyArray> mlir::rope::parseNpy(StringRef bytes, StringRef path) {

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
  HeaderParser p{header, {}};
  bool haveDescr = false, haveOrder = false, haveShape = false;
  bool fortran = false;
  p.consume('{');
  while (!p.consume('}')) {
    std::string key;
    if (!p.parseString(key) || !p.consume(':'))
      return fail(path, "malformed header: expected 'key': value" +
                            (p.error.empty() ? "" : " (" + p.error + ")"));
    bool ok;
    if (key == "descr")
      ok = p.parseString(array.descr), haveDescr = true;
    else if (key == "fortran_order")
      ok = p.parseBool(fortran), haveOrder = true;
    else if (key == "shape")
      ok = p.parseShape(array.shape), haveShape = true;
    else
      ok = p.fail("unknown key '" + key + "'");
    if (!ok)
      return fail(path, "malformed header: " + p.error);
    if (!p.consume(',')) {
      if (!p.consume('}'))
        return fail(path, "malformed header: expected ',' or '}'");
      break;
    }
  }
  if (!haveDescr)
    return fail(path, "malformed header: missing 'descr'");
  if (!haveOrder)
    return fail(path, "malformed header: missing 'fortran_order'");
  if (!haveShape)
    return fail(path, "malformed header: missing 'shape' tuple");
  std::optional<NpyDType> dtype = parseDescr(array.descr);
  if (!dtype)
    return fail(path, "unsupported dtype '" + array.descr +
                          "' (expected little-endian f4, f2, u2/bf16, i4, "
                          "i8 or f8, or i1/u1)");
  array.dtype = *dtype;
  if (fortran)
    return fail(path, "Fortran-ordered arrays are not supported");

  // data
  size_t dataStart = headerStart + headerLen;
  uint64_t actual = bytes.size() - dataStart;
  // The byte count, checked for overflow: a shape whose product does not fit
  // cannot match any file. Zero dims are skipped in the check, so that no
  // partial product (element counts, strides) overflows even when the
  // array is empty.
  uint64_t byteSize = NpyArray::elementSize(*dtype);
  for (int64_t d : array.shape)
    if (d != 0 &&
        (__builtin_mul_overflow(byteSize, static_cast<uint64_t>(d), &byteSize) ||
         byteSize > static_cast<uint64_t>(INT64_MAX)))
      return fail(path, "shape " + shapeText(array.shape) +
                            " is too large (its byte size overflows)");
  uint64_t expected = llvm::is_contained(array.shape, 0) ? 0 : byteSize;
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
