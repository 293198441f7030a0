//===- BenchCases.cpp - Cases, kernel IR and references of the benchmarks -===//

#include "BenchCases.h"

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Runner/JIT.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <cstring>

using namespace mlir;

namespace mlir::rope::bench {

/// The frequency attribute of a case (the cache case uses Llama-3 frequencies
/// to fill its tables).
FrequencyAttrInterface caseFreqs(MLIRContext &ctx, const Case &c) {
  switch (c.freqs) {
  case Freqs::Default:
    return rope::DefaultFreqsAttr::get(&ctx, 500000.0, std::nullopt);
  case Freqs::Yarn:
    return rope::YarnFreqsAttr::get(&ctx, 10000.0, 40.0, 4096, 32.0, 1.0, 1.0,
                                    1.0, std::nullopt, true);
  case Freqs::Llama3:
  case Freqs::Cache:
    break;
  }
  return rope::Llama3FreqsAttr::get(&ctx, 500000.0, 8.0, 1.0, 4.0, 8192,
                                    std::nullopt);
}

//===----------------------------------------------------------------------===//
// Kernel IR, built with builders: rotate into the caller-provided memrefs
// (to_tensor restrict writable as outs, the form rope-destination-results
// gives AOT kernels), and materialize the results there (no copy).
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> buildKernel(MLIRContext &ctx, const Case &c) {
  OpBuilder b(&ctx);
  Location loc = b.getUnknownLoc();
  auto module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());
  Type elt = c.bf16 ? Type(b.getBF16Type()) : Type(b.getF32Type());
  int64_t dyn = ShapedType::kDynamic;
  SmallVector<Type> argTypes, xTypes;
  for (int64_t h : c.heads) {
    auto t = RankedTensorType::get({dyn, h, c.headDim}, elt);
    xTypes.push_back(t);
    argTypes.push_back(t);
  }
  argTypes.push_back(RankedTensorType::get({dyn}, b.getI64Type()));
  auto cacheType =
      RankedTensorType::get({dyn, c.rotaryDim / 2}, b.getF32Type());
  if (c.freqs == Freqs::Cache)
    argTypes.append({cacheType, cacheType});
  for (int64_t h : c.heads)
    argTypes.push_back(MemRefType::get({dyn, h, c.headDim}, elt));
  auto func = func::FuncOp::create(b, loc, "kernel",
                                   b.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  size_t n = c.heads.size();
  SmallVector<Value> xs(body->getArguments().begin(),
                        body->getArguments().begin() + n);
  Value pos = body->getArgument(n);
  size_t firstOut = body->getNumArguments() - n;
  SmallVector<Value> inits;
  for (auto [i, type] : llvm::enumerate(xTypes)) {
    auto init = bufferization::ToTensorOp::create(
        b, loc, type, body->getArgument(firstOut + i));
    init.setRestrict(true);
    init.setWritable(true);
    inits.push_back(init);
  }
  rope::FrequencyAttrInterface freqAttr;
  if (c.freqs != Freqs::Cache)
    freqAttr = caseFreqs(ctx, c);
  Value cosCache, sinCache;
  if (c.freqs == Freqs::Cache) {
    cosCache = body->getArgument(n + 1);
    sinCache = body->getArgument(n + 2);
  }
  auto rotate = rope::RotateOp::create(
      b, loc, xTypes, xs, inits, pos, /*offset=*/Value(), cosCache, sinCache,
      c.interleaved ? rope::Pairing::Interleaved : rope::Pairing::Half,
      rope::Layout::THD,
      c.rotaryDim != c.headDim ? b.getI64IntegerAttr(c.rotaryDim)
                               : IntegerAttr(),
      freqAttr, DenseI64ArrayAttr(), /*inverse=*/false);
  for (size_t i = 0; i < n; ++i)
    bufferization::MaterializeInDestinationOp::create(
        b, loc, Type(), rotate.getResult(i), body->getArgument(firstOut + i),
        b.getUnitAttr(), b.getUnitAttr());
  func::ReturnOp::create(b, loc);
  return module;
}

KernelArguments::KernelArguments(const Case &c, ArrayRef<void *> inputs,
                                 void *positions, void *cos, void *sin,
                                 int64_t cacheRows, ArrayRef<void *> outputs) {
  for (size_t k = 0; k < c.heads.size(); ++k)
    descriptors.push_back(
        makeDescriptor(inputs[k], {c.tokens, c.heads[k], c.headDim}));
  descriptors.push_back(makeDescriptor(positions, {c.tokens}));
  if (cos) {
    descriptors.push_back(makeDescriptor(cos, {cacheRows, c.rotaryDim / 2}));
    descriptors.push_back(makeDescriptor(sin, {cacheRows, c.rotaryDim / 2}));
  }
  for (size_t k = 0; k < c.heads.size(); ++k)
    descriptors.push_back(
        makeDescriptor(outputs[k], {c.tokens, c.heads[k], c.headDim}));
  for (auto &d : descriptors)
    descriptorPtrs.push_back(d.data());
  for (void *&p : descriptorPtrs)
    packedArgs.push_back(&p);
}

uint16_t toBF16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return static_cast<uint16_t>((u + 0x7FFF + ((u >> 16) & 1)) >> 16);
}
float fromBF16(uint16_t h) {
  uint32_t u = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// Plain scalar reference: per token, cos/sin of each frequency once (in
/// double), then every head of every input. Single thread.
void scalarReference(const Case &c, ArrayRef<double> invFreq,
                     const std::vector<const void *> &in, const int64_t *p,
                     const float *cosCache, const float *sinCache,
                     const std::vector<void *> &out) {
  const int64_t half = c.rotaryDim / 2, d = c.headDim;
  std::vector<float> cs(half), sn(half);
  for (int64_t t = 0; t < c.tokens; ++t) {
    for (int64_t i = 0; i < half; ++i) {
      if (cosCache) {
        cs[i] = cosCache[p[t] * half + i];
        sn[i] = sinCache[p[t] * half + i];
      } else {
        double a = static_cast<double>(p[t]) * invFreq[i];
        cs[i] = static_cast<float>(std::cos(a));
        sn[i] = static_cast<float>(std::sin(a));
      }
    }
    for (size_t k = 0; k < in.size(); ++k) {
      for (int64_t h = 0; h < c.heads[k]; ++h) {
        int64_t base = (t * c.heads[k] + h) * d;
        auto load = [&](int64_t e) -> float {
          if (c.bf16)
            return fromBF16(static_cast<const uint16_t *>(in[k])[base + e]);
          return static_cast<const float *>(in[k])[base + e];
        };
        auto store = [&](int64_t e, float v) {
          if (c.bf16)
            static_cast<uint16_t *>(out[k])[base + e] = toBF16(v);
          else
            static_cast<float *>(out[k])[base + e] = v;
        };
        for (int64_t i = 0; i < half; ++i) {
          int64_t e0 = c.interleaved ? 2 * i : i;
          int64_t e1 = c.interleaved ? 2 * i + 1 : i + half;
          float x0 = load(e0), x1 = load(e1);
          store(e0, x0 * cs[i] - x1 * sn[i]);
          store(e1, x1 * cs[i] + x0 * sn[i]);
        }
        for (int64_t e = c.rotaryDim; e < d; ++e)
          store(e, load(e));
      }
    }
  }
}


} // namespace mlir::rope::bench
