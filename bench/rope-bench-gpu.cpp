//===- rope-bench-gpu.cpp - GPU benchmark of rope kernels -----------------===//
//
// For each case, in one process and one run, on CUDA device 0: a
// device-to-device copy of the same bytes (every input copied to its
// output) and the kernel compiled by rope-gpu-pipeline writing into the
// same device buffers, both timed with CUDA events and the L2 cache flushed
// before every run. The kernel's results are checked against the plain
// scalar C++ reference. Prints a table and writes a JSON file. See
// docs/performance.md.
//
//===----------------------------------------------------------------------===//

#include "BenchCases.h"

#include "rope/InitAllRope.h"
#include "rope/Pipelines/Pipelines.h"
#include "rope/Runner/CudaDevice.h"
#include "rope/Runner/JIT.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <optional>
#include <cmath>
#include <fstream>
#include <random>

using namespace mlir;
using namespace mlir::rope::bench;
namespace cl = llvm::cl;

static cl::OptionCategory toolOptions("rope-bench-gpu options");
static cl::opt<std::string> jsonPath("json", cl::desc("JSON output file"),
                                     cl::init("bench/results/gpu.json"),
                                     cl::cat(toolOptions));
static cl::opt<std::string> filter("filter",
                                   cl::desc("Only cases whose name contains"),
                                   cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string> cudaRuntime(
    "cuda-runtime", cl::desc("Path of librope_cuda_runtime"),
    cl::init(ROPE_CUDA_RUNTIME), cl::cat(toolOptions));
static cl::opt<std::string> chip("chip",
                                 cl::desc("SM to compile for (default: the "
                                          "device's)"),
                                 cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string> format(
    "format", cl::desc("gpu.binary format: isa (PTX, JIT by the driver) or bin"),
    cl::init("isa"), cl::cat(toolOptions));
static cl::opt<int64_t> blockSize("block-size", cl::init(128),
                                  cl::desc("rope-gpu-pipeline block-size"),
                                  cl::cat(toolOptions));
static cl::opt<int> reps("reps", cl::init(30),
                         cl::desc("Timed runs per variant (median reported)"),
                         cl::cat(toolOptions));
static cl::opt<bool> compileOnly(
    "compile-only",
    cl::desc("Lower every case to host code plus kernel and JIT the host "
             "code, without a GPU (a smoke test of the harness)"),
    cl::init(false), cl::cat(toolOptions));
static cl::opt<bool> quick("quick",
                           cl::desc("Small token counts only (smoke test)"),
                           cl::init(false), cl::cat(toolOptions));

namespace {

std::vector<Case> gpuCases() {
  std::vector<Case> cases;
  std::vector<int64_t> tokenCounts = {1, 16, 512, 4096, 32768, 131072};
  if (quick)
    tokenCounts = {1, 16, 512};
  for (int64_t t : tokenCounts)
    cases.push_back({"llama3-8b-qk-bf16-" + std::to_string(t), t, {32, 8},
                     128, 128, true, false, Freqs::Llama3});
  std::vector<int64_t> large = quick ? std::vector<int64_t>{512}
                                     : std::vector<int64_t>{4096, 32768};
  for (int64_t t : large) {
    std::string n = std::to_string(t);
    cases.push_back({"llama3-8b-qk-f32-" + n, t, {32, 8}, 128, 128, false,
                     false, Freqs::Llama3});
    cases.push_back({"interleaved-bf16-" + n, t, {32, 8}, 128, 128, true, true,
                     Freqs::Llama3});
    cases.push_back({"cache-bf16-" + n, t, {32, 8}, 128, 128, true, false,
                     Freqs::Cache});
  }
  return cases;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// The target ratio (copy/kernel) of issue 6 at `tokens`, 0 if none.
double target(int64_t tokens) {
  if (tokens >= 32768)
    return 0.90;
  if (tokens >= 4096)
    return 0.75;
  return 0;
}

[[noreturn]] void die(const llvm::Twine &message) {
  llvm::errs() << "rope-bench-gpu: " << message << "\n";
  std::exit(1);
}

/// The case's kernel through rope-gpu-pipeline (host code with a C
/// interface plus the kernel as PTX or cubin), JIT-compiled for the host.
std::unique_ptr<ExecutionEngine> compile(MLIRContext &ctx, const Case &c,
                                         StringRef sm,
                                         ArrayRef<StringRef> libs) {
  OwningOpRef<ModuleOp> module = buildKernel(ctx, c);
  for (auto func : module->getOps<func::FuncOp>())
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(&ctx));
  PassManager pm(&ctx);
  rope::RopeGPUPipelineOptions options;
  options.chip = sm.str();
  options.format = format;
  options.blockSize = blockSize;
  rope::buildRopeGPUPipeline(pm, options);
  if (failed(pm.run(*module)))
    die(c.name + ": lowering failed");
  auto engine = rope::createHostExecutionEngine(*module, libs);
  if (!engine)
    die(c.name + ": JIT failed: " + llvm::toString(engine.takeError()));
  return std::move(*engine);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  rope::initHostJITTool(argc, argv, toolOptions, "rope-mlir GPU benchmark\n");

  std::optional<rope::CudaDevice> device;
  if (!compileOnly) {
    llvm::Expected<rope::CudaDevice> opened =
        rope::CudaDevice::open(cudaRuntime);
    if (!opened)
      die(llvm::toString(opened.takeError()));
    device = std::move(*opened);
  }
  std::string sm = !chip.empty() ? chip.getValue()
                   : device      ? device->chip()
                                 : std::string("sm_90");

  DialectRegistry registry;
  rope::registerAllRopeDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  if (compileOnly) {
    for (const Case &c : gpuCases()) {
      if (!filter.empty() && c.name.find(filter) == std::string::npos)
        continue;
      compile(ctx, c, sm, {});
      llvm::outs() << "compiled " << c.name << " for " << sm << "\n";
    }
    return 0;
  }
  rope::CudaDevice &gpu = *device;
  llvm::outs() << "rope-bench-gpu: " << gpu.name() << " (" << gpu.chip()
               << "), kernels for " << sm << ", format " << format
               << ", L2 flushed before every run, median of " << reps
               << "\n";
  llvm::outs() << llvm::format("%-26s %7s %11s %10s %10s %7s %8s %9s\n",
                               "case", "tokens", "bytes", "copy_us",
                               "kernel_us", "ratio", "GB/s", "max_err");
  std::ofstream json(jsonPath);
  json << "{\n  \"device\": \"" << gpu.name() << "\",\n  \"chip\": \"" << sm
       << "\",\n  \"cases\": [\n";
  bool firstJson = true;
  std::mt19937 rng(0);
  std::normal_distribution<float> normal;

  for (const Case &c : gpuCases()) {
    if (!filter.empty() && c.name.find(filter) == std::string::npos)
      continue;
    std::unique_ptr<ExecutionEngine> engine =
        compile(ctx, c, sm, {cudaRuntime});

    // Host data, then device buffers.
    const int64_t e = c.bf16 ? 2 : 4, half = c.rotaryDim / 2;
    std::vector<std::vector<char>> hostIn, hostOut, hostRef;
    std::vector<void *> devIn, devOut;
    std::vector<size_t> sizes;
    for (int64_t h : c.heads) {
      size_t bytes = c.tokens * h * c.headDim * e;
      std::vector<char> x(bytes);
      for (size_t i = 0; i < bytes / e; ++i) {
        float v = normal(rng);
        if (c.bf16)
          reinterpret_cast<uint16_t *>(x.data())[i] = toBF16(v);
        else
          reinterpret_cast<float *>(x.data())[i] = v;
      }
      devIn.push_back(gpu.alloc(bytes));
      devOut.push_back(gpu.alloc(bytes));
      gpu.toDevice(devIn.back(), x.data(), bytes);
      hostIn.push_back(std::move(x));
      hostOut.emplace_back(bytes);
      hostRef.emplace_back(bytes);
      sizes.push_back(bytes);
    }
    std::vector<int64_t> pos(c.tokens);
    for (int64_t t = 0; t < c.tokens; ++t)
      pos[t] = t;
    void *devPos = gpu.alloc(pos.size() * 8);
    gpu.toDevice(devPos, pos.data(), pos.size() * 8);
    SmallVector<double> invFreq =
        *caseFreqs(ctx, c).getStaticInverseFrequencies(c.rotaryDim);
    int64_t cacheRows = std::max<int64_t>(c.tokens, 1);
    std::vector<float> cosH, sinH;
    void *devCos = nullptr, *devSin = nullptr;
    if (c.freqs == Freqs::Cache) {
      cosH.resize(cacheRows * half);
      sinH.resize(cacheRows * half);
      for (int64_t r = 0; r < cacheRows; ++r)
        for (int64_t i = 0; i < half; ++i) {
          cosH[r * half + i] = std::cos(r * invFreq[i]);
          sinH[r * half + i] = std::sin(r * invFreq[i]);
        }
      devCos = gpu.alloc(cosH.size() * 4);
      devSin = gpu.alloc(sinH.size() * 4);
      gpu.toDevice(devCos, cosH.data(), cosH.size() * 4);
      gpu.toDevice(devSin, sinH.data(), sinH.size() * 4);
    }

    KernelArguments args(c, devIn, devPos, devCos, devSin, cacheRows, devOut);
    auto &packed = args.packed();
    // Looked up once (invokePacked looks the name up on every call).
    auto entry = engine->lookupPacked("_mlir_ciface_kernel");
    if (!entry)
      die(c.name + ": " + llvm::toString(entry.takeError()));
    void (*kernelFn)(void **) = *entry;
    auto kernel = [&] { kernelFn(packed.data()); };

    // Correctness against the scalar reference.
    kernel();
    std::vector<const void *> inData;
    std::vector<void *> refData;
    for (size_t k = 0; k < c.heads.size(); ++k) {
      gpu.toHost(hostOut[k].data(), devOut[k], sizes[k]);
      inData.push_back(hostIn[k].data());
      refData.push_back(hostRef[k].data());
    }
    scalarReference(c, invFreq, inData, pos.data(),
                    cosH.empty() ? nullptr : cosH.data(),
                    sinH.empty() ? nullptr : sinH.data(), refData);
    double maxErr = 0;
    for (size_t k = 0; k < c.heads.size(); ++k)
      for (size_t i = 0; i < sizes[k] / e; ++i) {
        auto at = [&](const std::vector<char> &v) -> float {
          return c.bf16 ? fromBF16(reinterpret_cast<const uint16_t *>(v.data())[i])
                        : reinterpret_cast<const float *>(v.data())[i];
        };
        double d = std::fabs(at(hostOut[k]) - at(hostRef[k]));
        maxErr = std::isnan(d) ? INFINITY : std::max(maxErr, d);
      }

    // Timings: a warm-up each, then `reps` runs with a cold L2.
    std::vector<double> copyMs, kernelMs;
    gpu.timedCopy(devOut.data(), devIn.data(), sizes.data(), sizes.size());
    kernel();
    for (int r = 0; r < reps; ++r) {
      gpu.flushL2();
      copyMs.push_back(gpu.timedCopy(devOut.data(), devIn.data(),
                                     sizes.data(), sizes.size()));
      gpu.flushL2();
      gpu.beginKernelTiming();
      kernel();
      kernelMs.push_back(gpu.endKernelTiming());
    }
    double copyT = median(copyMs) * 1e-3, kernelT = median(kernelMs) * 1e-3;
    int64_t bytes = 0;
    for (size_t s : sizes)
      bytes += 2 * s;
    bytes += c.tokens * 8;
    if (devCos)
      bytes += 2 * c.tokens * half * 4; // rows gathered from the caches
    double ratio = copyT / kernelT;
    double gbs = bytes / kernelT / 1e9;
    double goal = target(c.tokens);
    std::string note;
    if (goal > 0 && ratio < goal)
      note = llvm::formatv("  below {0:F2} target", goal).str();
    if (maxErr > (c.bf16 ? 6.25e-2 : 1e-5)) // 2 bf16 ulps at |y| < 8
      note += "  WRONG RESULTS";
    llvm::outs() << llvm::format(
        "%-26s %7lld %11lld %10.1f %10.1f %7.3f %8.1f %9.2e%s\n",
        c.name.c_str(), (long long)c.tokens, (long long)bytes, copyT * 1e6,
        kernelT * 1e6, ratio, gbs, maxErr, note.c_str());
    llvm::outs().flush();
    json << (firstJson ? "" : ",\n") << "    {\"name\": \"" << c.name
         << "\", \"tokens\": " << c.tokens << ", \"bytes\": " << bytes
         << ", \"dtype\": \"" << (c.bf16 ? "bf16" : "f32")
         << "\", \"copy_time_s\": " << copyT
         << ", \"kernel_time_s\": " << kernelT
         << ", \"ratio_copy_over_kernel\": " << ratio
         << ", \"gb_per_s\": " << gbs << ", \"max_abs_err\": " << maxErr
         << "}";
    firstJson = false;

    for (void *p : devIn)
      gpu.free(p);
    for (void *p : devOut)
      gpu.free(p);
    gpu.free(devPos);
    if (devCos) {
      gpu.free(devCos);
      gpu.free(devSin);
    }
  }
  json << "\n  ]\n}\n";
  return 0;
}
