//===- rope-run.cpp - Execute rope IR on .npy data ------------------------===//
//
// rope-run FILE.mlir [-e FUNC] -i a.npy,b.npy -o y.npy
//
// JIT-compiles a func.func of FILE (rope ops, linalg on tensors, or already
// bufferized IR) through the rope CPU pipeline, binds its arguments to .npy
// files (dynamic dims come from the data), runs it and writes each result to
// an .npy file. Every mismatch between data and signature is reported with
// the argument, the expected type and what the file holds.
//
//===----------------------------------------------------------------------===//

#include "rope/InitAllRope.h"
#include "rope/Pipelines/Pipelines.h"
#include "rope/Runner/JIT.h"
#include "rope/Runner/Npy.h"

#include "rope/Runner/CudaDevice.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::rope;
namespace cl = llvm::cl;

static cl::OptionCategory toolOptions("rope-run options");
static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<input .mlir file>"),
                                      cl::cat(toolOptions));
static cl::opt<std::string>
    entryName("e", cl::desc("Function to run (default: the only public "
                            "func.func with a body)"),
              cl::init(""), cl::cat(toolOptions));
static cl::list<std::string>
    inputPaths("i", cl::desc("Input .npy files, one per argument, in order"),
               cl::CommaSeparated, cl::cat(toolOptions));
static cl::list<std::string>
    outputPaths("o", cl::desc("Output .npy files, one per result, in order"),
                cl::CommaSeparated, cl::cat(toolOptions));
static cl::opt<std::string>
    runtimeLibDir("runtime-lib-dir",
                  cl::desc("Directory of MLIR's runtime support libraries"),
                  cl::init(ROPE_MLIR_LIB_DIR), cl::cat(toolOptions));
static cl::opt<std::string>
    device("device", cl::desc("Where to run: cpu (JIT for the host) or cuda "
                              "(rope-gpu-pipeline, buffers in device memory)"),
           cl::init("cpu"), cl::cat(toolOptions));
static cl::opt<std::string>
    cudaRuntime("cuda-runtime",
                cl::desc("Path of librope_cuda_runtime (with --device=cuda)"),
                cl::init(ROPE_CUDA_RUNTIME), cl::cat(toolOptions));

