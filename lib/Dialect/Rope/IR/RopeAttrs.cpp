//===- RopeAttrs.cpp - Rope attribute parsing and verification ------------===//

#include "rope/Dialect/Rope/IR/RopeAttrs.h"
#include "rope/Dialect/Rope/IR/RopeDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::rope;

#include "rope/Dialect/Rope/IR/RopeEnums.cpp.inc"
#include "rope/Dialect/Rope/IR/RopeAttrInterfaces.cpp.inc"

//===----------------------------------------------------------------------===//
// Parameter parsing and printing
//===----------------------------------------------------------------------===//

/// Reads a number as a person copies it from a config: MLIR float literals
/// (`10000.0`, `1.5e6`), integers (`10000`) and integers with an exponent
/// (`1e6`, `1e-6`, which MLIR's lexer splits into `1` and `e6`).
FailureOr<double> mlir::rope::parseF64(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  const bool negative = succeeded(parser.parseOptionalMinus());
  APInt integer;
  OptionalParseResult isInteger = parser.parseOptionalInteger(integer);
  if (!isInteger.has_value()) {
    double value;
    if (parser.parseFloat(value))
      return failure();
    return negative ? -value : value;
  }
  if (failed(*isInteger))
    return failure();
  std::string text = (negative ? "-" : "") +
                     llvm::toString(integer, 10, /*Signed=*/false);
  StringRef exponent;
  if (succeeded(parser.parseOptionalKeyword(&exponent))) {
    if (exponent.empty() || (exponent[0] != 'e' && exponent[0] != 'E'))
      return parser.emitError(loc, "expected a number, got '")
             << text << exponent << "'";
    StringRef digits = exponent.drop_front();
    std::string sign;
    if (digits.empty()) {
      // `1e-6`, `1e+6`: the sign and the digits are tokens of their own.
      if (succeeded(parser.parseOptionalMinus()))
        sign = "-";
      else if (failed(parser.parseOptionalPlus()))
        return parser.emitError(loc, "expected an exponent after '")
               << text << exponent << "'";
      uint64_t e;
      if (parser.parseInteger(e))
        return failure();
      digits = "";
      sign += std::to_string(e);
    }
    if (!llvm::all_of(digits, llvm::isDigit))
      return parser.emitError(loc, "expected a number, got '")
             << text << exponent << "'";
    text += "e" + sign + digits.str();
  }
  return std::strtod(text.c_str(), nullptr);
}

FailureOr<std::optional<double>>
mlir::rope::parseOptionalF64(AsmParser &parser, bool zeroIsUnset) {
  FailureOr<double> value = parseF64(parser);
  if (failed(value))
    return failure();
  if (zeroIsUnset && *value == 0.0)
    return std::optional<double>();
  return std::optional<double>(*value);
}

FailureOr<bool> mlir::rope::parseBool(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef word;
  if (succeeded(parser.parseOptionalKeyword(&word))) {
    if (word == "true" || word == "True")
      return true;
    if (word == "false" || word == "False")
      return false;
    return parser.emitError(loc, "expected true or false, got '")
           << word << "'";
  }
  uint64_t integer;
  OptionalParseResult isInteger = parser.parseOptionalInteger(integer);
  if (!isInteger.has_value())
    return parser.emitError(loc, "expected true or false");
  if (failed(*isInteger))
    return failure();
  if (integer > 1)
    return parser.emitError(loc, "expected true or false, got ") << integer;
  return integer == 1;
}

FailureOr<SmallVector<double>> mlir::rope::parseF64List(AsmParser &parser) {
  SmallVector<double> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        FailureOr<double> v = parseF64(parser);
        if (failed(v))
          return failure();
        values.push_back(*v);
        return success();
      }))
    return failure();
  return values;
}

/// Prints the shortest decimal that reads back as the same double, always
/// with a '.' so that MLIR's lexer sees a float literal.
void mlir::rope::printF64(AsmPrinter &printer, double value) {
  if (!std::isfinite(value)) {
    printer << APFloat(value);
    return;
  }
  char buf[64];
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    std::snprintf(buf, sizeof(buf), "%.1f", value);
    printer << buf;
    return;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value)
      break;
  }
  std::string text(buf);
  if (text.find_first_of(".") == std::string::npos) {
    size_t exp = text.find_first_of("eE");
    text.insert(exp == std::string::npos ? text.size() : exp, ".0");
  }
  printer << text;
}

