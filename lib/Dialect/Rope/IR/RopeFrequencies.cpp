//===- RopeFrequencies.cpp - FrequencyAttrInterface implementations -------===//
//
// The inverse frequencies of each scaling type, computed in double precision
// following docs/rope-reference.md section 3 (HF modeling_rope_utils.py).
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/IR/RopeAttrs.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::rope;

using EmitErrorFn = function_ref<InFlightDiagnostic()>;
using Freqs = SmallVector<double>;

/// RoFormer frequencies f_i = base^(-2i/R), i < R/2.
static Freqs baseFrequencies(double base, int64_t rotaryDim) {
  Freqs f(rotaryDim / 2);
  for (int64_t i = 0, e = rotaryDim / 2; i < e; ++i)
    f[i] = std::pow(base, -2.0 * static_cast<double>(i) /
                              static_cast<double>(rotaryDim));
  return f;
}

static LogicalResult checkListLength(EmitErrorFn emitError, StringRef name,
                                     size_t size, int64_t rotaryDim) {
  if (static_cast<int64_t>(size) != rotaryDim / 2)
    return emitError() << "'" << name << "' has " << size
                       << " entries, expected rotary_dim / 2 = "
                       << rotaryDim / 2;
  return success();
}

//===----------------------------------------------------------------------===//
// default / linear / freq_factors / inv_freqs
//===----------------------------------------------------------------------===//

LogicalResult DefaultFreqsAttr::verifyForRotaryDim(int64_t, EmitErrorFn) const {
  return success();
}
std::optional<Freqs>
DefaultFreqsAttr::getStaticInverseFrequencies(int64_t rotaryDim) const {
  return baseFrequencies(getBase(), rotaryDim);
}
double DefaultFreqsAttr::getEffectiveAttentionFactor() const {
  return getAttentionFactor().value_or(1.0);
}

LogicalResult LinearFreqsAttr::verifyForRotaryDim(int64_t, EmitErrorFn) const {
  return success();
}
std::optional<Freqs>
LinearFreqsAttr::getStaticInverseFrequencies(int64_t rotaryDim) const {
  Freqs f = baseFrequencies(getBase(), rotaryDim);
  for (double &v : f)
    v /= getFactor();
  return f;
}
double LinearFreqsAttr::getEffectiveAttentionFactor() const {
  return getAttentionFactor().value_or(1.0);
}

LogicalResult FreqFactorsAttr::verifyForRotaryDim(int64_t rotaryDim,
                                                  EmitErrorFn emitError) const {
  return checkListLength(emitError, "divisors", getDivisors().size(),
                         rotaryDim);
}
std::optional<Freqs>
FreqFactorsAttr::getStaticInverseFrequencies(int64_t rotaryDim) const {
  Freqs f = baseFrequencies(getBase(), rotaryDim);
  for (auto [v, d] : llvm::zip(f, getDivisors()))
    v /= d;
  return f;
}
double FreqFactorsAttr::getEffectiveAttentionFactor() const {
  return getAttentionFactor().value_or(1.0);
}

LogicalResult InvFreqsAttr::verifyForRotaryDim(int64_t rotaryDim,
                                               EmitErrorFn emitError) const {
  return checkListLength(emitError, "values", getValues().size(), rotaryDim);
}
std::optional<Freqs> InvFreqsAttr::getStaticInverseFrequencies(int64_t) const {
  return Freqs(getValues());
}
double InvFreqsAttr::getEffectiveAttentionFactor() const {
  return getAttentionFactor();
}

//===----------------------------------------------------------------------===//
// dynamic_ntk
//===----------------------------------------------------------------------===//

LogicalResult DynamicNTKFreqsAttr::verifyForRotaryDim(int64_t rotaryDim,
                                                      EmitErrorFn emitError) const {
  // The base exponent R / (R - 2) needs R > 2.
  if (rotaryDim <= 2)
    return emitError() << "'#rope.dynamic_ntk' needs rotary_dim > 2, got "
                       << rotaryDim;
  return success();
}
std::optional<Freqs> DynamicNTKFreqsAttr::getStaticInverseFrequencies(int64_t) const {
  return std::nullopt; // depends on the sequence length at run time
}
double DynamicNTKFreqsAttr::getEffectiveAttentionFactor() const {
  return getAttentionFactor().value_or(1.0);
}

//===----------------------------------------------------------------------===//
// yarn
//===----------------------------------------------------------------------===//

LogicalResult YarnFreqsAttr::verifyForRotaryDim(int64_t, EmitErrorFn) const {
  return success();
}