/// --cuda-runtime, else the library installed beside this executable
/// (`<prefix>/lib`), else the build tree's.
static std::string cudaRuntimePath() {
  if (cudaRuntime.getNumOccurrences())
    return cudaRuntime;
  std::string exe = llvm::sys::fs::getMainExecutable(
      nullptr, reinterpret_cast<void *>(&cudaRuntimePath));
  llvm::SmallString<256> installed(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(installed, "lib", "librope_cuda_runtime.so");
  if (llvm::sys::fs::exists(installed))
    return std::string(installed);
  return cudaRuntime;
}
static cl::opt<std::string>
    gpuChip("gpu-chip",
            cl::desc("SM to compile for with --device=cuda (default: the "
                     "device's)"),
            cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string> cpuPipelineOptions(
    "cpu-pipeline-options",
    cl::desc("Options of rope-cpu-pipeline, as its pass-pipeline string "
             "takes them (e.g. \"token-tile=0 cpu=host\")"),
    cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string> gpuPipelineOptions(
    "gpu-pipeline-options",
    cl::desc("Options of rope-gpu-pipeline (with --device=cuda; chip "
             "defaults to the device's, format to isa)"),
    cl::init(""), cl::cat(toolOptions));
static cl::opt<unsigned> repeat("repeat",
                                cl::desc("Run N times and report timings"),
                                cl::init(1), cl::cat(toolOptions));

namespace {

[[noreturn]] void die(const llvm::Twine &message) {
  llvm::errs() << "rope-run: error: " << message << "\n";
  std::exit(1);
}

/// Maps an element type to the .npy dtypes that may feed it.
bool acceptsDType(Type elem, NpyDType dtype) {
  if (elem.isF32())
    return dtype == NpyDType::F32;
  if (elem.isF16())
    return dtype == NpyDType::F16;
  if (elem.isBF16())
    return dtype == NpyDType::BF16Bits || dtype == NpyDType::U16;
  if (elem.isInteger(32))
    return dtype == NpyDType::I32;
  if (elem.isInteger(64) || elem.isIndex())
    return dtype == NpyDType::I64;
  if (elem.isF64())
    return dtype == NpyDType::F64;
  // 8-bit integers and fp8 (its bits) from either 1-byte dtype.
  if (elem.isInteger(8) || isa<Float8E4M3FNType, Float8E5M2Type>(elem))
    return dtype == NpyDType::I8 || dtype == NpyDType::U8;
  return false;
}

std::optional<NpyDType> outputDType(Type elem) {
  if (elem.isF32())
    return NpyDType::F32;
  if (elem.isF16())
    return NpyDType::F16;
  if (elem.isBF16())
    return NpyDType::BF16Bits;
  if (elem.isInteger(32))
    return NpyDType::I32;
  if (elem.isInteger(64) || elem.isIndex())
    return NpyDType::I64;
  if (elem.isF64())
    return NpyDType::F64;
  if (elem.isInteger(8))
    return NpyDType::I8;
  if (isa<Float8E4M3FNType, Float8E5M2Type>(elem))
    return NpyDType::U8;
  return std::nullopt;
}

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + ")";
}

/// One bound argument: the storage the JIT reads through `pointer`.
struct BoundArg {
  NpyArray array;
  std::vector<int64_t> desc;
  void *descPtr = nullptr;
  int64_t scalar = 0;
  void *packed = nullptr; // what the packed wrapper receives
};

void bindArgument(unsigned index, Type type, StringRef path, BoundArg &arg) {
  llvm::Expected<NpyArray> loaded = readNpy(path);
  if (!loaded)
    die(llvm::toString(loaded.takeError()));
  arg.array = std::move(*loaded);
  std::string where = "argument #" + std::to_string(index) + " (" +
                      typeString(type) + ") from " + path.str();

  if (auto shaped = dyn_cast<ShapedType>(type)) {
    if (!isa<RankedTensorType, MemRefType>(type) || !shaped.hasRank())
      die(where + ": only ranked tensors and memrefs are supported");
    if (!acceptsDType(shaped.getElementType(), arg.array.dtype))
      die(where + ": dtype '" + arg.array.descr + "' does not match element "
                  "type " + typeString(shaped.getElementType()));
    if (static_cast<int64_t>(arg.array.shape.size()) != shaped.getRank())
      die(where + ": rank " + llvm::Twine(arg.array.shape.size()) +
          " does not match rank " + llvm::Twine(shaped.getRank()));
    for (auto [i, d] : llvm::enumerate(shaped.getShape()))
      if (!ShapedType::isDynamic(d) && d != arg.array.shape[i])
        die(where + ": shape " + shapeString(arg.array.shape) +
            " does not match static dimension " + llvm::Twine(i) + " = " +
            llvm::Twine(d));
    arg.desc = makeDescriptor(arg.array.data.data(), arg.array.shape);
    arg.descPtr = arg.desc.data();
    arg.packed = &arg.descPtr;
    return;
  }
  if (type.isIndex() || type.isInteger(64) || type.isInteger(32)) {
    if (arg.array.numElements() != 1)
      die(where + ": a scalar argument needs a one-element array, got shape " +
          shapeString(arg.array.shape));
    if (arg.array.dtype == NpyDType::I64)
      std::memcpy(&arg.scalar, arg.array.data.data(), 8);
    else if (arg.array.dtype == NpyDType::I32) {
      int32_t v;
      std::memcpy(&v, arg.array.data.data(), 4);
      arg.scalar = v;
    } else {
      die(where + ": dtype '" + arg.array.descr + "' is not an integer");
    }
    if (type.isInteger(32)) {
      int32_t narrow = static_cast<int32_t>(arg.scalar);
      std::memcpy(&arg.scalar, &narrow, 4);
    }
    arg.packed = &arg.scalar;
    return;
  }
  if (type.isF32() || type.isF64()) {
    if (arg.array.numElements() != 1)
      die(where + ": a scalar argument needs a one-element array, got shape " +
          shapeString(arg.array.shape));
    const bool f32 = type.isF32();
    if (arg.array.dtype != (f32 ? NpyDType::F32 : NpyDType::F64))
      die(where + ": dtype '" + arg.array.descr + "' does not match " +
          typeString(type));
    std::memcpy(&arg.scalar, arg.array.data.data(), f32 ? 4 : 8);
    arg.packed = &arg.scalar;
    return;
  }
  die(where + ": unsupported argument type");
}

func::FuncOp findEntry(ModuleOp module) {
  if (!entryName.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(entryName);
    if (!func || func.isExternal())
      die("no func.func @" + entryName + " with a body in " + inputFile);
    return func;
  }
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    if (found)
      die(inputFile + " has several public functions; choose one with -e");
    found = func;
  }
  if (!found)
    die(inputFile + " has no public func.func with a body to run");
  return found;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  rope::initHostJITTool(argc, argv, toolOptions, "rope-run: execute IR on .npy data\n");

  DialectRegistry registry;
  registerAllRopeDialects(registry);
  MLIRContext context(registry);

  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file)
    die(error);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    die("could not parse " + inputFile);

  func::FuncOp entry = findEntry(*module);
  std::string name = entry.getName().str();
  FunctionType signature = entry.getFunctionType();
  if (inputPaths.size() != signature.getNumInputs())
    die("@" + name + " takes " + llvm::Twine(signature.getNumInputs()) +
        " arguments but " + llvm::Twine(inputPaths.size()) +
        " input files were given (-i a.npy,b.npy,...)");
  if (!outputPaths.empty() && outputPaths.size() != signature.getNumResults())
    die("@" + name + " returns " + llvm::Twine(signature.getNumResults()) +
        " results but " + llvm::Twine(outputPaths.size()) +
        " output files were given (-o y.npy,...)");
  for (auto [k, type] : llvm::enumerate(signature.getResults()))
    if (!isa<RankedTensorType, MemRefType>(type) ||
        !outputDType(cast<ShapedType>(type).getElementType()))
      die("result #" + llvm::Twine(k) + " of @" + name + " has type " +
          typeString(type) + "; rope-run returns ranked tensors or memrefs "
          "of f32, f16, bf16, f64, i32 or i64");

  const bool onCuda = device == "cuda";
  if (!onCuda && device != "cpu")
    die("unknown --device=" + device + " (expected cpu or cuda)");
  std::optional<CudaDevice> cuda;
  if (onCuda) {
    llvm::Expected<CudaDevice> opened = CudaDevice::open(cudaRuntimePath());
    if (!opened)
      die(llvm::toString(opened.takeError()));
    cuda = std::move(*opened);
  }

  std::vector<BoundArg> args(signature.getNumInputs());
  for (auto [k, type] : llvm::enumerate(signature.getInputs()))
    bindArgument(k, type, inputPaths[k], args[k]);
  // On the GPU every buffer argument lives in device memory.
  std::vector<void *> deviceInputs;
  if (cuda) {
    for (BoundArg &arg : args) {
      if (arg.desc.empty())
        continue;
      void *dev = cuda->alloc(arg.array.data.size());
      cuda->toDevice(dev, arg.array.data.data(), arg.array.data.size());
      std::memcpy(&arg.desc[0], &dev, sizeof(void *));
      std::memcpy(&arg.desc[1], &dev, sizeof(void *));
      deviceInputs.push_back(dev);
    }
  }

  // Lower to the LLVM dialect (host code plus an embedded kernel for cuda).
  entry->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                 UnitAttr::get(&context));
  PassManager pm(&context);
  if (cuda) {
    auto options = RopeGPUPipelineOptions::createFromString(gpuPipelineOptions);
    if (!options)
      die("malformed --gpu-pipeline-options '" + gpuPipelineOptions + "'");
    if (!options->chip.hasValue())
      options->chip = gpuChip.empty() ? cuda->chip() : gpuChip.getValue();
    if (!options->format.hasValue())
      options->format = "isa"; // PTX, JIT-compiled by the driver
    std::string message;
    llvm::raw_string_ostream os(message);
    if (!options->verify(os))
      die("--gpu-pipeline-options: " + StringRef(message).rtrim());
    buildRopeGPUPipeline(pm, *options);
  } else {
    auto options = RopeCPUPipelineOptions::createFromString(cpuPipelineOptions);
    if (!options)
      die("malformed --cpu-pipeline-options '" + cpuPipelineOptions + "'");
    std::string message;
    llvm::raw_string_ostream os(message);
    if (!options->verify(os))
      die("--cpu-pipeline-options: " + StringRef(message).rtrim());
    buildRopeCPUPipeline(pm, *options);
  }
  if (failed(pm.run(*module)))
    die("lowering " + inputFile + " failed");

  // memref.copy in user IR lowers to a call of memrefCopy; token tiles run
  // on OpenMP threads; GPU host code calls the CUDA runtime.
  SmallVector<StringRef> libs;
  std::string runnerUtils = runtimeLibDir + "/libmlir_c_runner_utils.so";
  std::string openmp = runtimeLibDir + "/libomp.so";
  for (const std::string *lib : {&runnerUtils, &openmp})
    if (llvm::sys::fs::exists(*lib))
      libs.push_back(*lib);
  if (cuda)
    libs.push_back(cudaRuntimePath());
  auto engine = createHostExecutionEngine(*module, libs);
  if (!engine)
    die("JIT compilation failed: " + llvm::toString(engine.takeError()));

  // Results come back through one struct of descriptors.
  std::vector<int64_t> resultWords;
  std::vector<size_t> resultOffsets;
  for (Type type : signature.getResults()) {
    resultOffsets.push_back(resultWords.size());
    resultWords.resize(resultWords.size() + 3 +
                       2 * cast<ShapedType>(type).getRank());
  }
  void *resultPtr = resultWords.data();
  std::vector<void *> packed;
  if (!resultWords.empty())
    packed.push_back(&resultPtr);
  for (BoundArg &arg : args)
    packed.push_back(arg.packed);

  // Results are fresh allocations, except when a function returns one of
  // its arguments (or one buffer twice): free each allocation once.
  auto freeResults = [&] {
    llvm::SmallPtrSet<void *, 8> done;
    for (BoundArg &arg : args)
      done.insert(arg.array.data.data());
    for (void *dev : deviceInputs)
      done.insert(dev);
    for (size_t offset : resultOffsets) {
      void *allocated;
      std::memcpy(&allocated, &resultWords[offset], sizeof(void *));
      if (!done.insert(allocated).second)
        continue;
      if (cuda)
        cuda->free(allocated);
      else
        std::free(allocated);
    }
  };
  // A failed run-time check (cf.assert) prints its message with puts and
  // aborts: keep stdout unbuffered so the message survives, and turn the
  // abort into an ordinary error exit instead of a crash report.
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  std::signal(SIGABRT, [](int) {
    static const char msg[] =
        "\nrope-run: error: the kernel stopped on a failed run-time check "
        "(message above)\n";
    (void)!write(2, msg, sizeof(msg) - 1);
    _exit(1);
  });
  std::vector<double> times;
#if defined(__GLIBC__)
  // Timed runs reuse the memory the previous run's results were freed
  // into: glibc would map (and fault in) results above 32 MiB afresh every
  // run, and the runs would time the page faults, not the kernel.
  if (repeat > 1) {
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, -1);
  }