void mlir::rope::printF64List(AsmPrinter &printer, ArrayRef<double> values) {
  printer << '[';
  llvm::interleaveComma(values, printer,
                        [&](double v) { printF64(printer, v); });
  printer << ']';
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

using EmitErrorFn = function_ref<InFlightDiagnostic()>;

static LogicalResult checkPositive(EmitErrorFn emitError, StringRef name,
                                   double value) {
  if (!(value > 0.0) || !std::isfinite(value))
    return emitError() << "'" << name << "' must be positive and finite, got "
                       << value;
  return success();
}

static LogicalResult checkOptionalPositive(EmitErrorFn emitError,
                                           StringRef name,
                                           std::optional<double> value) {
  return value ? checkPositive(emitError, name, *value) : success();
}

static LogicalResult checkPositiveInt(EmitErrorFn emitError, StringRef name,
                                      int64_t value) {
  if (value <= 0)
    return emitError() << "'" << name << "' must be positive, got " << value;
  return success();
}

static LogicalResult checkAllPositive(EmitErrorFn emitError, StringRef name,
                                      ArrayRef<double> values) {
  for (auto [i, v] : llvm::enumerate(values))
    if (!(v > 0.0) || !std::isfinite(v))
      return emitError() << "'" << name << "' entries must be positive and "
                         << "finite, got " << v << " at index " << i;
  return success();
}

LogicalResult DefaultFreqsAttr::verify(EmitErrorFn emitError, double base,
                                       std::optional<double> attention) {
  return failure(failed(checkPositive(emitError, "base", base)) ||
                 failed(checkOptionalPositive(emitError, "attention_factor",
                                              attention)));
}

LogicalResult LinearFreqsAttr::verify(EmitErrorFn emitError, double base,
                                      double factor,
                                      std::optional<double> attention) {
  return failure(failed(checkPositive(emitError, "base", base)) ||
                 failed(checkPositive(emitError, "factor", factor)) ||
                 failed(checkOptionalPositive(emitError, "attention_factor",
                                              attention)));
}

LogicalResult DynamicNTKFreqsAttr::verify(EmitErrorFn emitError, double base,
                                          double factor, int64_t origMax,
                                          std::optional<double> attention) {
  return failure(
      failed(checkPositive(emitError, "base", base)) ||
      failed(checkPositive(emitError, "factor", factor)) ||
      failed(checkPositiveInt(emitError, "original_max_position", origMax)) ||
      failed(checkOptionalPositive(emitError, "attention_factor", attention)));
}

LogicalResult YarnFreqsAttr::verify(EmitErrorFn emitError, double base,
                                    double factor, int64_t origMax,
                                    double betaFast, double betaSlow,
                                    std::optional<double> mscale,
                                    std::optional<double> mscaleAllDim,
                                    std::optional<double> attention,
                                    bool truncate) {
  if (failed(checkPositive(emitError, "base", base)) ||
      failed(checkPositive(emitError, "factor", factor)) ||
      failed(checkPositiveInt(emitError, "original_max_position", origMax)) ||
      failed(checkPositive(emitError, "beta_fast", betaFast)) ||
      failed(checkPositive(emitError, "beta_slow", betaSlow)) ||
      failed(checkOptionalPositive(emitError, "mscale", mscale)) ||
      failed(checkOptionalPositive(emitError, "mscale_all_dim",
                                   mscaleAllDim)) ||
      failed(checkOptionalPositive(emitError, "attention_factor", attention)))
    return failure();
  if (betaFast <= betaSlow)
    return emitError() << "'beta_fast' (" << betaFast
                       << ") must be greater than 'beta_slow' (" << betaSlow
                       << ")";
  return success();
}

LogicalResult LongRopeFreqsAttr::verify(EmitErrorFn emitError, double base,
                                        int64_t origMax, int64_t maxPos,
                                        ArrayRef<double> shortFactor,
                                        ArrayRef<double> longFactor,
                                        LongRopeFactors,
                                        std::optional<double> attention) {
  if (failed(checkPositive(emitError, "base", base)) ||
      failed(checkPositiveInt(emitError, "original_max_position", origMax)) ||
      failed(checkPositiveInt(emitError, "max_position", maxPos)) ||
      failed(checkAllPositive(emitError, "short_factor", shortFactor)) ||
      failed(checkAllPositive(emitError, "long_factor", longFactor)) ||
      failed(checkOptionalPositive(emitError, "attention_factor", attention)))
    return failure();
  if (shortFactor.size() != longFactor.size())
    return emitError() << "'short_factor' and 'long_factor' must have the "
                       << "same length, got " << shortFactor.size() << " and "
                       << longFactor.size();
  return success();
}

LogicalResult Llama3FreqsAttr::verify(EmitErrorFn emitError, double base,
                                      double factor, double lowFreqFactor,
                                      double highFreqFactor, int64_t origMax,
                                      std::optional<double> attention) {
  if (failed(checkPositive(emitError, "base", base)) ||
      failed(checkPositive(emitError, "factor", factor)) ||
      failed(checkPositive(emitError, "low_freq_factor", lowFreqFactor)) ||
      failed(checkPositive(emitError, "high_freq_factor", highFreqFactor)) ||
      failed(checkPositiveInt(emitError, "original_max_position", origMax)) ||
      failed(checkOptionalPositive(emitError, "attention_factor", attention)))
    return failure();
  if (highFreqFactor <= lowFreqFactor)
    return emitError() << "'high_freq_factor' (" << highFreqFactor
                       << ") must be greater than 'low_freq_factor' ("
                       << lowFreqFactor << ")";
  return success();
}

LogicalResult InvFreqsAttr::verify(EmitErrorFn emitError,
                                   ArrayRef<double> values, double attention) {
  if (values.empty())
    return emitError() << "'values' must not be empty";
  for (auto [i, v] : llvm::enumerate(values))
    if (!std::isfinite(v) || v < 0.0)
      return emitError() << "'values' entries must be finite and "
                         << "non-negative, got " << v << " at index " << i;
  return checkPositive(emitError, "attention_factor", attention);
}

LogicalResult FreqFactorsAttr::verify(EmitErrorFn emitError, double base,
                                      ArrayRef<double> divisors,
                                      std::optional<double> attention) {
  return failure(
      failed(checkPositive(emitError, "base", base)) ||
      failed(checkAllPositive(emitError, "divisors", divisors)) ||
      failed(checkOptionalPositive(emitError, "attention_factor", attention)));
}

#define GET_ATTRDEF_CLASSES
#include "rope/Dialect/Rope/IR/RopeAttrs.cpp.inc"

//===----------------------------------------------------------------------===//
// LoweringAttr
//===----------------------------------------------------------------------===//

FailureOr<std::optional<Role>> mlir::rope::parseOptionalRole(AsmParser &parser) {
  FailureOr<Role> role = FieldParser<Role>::parse(parser);
  if (failed(role))
    return failure();
  return std::optional<Role>(*role);
}

LogicalResult
LoweringAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     std::optional<Role>, bool, bool,
                     std::optional<int64_t> storeAlignment,
                     std::optional<int64_t> pageWalk) {
  if (storeAlignment &&
      (*storeAlignment <= 0 || !llvm::isPowerOf2_64(*storeAlignment)))
    return emitError() << "store_alignment must be a positive power of two, "
                          "got "
                       << *storeAlignment;
  if (pageWalk && *pageWalk <= 0)
    return emitError() << "page_walk must be a positive number of bytes, got "
                       << *pageWalk;
  return success();
}

