//===- rope-bench.cpp - CPU benchmark of rope kernels ---------------------===//
//
// For each case, in one process and one run: same-bytes copies (read the
// inputs, write the outputs; OpenMP: a compiler-vectorized loop, memcpy and
// a loop with streaming stores, as the kernel's: the fastest counts), the
// kernel compiled by rope-cpu-pipeline (JIT, writing into caller buffers),
// all run in turn so that they share the machine's load, and a plain scalar
// C++ reference. Prints a table and
// writes a JSON file. See docs/performance.md.
//
//===----------------------------------------------------------------------===//

#include "BenchCases.h"
#include "experiments/RopeModel.h"

#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/InitAllRope.h"
#include "rope/Pipelines/Pipelines.h"
#include "rope/Runner/JIT.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <omp.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::rope::bench;
namespace cl = llvm::cl;

static cl::OptionCategory toolOptions("rope-bench options");
static cl::opt<std::string>
    jsonPath("json", cl::desc("JSON output file (none by default; `make "
                              "bench` writes bench/results/cpu.json)"),
             cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string> filter("filter",
                                   cl::desc("Only cases whose name contains"),
                                   cl::init(""), cl::cat(toolOptions));
static cl::opt<double> minSeconds("min-time",
                                  cl::desc("Seconds to time each variant"),
                                  cl::init(0.3), cl::cat(toolOptions));
static cl::opt<std::string> pipelineOptions(
    "pipeline-options", cl::init(""),
    cl::desc("Options of rope-cpu-pipeline, as its pass-pipeline string "
             "takes them (e.g. \"prefetch-distance=0 parallel=false\")"),
             cl::cat(toolOptions));
static cl::opt<bool> hugePages(
    "huge-pages", cl::init(false),
    cl::desc("Back buffers with transparent huge pages (madvise), for the "
             "copy and the kernel alike"), cl::cat(toolOptions));
static cl::opt<unsigned> outputOffset(
    "output-offset", cl::init(0),
    cl::desc("Bytes (a multiple of 64) by which output buffers start after "
             "a page boundary; inputs start on one"), cl::cat(toolOptions));
static cl::opt<int64_t> singleSizeTokens(
    "tokens", cl::init(0),
    cl::desc("Tokens of the single-size cases (default 4096; 512 with --quick)"),
    cl::cat(toolOptions));
static cl::opt<bool> quick("quick",
                           cl::desc("Small token counts only (smoke test)"),
                           cl::init(false), cl::cat(toolOptions));

namespace {

//===----------------------------------------------------------------------===//
// Buffers and baselines
//===----------------------------------------------------------------------===//

/// A page-aligned buffer (2 MiB-aligned with --huge-pages) whose data start
/// `offset` bytes in, so that the relative placement of inputs and outputs
/// is the same in every case and every run, whatever the heap did before.
struct Buffer {
  char *base = nullptr;
  char *data = nullptr;
  size_t bytes = 0;
  explicit Buffer(size_t n, size_t offset = 0) : bytes(n) {
    const size_t align = hugePages ? (2 << 20) : 4096;
    size_t total = (n + offset + align - 1) / align * align;
    base = static_cast<char *>(std::aligned_alloc(align, total));
    if (hugePages)
      madvise(base, total, MADV_HUGEPAGE);
    data = base + offset;
    std::memset(data, 0, bytes); // touch every page before timing
  }
  ~Buffer() { std::free(base); }
  Buffer(const Buffer &) = delete;
};

/// Same-bytes copy: every input read once, every output written once, on
/// all OpenMP threads, with a loop the compiler vectorizes; `Streaming`
/// writes with non-temporal stores, as the kernel writes large outputs (no
/// read-for-ownership of the output lines).
template <bool Streaming>
void copyLoop(const std::vector<Buffer *> &in, const std::vector<Buffer *> &out) {
  for (size_t k = 0; k < in.size(); ++k) {
    const uint64_t *src = reinterpret_cast<const uint64_t *>(in[k]->data);
    uint64_t *dst = reinterpret_cast<uint64_t *>(out[k]->data);
    int64_t n = in[k]->bytes / 8;
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (Streaming)
        __builtin_nontemporal_store(src[i], &dst[i]);
      else
        dst[i] = src[i];
    }
  }
}

void memcpyParallel(const std::vector<Buffer *> &in,
                    const std::vector<Buffer *> &out) {
  for (size_t k = 0; k < in.size(); ++k) {
#pragma omp parallel
    {
      int nt = omp_get_num_threads(), id = omp_get_thread_num();
      size_t chunk = (in[k]->bytes / nt + 63) / 64 * 64;
      size_t begin = std::min(in[k]->bytes, chunk * id);
      size_t end = std::min(in[k]->bytes, begin + chunk);
      std::memcpy(out[k]->data + begin, in[k]->data + begin, end - begin);
    }
  }
}

static double secondsOf(const std::function<void()> &fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

/// Median seconds of each function, timed in turn in blocks (a a a, b b b,
/// c c c, a a a, ...; the first run of each block untimed) until each has
/// had `minSeconds` and at least 5 timed runs. A copy and the kernel timed
/// side by side see the same machine load (this shared machine drifts by
/// 10% within seconds), so their ratio is stable where medians taken one
/// after the other are not; the untimed run leaves the caches as the
/// function itself leaves them (an output line another function left dirty
/// in the cache makes a streaming store to it slow).
std::vector<double> timeInterleaved(ArrayRef<std::function<void()>> fns) {
  constexpr int kTimedPerBlock = 2;
  std::vector<std::vector<double>> times(fns.size());
  std::vector<double> total(fns.size(), 0.0);
  auto done = [&] {
    for (size_t i = 0; i < fns.size(); ++i)
      if ((total[i] < minSeconds || times[i].size() < 5) &&
          times[i].size() < 1000)
        return false;
    return true;
  };
  while (!done())
    for (size_t i = 0; i < fns.size(); ++i) {
      fns[i]();
      for (int k = 0; k < kTimedPerBlock; ++k) {
        double s = secondsOf(fns[i]);
        times[i].push_back(s);
        total[i] += s;
      }
    }
  std::vector<double> medians;
  for (std::vector<double> &t : times) {
    std::sort(t.begin(), t.end());
    medians.push_back(t[t.size() / 2]);
  }
  return medians;
}

double timeIt(const std::function<void()> &fn) {
  return timeInterleaved({fn})[0];
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  std::vector<int64_t> tokenCounts = {1, 16, 64, 256, 512, 4096, 32768};
  if (quick)
    tokenCounts = {1, 16, 512};
  for (bool bf16 : {true, false})
    for (int64_t t : tokenCounts)
      cases.push_back({std::string("llama3-8b-qk-") + (bf16 ? "bf16" : "f32") +
                           "-" + std::to_string(t),
                       t, {32, 8}, 128, 128, bf16, false, Freqs::Llama3});
  int64_t big = singleSizeTokens > 0 ? singleSizeTokens.getValue()
                                     : (quick ? 512 : 4096);
  cases.push_back({"thd-32x128-f32-" + std::to_string(big), big, {32}, 128,
                   128, false, false, Freqs::Default});
  cases.push_back({"head-dim-64-bf16-" + std::to_string(big), big, {32, 8},
                   64, 64, true, false, Freqs::Default});
  cases.push_back({"head-dim-256-bf16-" + std::to_string(big), big, {16, 4},
                   256, 256, true, false, Freqs::Default});
  cases.push_back({"interleaved-bf16-" + std::to_string(big), big, {32, 8},
                   128, 128, true, true, Freqs::Llama3});
  cases.push_back({"interleaved-f32-" + std::to_string(big), big, {32, 8},
                   128, 128, false, true, Freqs::Llama3});
  cases.push_back({"partial-25pct-bf16-" + std::to_string(big), big, {32, 8},
                   128, 32, true, false, Freqs::Default});
  cases.push_back({"cache-bf16-" + std::to_string(big), big, {32, 8}, 128,
                   128, true, false, Freqs::Cache});
  cases.push_back({"yarn-bf16-" + std::to_string(big), big, {32, 8}, 128,
                   128, true, false, Freqs::Yarn});
  return cases;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  rope::initHostJITTool(argc, argv, toolOptions, "rope-mlir CPU benchmark\n");

  DialectRegistry registry;
  rope::registerAllRopeDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  int threads = omp_get_max_threads();
  llvm::outs() << "rope-bench: host " << llvm::sys::getHostCPUName()
               << ", OpenMP threads " << threads << "\n";
  auto options = rope::RopeCPUPipelineOptions::createFromString(pipelineOptions);
  if (!options) {
    llvm::errs() << "rope-bench: malformed --pipeline-options '"
                 << pipelineOptions << "'\n";
    return 1;
  }
  // The hand-written model runs with the ISA the kernel is compiled for.
  std::optional<rope_model::ISA> modelIsa;
  {
    std::string error;
    FailureOr<rope::CPUTarget> target =
        rope::CPUTarget::resolve(options->cpu, options->cpuFeatures, error);
    if (succeeded(target)) {
      rope_model::ISA isa = !target->isX86()          ? rope_model::ISA::NEON
                            : target->vectorBits >= 512 ? rope_model::ISA::AVX512
                                                        : rope_model::ISA::AVX2;
      // No model of SSE-only x86 targets: an AVX2 loop is not their bound.
      bool avx2Target = target->hasFeature("avx2") && target->hasFeature("fma");
      if (rope_model::hostSupports(isa) && (!target->isX86() || avx2Target))
        modelIsa = isa;
    }
  }
  llvm::outs() << "rope-bench: model "
               << (!modelIsa                             ? "none (no loop for this target)"
                   : *modelIsa == rope_model::ISA::AVX512 ? "AVX-512"
                   : *modelIsa == rope_model::ISA::AVX2   ? "AVX2"
                                                          : "NEON")
               << "; ratio = copy / kernel, k/model = kernel / model\n";
  llvm::outs() << llvm::format(
      "%-28s %7s %11s %10s %10s %10s %10s %7s %7s %8s %9s\n", "case",
      "tokens", "bytes", "copy_us", "kernel_us", "model_us", "scalar_us",
      "ratio", "k/model", "GB/s", "max_err");
  // Without --json the stream stays closed and writes to it do nothing, so
  // that experiments with --filter leave the recorded results alone.
  std::ofstream json;
  if (!jsonPath.empty())
    json.open(jsonPath);
  json << "{\n  \"host\": \"" << llvm::sys::getHostCPUName().str()
       << "\",\n  \"threads\": " << threads << ",\n  \"cases\": [\n";
  bool firstJson = true;
  std::mt19937 rng(0);
  std::normal_distribution<float> normal;

  for (const Case &c : allCases()) {
    if (!filter.empty() && c.name.find(filter) == std::string::npos)
      continue;
    // Compile.
    OwningOpRef<ModuleOp> module = buildKernel(ctx, c);
    PassManager pm(&ctx);
    rope::buildRopeCPUPipeline(pm, *options);
    if (failed(pm.run(*module))) {
      llvm::errs() << c.name << ": lowering failed\n";
      return 1;
    }
    auto engine = rope::createHostExecutionEngine(*module);
    if (!engine) {
      llvm::errs() << c.name << ": JIT failed: "
                   << llvm::toString(engine.takeError()) << "\n";
      return 1;
    }

    // Data.
    const int64_t e = c.bf16 ? 2 : 4, half = c.rotaryDim / 2;
    std::vector<std::unique_ptr<Buffer>> ins, outs, refs;
    std::vector<Buffer *> inPtrs, outPtrs, refPtrs;
    for (int64_t h : c.heads) {
      size_t bytes = c.tokens * h * c.headDim * e;
      ins.push_back(std::make_unique<Buffer>(bytes));
      outs.push_back(std::make_unique<Buffer>(bytes, outputOffset));
      refs.push_back(std::make_unique<Buffer>(bytes));
      for (size_t i = 0; i < bytes / e; ++i) {
        float v = normal(rng);
        if (c.bf16)
          reinterpret_cast<uint16_t *>(ins.back()->data)[i] = toBF16(v);
        else
          reinterpret_cast<float *>(ins.back()->data)[i] = v;
      }
      inPtrs.push_back(ins.back().get());
      outPtrs.push_back(outs.back().get());
      refPtrs.push_back(refs.back().get());
    }
    Buffer pos(c.tokens * 8);
    for (int64_t t = 0; t < c.tokens; ++t) // a prefill: positions 0..T-1
      reinterpret_cast<int64_t *>(pos.data)[t] = t;
    SmallVector<double> invFreq =
        *caseFreqs(ctx, c).getStaticInverseFrequencies(c.rotaryDim);
    int64_t cacheRows = std::max<int64_t>(c.tokens, 1);
    std::unique_ptr<Buffer> cosB, sinB;
    if (c.freqs == Freqs::Cache) {
      cosB = std::make_unique<Buffer>(cacheRows * half * 4);
      sinB = std::make_unique<Buffer>(cacheRows * half * 4);
      for (int64_t r = 0; r < cacheRows; ++r)
        for (int64_t i = 0; i < half; ++i) {
          double a = r * invFreq[i];
          reinterpret_cast<float *>(cosB->data)[r * half + i] = std::cos(a);
          reinterpret_cast<float *>(sinB->data)[r * half + i] = std::sin(a);
        }
    }

    std::vector<void *> inArgs, outArgs;
    for (size_t k = 0; k < c.heads.size(); ++k) {
      inArgs.push_back(ins[k]->data);
      outArgs.push_back(outs[k]->data);
    }
    KernelArguments args(c, inArgs, pos.data, cosB ? cosB->data : nullptr,
                         sinB ? sinB->data : nullptr, cacheRows, outArgs);
    auto &packed = args.packed();
    // Looked up once: invokePacked looks the name up in the JIT on every
    // call (about a microsecond, as much as a 16-token kernel's fork).
    auto entry = (*engine)->lookupPacked("_mlir_ciface_kernel");
    if (!entry) {
      llvm::errs() << c.name << ": " << llvm::toString(entry.takeError())
                   << "\n";
      return 1;
    }
    void (*kernelFn)(void **) = *entry;
    auto kernel = [&] { kernelFn(packed.data()); };

    // Correctness against the scalar reference, then timings.
    kernel();
    const float *cosP = cosB ? reinterpret_cast<float *>(cosB->data) : nullptr;
    const float *sinP = sinB ? reinterpret_cast<float *>(sinB->data) : nullptr;
    std::vector<const void *> inData;
    std::vector<void *> refData;
    for (size_t k = 0; k < c.heads.size(); ++k) {
      inData.push_back(ins[k]->data);
      refData.push_back(refs[k]->data);
    }
    const int64_t *posP = reinterpret_cast<const int64_t *>(pos.data);
    scalarReference(c, invFreq, inData, posP, cosP, sinP, refData);
    // Element i of an output buffer, as f32.
    auto valueAt = [&](const Buffer &b, size_t i) {
      return c.bf16 ? fromBF16(reinterpret_cast<uint16_t *>(b.data)[i])
                    : reinterpret_cast<float *>(b.data)[i];
    };
    // max |out - ref| over the outputs `got` (one buffer per input).
    auto maxAbsDiff = [&](const std::vector<std::unique_ptr<Buffer>> &got) {
      double err = 0;
      for (size_t k = 0; k < got.size(); ++k)
        for (size_t i = 0; i < got[k]->bytes / e; ++i)
          err = std::max(err, static_cast<double>(std::fabs(
                                  valueAt(*got[k], i) - valueAt(*refs[k], i))));
      return err;
    };
    double maxErr = maxAbsDiff(outs);

    // The model, where it applies, on its own output buffers, from tables
    // computed here.
    std::vector<std::unique_ptr<Buffer>> modelOuts;
    std::vector<float> modelCos, modelSin;
    rope_model::Problem problem{c.tokens, c.headDim, c.rotaryDim, c.bf16,
                                c.interleaved, c.heads, {}, {}, nullptr,
                                nullptr, {}};
    const bool modelled =
        modelIsa && rope_model::applies(*modelIsa, problem);
    if (modelled) {
      modelCos.resize(c.tokens * half);
      modelSin.resize(c.tokens * half);
      const double factor =
          caseFreqs(ctx, c).getEffectiveAttentionFactor();
      for (int64_t tok = 0; tok < c.tokens; ++tok)
        for (int64_t i = 0; i < half; ++i) {
          double a = static_cast<double>(posP[tok]) * invFreq[i];
          modelCos[tok * half + i] =
              cosP ? cosP[posP[tok] * half + i] : factor * std::cos(a);
          modelSin[tok * half + i] =
              sinP ? sinP[posP[tok] * half + i] : factor * std::sin(a);
        }
      problem.cos = modelCos.data();
      problem.sin = modelSin.data();
      rope_model::prepare(problem);
      for (size_t k = 0; k < c.heads.size(); ++k) {
        modelOuts.push_back(
            std::make_unique<Buffer>(outs[k]->bytes, outputOffset));
        problem.in.push_back(ins[k]->data);
        problem.out.push_back(modelOuts.back()->data);
      }
    }
    // Streaming stores write whole aligned vectors.
    const bool modelStreams = outputOffset % 64 == 0;
    // Each store kind's result, from zeroed outputs, against the reference:
    // within two ulps of the storage type at the largest magnitude (bf16)
    // or 1e-6 of it (f32), whatever the kernel's own error.
    double modelErr = 0, modelTol = 0;
    if (modelled) {
      double maxRef = 0;
      for (size_t k = 0; k < refs.size(); ++k)
        for (size_t i = 0; i < refs[k]->bytes / e; ++i)
          maxRef = std::max<double>(maxRef, std::fabs(valueAt(*refs[k], i)));
      modelTol = (c.bf16 ? 0x1p-7 : 1e-6) * maxRef;
      for (rope_model::Stores s : rope_model::kAllStores)
        if (s != rope_model::Stores::Streaming || modelStreams) {
          for (auto &b : modelOuts)
            std::memset(b->data, 0, b->bytes);
          rope_model::run(*modelIsa, problem, s);
          modelErr = std::max(modelErr, maxAbsDiff(modelOuts));
        }
    }
    std::vector<std::function<void()>> timed = {
        [&] { copyLoop<false>(inPtrs, outPtrs); },
        [&] { memcpyParallel(inPtrs, outPtrs); },
        [&] { copyLoop<true>(inPtrs, outPtrs); }, kernel};
    // The model's store kinds, each timed: the fastest is the model.
    size_t modelFirst = timed.size(), modelCount = 0;
    if (modelled)
      for (rope_model::Stores s : rope_model::kAllStores)
        if (s != rope_model::Stores::Streaming || modelStreams) {
          timed.push_back([&, s] { rope_model::run(*modelIsa, problem, s); });
          ++modelCount;
        }
    // Decode (one token): the kernel runs on the caller, so its baseline is
    // also a copy of the same bytes on one thread (issue goal: <= 1.3x).
    const bool decode = c.tokens == 1;
    if (decode)
      timed.push_back([&] {
        for (size_t k = 0; k < inPtrs.size(); ++k)
          std::memcpy(outPtrs[k]->data, inPtrs[k]->data, inPtrs[k]->bytes);
      });
    std::vector<double> t = timeInterleaved(timed);
    const double singleCopyT = decode ? t.back() : 0;
    // The fastest store kind is the model's.
    const double modelT =
        modelled ? *std::min_element(t.begin() + modelFirst,
                                     t.begin() + modelFirst + modelCount)
                 : 0;
    // The headline baseline is the fastest of the three copies; the old one
    // (copy loop or memcpy) stays in the JSON.
    double oldCopyT = std::min(t[0], t[1]);
    double streamT = t[2];
    double copyT = std::min(oldCopyT, streamT);
    double kernelT = t[3];
    double scalarT = timeIt([&] {
      scalarReference(c, invFreq, inData, posP, cosP, sinP, refData);
    });
    int64_t bytes = 0;
    for (auto &b : ins)
      bytes += 2 * b->bytes;
    bytes += c.tokens * 8;
    if (cosB)
      bytes += 2 * c.tokens * half * 4; // rows gathered from the caches
    double ratio = copyT / kernelT;
    double gbs = bytes / kernelT / 1e9;
    std::string modelUs = modelled ? llvm::formatv("{0:f1}", modelT * 1e6).str() : "-";
    std::string overModel = modelled ? llvm::formatv("{0:f3}", kernelT / modelT).str() : "-";
    llvm::outs() << llvm::format(
        "%-28s %7lld %11lld %10.1f %10.1f %10s %10.1f %7.3f %7s %8.2f %9.2e%s\n",
        c.name.c_str(), (long long)c.tokens, (long long)bytes, copyT * 1e6,
        kernelT * 1e6, modelUs.c_str(), scalarT * 1e6, ratio, overModel.c_str(),
        gbs, maxErr,
        (c.tokens >= 4096 && ratio < 0.90) ? "  below 0.90 target" : "");
    // The model is checked as the kernel is: against the scalar reference.
    if (modelled && modelErr > modelTol)
      llvm::outs() << llvm::format("%-28s WRONG MODEL RESULT (max_err %.2e)\n",
                                   "  model:", modelErr);
    if (decode)
      llvm::outs() << llvm::format(
          "%-28s kernel / 1-thread copy (%.2f us) = %.3f%s\n", "  decode:",
          singleCopyT * 1e6, kernelT / singleCopyT,
          kernelT / singleCopyT > 1.3 ? "  above 1.3 goal" : "");
    llvm::outs().flush();
    json << (firstJson ? "" : ",\n") << "    {\"name\": \"" << c.name
         << "\", \"tokens\": " << c.tokens << ", \"bytes\": " << bytes
         << ", \"dtype\": \"" << (c.bf16 ? "bf16" : "f32")
         << "\", \"copy_time_s\": " << copyT << ", \"kernel_time_s\": "
         << kernelT << ", \"scalar_time_s\": " << scalarT
         << ", \"ratio_copy_over_kernel\": " << ratio
         << ", \"kernel_gb_s\": " << gbs << ", \"copy_gb_s\": "
         << bytes / copyT / 1e9 << ", \"scalar_gb_s\": " << bytes / scalarT / 1e9
         << ", \"copy_loop_or_memcpy_time_s\": " << oldCopyT
         << ", \"streaming_copy_time_s\": " << streamT
         << ", \"ratio_old_copy_over_kernel\": " << oldCopyT / kernelT
         << ", \"max_abs_diff_vs_scalar\": " << maxErr;
    if (modelled)
      json << ", \"model_time_s\": " << modelT << ", \"model_isa\": \""
           << (*modelIsa == rope_model::ISA::AVX512 ? "avx512"
               : *modelIsa == rope_model::ISA::AVX2 ? "avx2"
                                                    : "neon")
           << "\", \"ratio_kernel_over_model\": " << kernelT / modelT
           << ", \"model_max_abs_diff_vs_scalar\": " << modelErr;
    if (decode)
      json << ", \"single_thread_copy_time_s\": " << singleCopyT
           << ", \"ratio_kernel_over_single_thread_copy\": "
           << kernelT / singleCopyT;
    json << "}";
    firstJson = false;
  }
  json << "\n  ]\n}\n";
  return 0;
}