#endif
  for (unsigned run = 0; run < std::max(1u, repeat.getValue()); ++run) {
    if (run > 0)
      freeResults();
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error err = (*engine)->invokePacked("_mlir_ciface_" + name,
                                                   packed))
      die("invocation of @" + name + " failed: " +
          llvm::toString(std::move(err)));
    times.push_back(std::chrono::duration<double, std::micro>(
                        std::chrono::steady_clock::now() - start)
                        .count());
  }
  if (repeat > 1) {
    std::sort(times.begin(), times.end());
    llvm::errs() << "rope-run: @" << name << " " << repeat
                 << " runs: min " << times.front() << " us, median "
                 << times[times.size() / 2] << " us\n";
  }

  for (auto [k, type] : llvm::enumerate(signature.getResults())) {
    if (k >= outputPaths.size())
      break;
    auto shaped = cast<ShapedType>(type);
    int64_t rank = shaped.getRank();
    const int64_t *words = &resultWords[resultOffsets[k]];
    char *aligned;
    std::memcpy(&aligned, &words[1], sizeof(void *));
    NpyArray out;
    out.dtype = *outputDType(shaped.getElementType());
    size_t elemSize = NpyArray::elementSize(out.dtype);
    out.shape.assign(words + 3, words + 3 + rank);
    out.data.resize(out.numElements() * elemSize);
    std::vector<char> staged;
    if (cuda) {
      // Device results are fresh identity-layout buffers: copy them back.
      int64_t extent = 1;
      for (int64_t d = 0; d < rank; ++d)
        extent = std::max(extent, (out.shape[d] - 1) * words[3 + rank + d] + 1);
      staged.resize((words[2] + (out.numElements() ? extent : 0)) * elemSize);
      cuda->toHost(staged.data(), aligned, staged.size());
      aligned = staged.data();
    }
    // Gather through the strides (results may be views).
    for (int64_t linear = 0, n = out.numElements(); linear < n; ++linear) {
      int64_t rem = linear, offset = words[2];
      for (int64_t d = rank - 1; d >= 0; --d) {
        offset += (rem % out.shape[d]) * words[3 + rank + d];
        rem /= out.shape[d];
      }
      std::memcpy(&out.data[linear * elemSize], aligned + offset * elemSize,
                  elemSize);
    }
    if (llvm::Error err = writeNpy(outputPaths[k], out))
      die(llvm::toString(std::move(err)));
  }
  freeResults();
  for (void *dev : deviceInputs)
    cuda->free(dev);
  return 0;
}