LoweringAttr LoweringAttr::get(MLIRContext *context) {
  return get(context, std::nullopt, false, false, std::nullopt, std::nullopt);
}
LoweringAttr LoweringAttr::withRole(Role role) const {
  return get(getContext(), role, getBf16Operands(), getIndependentIterations(),
             getStoreAlignment(), getPageWalk());
}
LoweringAttr LoweringAttr::withBF16Operands() const {
  return get(getContext(), getRole(), true, getIndependentIterations(),
             getStoreAlignment(), getPageWalk());
}
LoweringAttr LoweringAttr::withIndependentIterations() const {
  return get(getContext(), getRole(), getBf16Operands(), true,
             getStoreAlignment(), getPageWalk());
}
LoweringAttr
LoweringAttr::withStoreAlignment(std::optional<int64_t> bytes) const {
  return get(getContext(), getRole(), getBf16Operands(),
             getIndependentIterations(), bytes, getPageWalk());
}
LoweringAttr LoweringAttr::withPageWalk(int64_t bytes) const {
  return get(getContext(), getRole(), getBf16Operands(),
             getIndependentIterations(), getStoreAlignment(), bytes);
}
bool LoweringAttr::isEmpty() const { return *this == get(getContext()); }

LoweringAttr LoweringAttr::of(Operation *op) {
  auto config = op->getAttrOfType<LoweringAttr>(
      RopeDialect::LoweringAttrHelper::getNameStr());
  return config ? config : get(op->getContext());
}
void LoweringAttr::set(Operation *op, LoweringAttr config) {
  StringRef name = RopeDialect::LoweringAttrHelper::getNameStr();
  if (config.isEmpty())
    op->removeAttr(name);
  else
    op->setAttr(name, config);
}
bool LoweringAttr::hasRole(Operation *op, Role role) {
  return of(op).getRole() == role;
}

void RopeDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "rope/Dialect/Rope/IR/RopeAttrs.cpp.inc"
      >();
}
