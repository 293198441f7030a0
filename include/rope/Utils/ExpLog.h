//===- ExpLog.h - f64 exp and log as arithmetic -----------------*- C++ -*-===//
//
// Run-time frequencies (dynamic NTK) take an f64 log and R/2 f64 exps of the
// sequence length. CPUs call libm for them; NVPTX has no f64 exp or log
// instruction and the GPU pipeline does not link libdevice, so on GPUs they
// are built from arithmetic the target has (FMA, a round to nearest,
// integer bit operations):
//   exp: k = round(x / ln 2), r = x - k ln 2 (two FMAs, ln 2 split),
//        exp(r) by its degree-13 Taylor polynomial (|r| <= ln2/2: the first
//        omitted term is below 2^-57), times 2^k built in two halves (no
//        overflow of the exponent field before the result's own);
//   log: x = 2^e m with m in [sqrt(1/2), sqrt(2)) from the bits (subnormals
//        scaled first), log m = 2 atanh(s), s = (m - 1) / (m + 1), by its
//        series to s^23 (|s| <= 0.172), plus e ln 2 (split).
// Both within a few ulp of libm (test/Codegen/GPU/f64-exp-log.test); IEEE
// special values as libm gives them.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_UTILS_EXPLOG_H
#define ROPE_UTILS_EXPLOG_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace mlir::rope {

/// exp(x) of an f64 scalar or vector of f64.
Value buildExpF64(OpBuilder &b, Location loc, Value x);

/// log(x) of an f64 scalar or vector of f64.
Value buildLogF64(OpBuilder &b, Location loc, Value x);

} // namespace mlir::rope

#endif // ROPE_UTILS_EXPLOG_H
