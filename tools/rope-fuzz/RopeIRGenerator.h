//===- RopeIRGenerator.h - Random valid rope IR for fuzzing -----*- C++ -*-===//
//
// Structure-aware fuzzing: the fuzzer's bytes choose an op configuration
// (layout, pairing, dtypes, shapes, rotary_dim, position source, frequency
// spec and its parameters) and this writes it as IR that verifies, so most
// inputs reach the lowerings instead of failing to parse. A few choices
// (out-of-range parameters) are left for the verifier to reject.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_TOOLS_ROPE_FUZZ_ROPEIRGENERATOR_H
#define ROPE_TOOLS_ROPE_FUZZ_ROPEIRGENERATOR_H

#include <fuzzer/FuzzedDataProvider.h>

#include <string>

namespace mlir::rope::fuzz {
struct GeneratedIR {
  std::string text;
  /// A parameter was chosen out of range on purpose: the attribute's
  /// verifier, which runs while parsing, must reject it.
  bool invalidAttribute = false;
};

/// One function with one rope.rotate, chosen by `data`.
GeneratedIR generateRopeIR(FuzzedDataProvider &data);
} // namespace mlir::rope::fuzz

#endif // ROPE_TOOLS_ROPE_FUZZ_ROPEIRGENERATOR_H