std::optional<Freqs>
YarnFreqsAttr::getStaticInverseFrequencies(int64_t rotaryDim) const {
  const double r = static_cast<double>(rotaryDim);
  const double base = getBase();
  const double l0 = static_cast<double>(getOriginalMaxPosition());
  // Dimension index at which a frequency makes `rotations` turns over L0.
  auto correctionDim = [&](double rotations) {
    return r * std::log(l0 / (rotations * 2.0 * M_PI)) /
           (2.0 * std::log(base));
  };
  double lo = correctionDim(getBetaFast());
  double hi = correctionDim(getBetaSlow());
  if (getTruncate()) {
    lo = std::floor(lo);
    hi = std::ceil(hi);
  }
  lo = std::max(lo, 0.0);
  hi = std::min(hi, r - 1.0);
  if (lo == hi)
    hi += 0.001; // avoids a division by zero, as HF does

  Freqs f = baseFrequencies(base, rotaryDim);
  for (int64_t i = 0, e = rotaryDim / 2; i < e; ++i) {
    double ramp = std::clamp((static_cast<double>(i) - lo) / (hi - lo), 0.0,
                             1.0);
    double extrapolation = 1.0 - ramp;
    f[i] = (f[i] / getFactor()) * (1.0 - extrapolation) + f[i] * extrapolation;
  }
  return f;
}

double YarnFreqsAttr::getEffectiveAttentionFactor() const {
  if (std::optional<double> a = getAttentionFactor())
    return *a;
  auto mscaleOf = [&](double scale, double k) {
    return scale <= 1.0 ? 1.0 : 0.1 * k * std::log(scale) + 1.0;
  };
  if (getMscale() && getMscaleAllDim())
    return mscaleOf(getFactor(), *getMscale()) /
           mscaleOf(getFactor(), *getMscaleAllDim());
  return mscaleOf(getFactor(), 1.0);
}

//===----------------------------------------------------------------------===//
// longrope
//===----------------------------------------------------------------------===//

LogicalResult LongRopeFreqsAttr::verifyForRotaryDim(int64_t rotaryDim,
                                                    EmitErrorFn emitError) const {
  return failure(failed(checkListLength(emitError, "short_factor",
                                        getShortFactor().size(), rotaryDim)) ||
                 failed(checkListLength(emitError, "long_factor",
                                        getLongFactor().size(), rotaryDim)));
}

std::optional<Freqs>
LongRopeFreqsAttr::getStaticInverseFrequencies(int64_t rotaryDim) const {
  if (getFactors() == LongRopeFactors::Dynamic)
    return std::nullopt; // chosen from the sequence length at run time
  ArrayRef<double> ext = getFactors() == LongRopeFactors::Long
                             ? getLongFactor()
                             : getShortFactor();
  Freqs f = baseFrequencies(getBase(), rotaryDim);
  for (auto [v, e] : llvm::zip(f, ext))
    v /= e;
  return f;
}

double LongRopeFreqsAttr::getEffectiveAttentionFactor() const {
  if (std::optional<double> a = getAttentionFactor())
    return *a;
  double l0 = static_cast<double>(getOriginalMaxPosition());
  double s = static_cast<double>(getMaxPosition()) / l0;
  if (s <= 1.0)
    return 1.0;
  return std::sqrt(1.0 + std::log(s) / std::log(l0));
}

//===----------------------------------------------------------------------===//
// llama3
//===----------------------------------------------------------------------===//

LogicalResult Llama3FreqsAttr::verifyForRotaryDim(int64_t, EmitErrorFn) const {
  return success();
}

std::optional<Freqs>
Llama3FreqsAttr::getStaticInverseFrequencies(int64_t rotaryDim) const {
  const double l0 = static_cast<double>(getOriginalMaxPosition());
  const double lowWavelen = l0 / getLowFreqFactor();
  const double highWavelen = l0 / getHighFreqFactor();
  Freqs f = baseFrequencies(getBase(), rotaryDim);
  for (double &v : f) {
    double wavelen = 2.0 * M_PI / v;
    if (wavelen < highWavelen)
      continue;
    if (wavelen > lowWavelen) {
      v /= getFactor();
      continue;
    }
    double t = (l0 / wavelen - getLowFreqFactor()) /
               (getHighFreqFactor() - getLowFreqFactor());
    v = (1.0 - t) * v / getFactor() + t * v;
  }
  return f;
}

double Llama3FreqsAttr::getEffectiveAttentionFactor() const {
  return getAttentionFactor().value_or(1.0);
}
