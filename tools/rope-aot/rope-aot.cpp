//===- rope-aot.cpp - Ahead-of-time kernels: IR file -> object + C header -===//
//
//   rope-aot FILE.mlir --cpu=CPU [--cpu-features=+f,-g] [--triple=T]
//            [--pipeline-options="parallel=false ..."] -o kernel.o
//            [--header=kernel.h]
//
// Lowers every public function with rope-cpu-pipeline for the named target
// (never the build host unless --cpu=host), in the ahead-of-time ABI
// (destination-results: caller-provided output buffers; status-checks: a
// failed run-time check is a returned status, not an abort), compiles it
// with LLVM for that target and writes an object file and a C header
// declaring each kernel. --target=cuda does the same with rope-gpu-pipeline
// (the GPU check bundle's kernels). docs/aot.md.
//
//===----------------------------------------------------------------------===//

#include "AOTHeader.h"

#include "rope/ABI/InPlaceResults.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/InitAllRope.h"
#include "rope/ABI/Passes.h"
#include "rope/Codegen/CPU/CPUTarget.h"
#include "rope/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory toolOptions("rope-aot options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input .mlir>"),
                                      cl::Required, cl::cat(toolOptions));
static cl::opt<std::string> outputFile("o", cl::desc("Object file to write"),
                                       cl::value_desc("file.o"), cl::Required,
                                       cl::cat(toolOptions));
static cl::opt<std::string>
    headerFile("header", cl::desc("C header to write (default: the object's "
                                  "name with .h)"),
               cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string>
    cpu("cpu", cl::desc("Target CPU as LLVM names it (x86-64-v3, "
                        "sapphirerapids, znver4, ...; host: this machine's)"),
        cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string>
    cpuFeatures("cpu-features",
                cl::desc("LLVM features added to the CPU's (+avx512f,-avx512bf16)"),
                cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string>
    triple("triple", cl::desc("Target triple (default: LLVM's default "
                              "target triple)"),
           cl::init(""), cl::cat(toolOptions));
static cl::opt<std::string>
    target("target", cl::desc("cpu: rope-cpu-pipeline kernels; cuda: "
                              "rope-gpu-pipeline kernels (host code for --cpu "
                              "with the PTX/cubin embedded, calling the mgpu* "
                              "runtime; buffers are device memory)"),
           cl::init("cpu"), cl::cat(toolOptions));
static cl::opt<std::string> gpuPipelineOptions(
    "gpu-pipeline-options",
    cl::desc("rope-gpu-pipeline options with --target=cuda"),
    cl::init("chip=sm_90 format=isa"), cl::cat(toolOptions));
static cl::opt<std::string> pipelineOptions(
    "pipeline-options",
    cl::desc("rope-cpu-pipeline options, e.g. \"parallel=false token-tile=16\" "
             "(cpu and cpu-features come from --cpu/--cpu-features)"),
    cl::init(""), cl::cat(toolOptions));

namespace {
int fail(const llvm::Twine &message) {
  llvm::errs() << "rope-aot: " << message << "\n";
  return 1;
}

/// Checks --cpu-features item by item: +name or -name, a feature of the
/// target (LLVM only warns about others, and ignores them).
llvm::Error checkFeatures(const llvm::MCSubtargetInfo &sti,
                          llvm::StringRef features, const llvm::Triple &t) {
  SmallVector<StringRef> items;
  features.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    item = item.trim();
    if (item.size() < 2 || (item.front() != '+' && item.front() != '-'))
      return llvm::createStringError(
          "--cpu-features: '" + item +
          "' must be +name or -name (e.g. +avx512f,-avx512bf16)");
    StringRef name = item.drop_front();
    if (!llvm::any_of(sti.getAllProcessorFeatures(),
                      [&](const llvm::SubtargetFeatureKV &kv) {
                        return name == kv.Key;
                      }))
      return llvm::createStringError("--cpu-features: '" + name +
                                     "' is not a feature of " + t.str());
  }
  return llvm::Error::success();
}

/// The target machine for --triple/--cpu/--cpu-features. Every name is
/// checked before LLVM sees it: LLVM warns about an unknown CPU or feature
/// once per subtarget it builds and goes on with generic code.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(std::string &resolvedCpu, std::string &features) {
  // Normalized: "riscv64-linux-gnu" has no vendor, Linux is its OS.
  llvm::Triple target(llvm::Triple::normalize(
      triple.empty() ? llvm::sys::getDefaultTargetTriple() : triple.getValue()));
  std::string error;
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(target, error);
  if (!t)
    return llvm::createStringError("triple '" + target.str() + "': " + error);
  resolvedCpu = cpu;
  features = cpuFeatures;
  if (cpu == "host") {
    llvm::Triple host(llvm::sys::getProcessTriple());
    if (target.getArch() != host.getArch())
      return llvm::createStringError(
          "--cpu=host names this machine's CPU (" + host.getArchName() +
          "), not one of " + target.str() + ": name a CPU of the target");
    // The pipelines' resolver: the same name and features they compile for.
    std::string error;
    FailureOr<rope::CPUTarget> facts =
        rope::CPUTarget::resolve("host", cpuFeatures, error);
    if (failed(facts))
      return llvm::createStringError(error);
    resolvedCpu = facts->cpu;
    features = facts->featureString();
  }
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      t->createMCSubtargetInfo(target, "", ""));
  if (!sti || !sti->isCPUStringValid(resolvedCpu))
    return llvm::createStringError("'" + resolvedCpu + "' is not a CPU of " +
                                   target.str());
  if (llvm::Error e = checkFeatures(*sti, cpuFeatures, target))
    return std::move(e);
  llvm::TargetOptions options;
  // Linux RISC-V objects use the hard-float ABI (rv64gc / lp64d, as the
  // toolchains default to); without F and D the object would be soft-float
  // and refused by the linker.
  if (target.isRISCV()) {
    // The last +x or -x item decides.
    auto setting = [&](StringRef name) -> std::optional<bool> {
      SmallVector<StringRef> items;
      StringRef(features).split(items, ',', -1, false);
      std::optional<bool> on;
      for (StringRef item : items)
        if (item.trim().drop_front() == name)
          on = item.trim().front() == '+';
      return on;
    };
    if (target.isOSLinux() && !setting("f") && !setting("d"))
      features = "+m,+a,+f,+d,+c" + (features.empty() ? "" : "," + features);
    bool d = setting("d").value_or(false);
    bool f = setting("f").value_or(false) || d;
    options.MCOptions.ABIName = target.isRISCV64() ? (d   ? "lp64d"
                                                      : f ? "lp64f"
                                                          : "lp64")
                                                   : (d   ? "ilp32d"
                                                      : f ? "ilp32f"
                                                          : "ilp32");
  }
  std::unique_ptr<llvm::TargetMachine> tm(t->createTargetMachine(
      target, resolvedCpu, features, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return llvm::createStringError("cannot create a target machine for " +
                                   target.str());
  return std::move(tm);
}

/// Whether `name` is a C identifier (the header declares
/// `_mlir_ciface_<name>`, `<name>_status_message` and `<NAME>_OK`).
bool isCIdentifier(StringRef name) {
  return !name.empty() && (llvm::isAlpha(name.front()) || name.front() == '_') &&
         llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// The same file, once both exist or by their absolute, normalized paths.
bool samePath(StringRef a, StringRef b) {
  if (llvm::sys::fs::equivalent(a, b))
    return true;
  llvm::SmallString<256> x(a), y(b);
  llvm::sys::fs::make_absolute(x);
  llvm::sys::fs::make_absolute(y);
  llvm::sys::path::remove_dots(x, /*remove_dot_dot=*/true);
  llvm::sys::path::remove_dots(y, /*remove_dot_dot=*/true);
  return x == y;
}

/// The prefix that keeps a kernel's own function apart from the C symbol
/// space: only `_mlir_ciface_<name>` is exported, so `@puts` or `@malloc`
/// neither takes over nor meets the C library's.
constexpr llvm::StringLiteral kInnerPrefix = "__rope_aot_";

/// Undefined symbols of the object, for the header and the warnings.
SmallVector<std::string> undefinedSymbols(StringRef object) {
  SmallVector<std::string> names;
  auto file = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(object, "kernel.o"));
  if (!file) {
    llvm::consumeError(file.takeError());
    return names;
  }
  for (const llvm::object::SymbolRef &sym : (*file)->symbols()) {
    llvm::Expected<uint32_t> flags = sym.getFlags();
    llvm::Expected<StringRef> name = sym.getName();
    if (!flags || !name) {
      llvm::consumeError(flags.takeError());
      llvm::consumeError(name.takeError());
      continue;
    }
    if ((*flags & llvm::object::SymbolRef::SF_Undefined) && !name->empty())
      names.push_back(name->str());
  }
  llvm::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  cl::HideUnrelatedOptions(toolOptions);
  cl::ParseCommandLineOptions(argc, argv,
                              "rope-mlir ahead-of-time kernel compiler\n");
  if (cpu.empty())
    return fail("--cpu is required: the CPU the kernels are for (e.g. "
                "x86-64-v3, sapphirerapids, znver4; host for this machine)");

  if (target != "cpu" && target != "cuda")
    return fail("--target must be cpu or cuda, not '" + target + "'");
  const bool cuda = target == "cuda";
  // Options of the other target would be silently ignored.
  if (!cuda && gpuPipelineOptions.getNumOccurrences())
    return fail("--gpu-pipeline-options is for --target=cuda");
  if (cuda && pipelineOptions.getNumOccurrences())
    return fail("--pipeline-options is for --target=cpu (CUDA kernels take "
                "--gpu-pipeline-options)");
  rope::RopeGPUPipelineOptions gpuOptions;
  std::string gpuErrors;
  llvm::raw_string_ostream gpuStream(gpuErrors);
  if (cuda && failed(gpuOptions.parseFromString(gpuPipelineOptions, gpuStream)))
    return fail("--gpu-pipeline-options: " + gpuErrors);
  if (cuda && !gpuOptions.verify(gpuStream))
    return fail("--gpu-pipeline-options: " + StringRef(gpuErrors).rtrim());
  if (cuda && gpuOptions.emitCInterface.hasValue())
    return fail("--gpu-pipeline-options: emit-c-interface is part of the "
                "ahead-of-time ABI, which rope-aot fixes");
  rope::RopeCPUPipelineOptions options;
  std::string optionErrors;
  llvm::raw_string_ostream optionStream(optionErrors);
  if (failed(options.parseFromString(pipelineOptions, optionStream)))
    return fail("--pipeline-options: " + optionErrors);
  if (options.cpu.hasValue() || options.cpuFeatures.hasValue())
    return fail("--pipeline-options: give the target with --cpu and "
                "--cpu-features, not cpu= or cpu-features=");
  // The options that make the ABI of docs/aot.md are not the caller's.
  for (const auto &[set, name] :
       {std::pair{options.destinationResults.hasValue(), "destination-results"},
        std::pair{options.statusChecks.hasValue(), "status-checks"},
        std::pair{options.emitCInterface.hasValue(), "emit-c-interface"}})
    if (set)
      return fail(llvm::Twine("--pipeline-options: ") + name +
                  " is part of the ahead-of-time ABI (docs/aot.md), which "
                  "rope-aot fixes: leave it out");

  std::string resolvedCpu, features;
  auto tm = createTargetMachine(resolvedCpu, features);
  if (!tm)
    return fail(llvm::toString(tm.takeError()));
  options.cpu = resolvedCpu;
  options.cpuFeatures = features;
  options.destinationResults = true;
  options.statusChecks = true;
  options.emitCInterface = true;
  if (!cuda && !options.verify(optionStream))
    return fail("--pipeline-options: " + StringRef(optionErrors).rtrim());

  DialectRegistry registry;
  rope::registerAllRopeDialects(registry);
  MLIRContext context(registry);
  // Diagnostics name the location; the op's generic form would bury it.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputFile, sourceMgr, ParserConfig(&context));
  if (!module)
    return 1;

  // The ABI, from the functions as written.
  SmallVector<rope_aot::KernelSignature> kernels;
  for (auto func : module->getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    rope_aot::KernelSignature k;
    k.name = func.getSymName().str();
    if (!isCIdentifier(k.name)) {
      func.emitError("cannot compile ahead of time: '")
          << k.name << "' is not a C identifier ([A-Za-z_][A-Za-z0-9_]*), "
          << "and the header declares _mlir_ciface_" << k.name;
      return 1;
    }
    for (const rope_aot::KernelSignature &other : kernels)
      if (StringRef(other.name).upper() == StringRef(k.name).upper()) {
        func.emitError("cannot compile ahead of time: '")
            << k.name << "' and '" << other.name << "' both give the status "
            << "names " << StringRef(k.name).upper()
            << "_* in the header: rename one";
        return 1;
      }
    k.inputs.append(func.getArgumentTypes().begin(),
                    func.getArgumentTypes().end());
    // A result that updates an argument (a KV cache) is written in that
    // argument's buffer, not into an output of its own.
    k.inputsUpdated.assign(func.getNumArguments(), false);
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      if (std::optional<unsigned> arg = rope::inPlaceArgument(func, i))
        k.inputsUpdated[*arg] = true;
      else
        k.outputs.push_back(type);
    }
    for (Type t : llvm::concat<Type>(k.inputs, k.outputs)) {
      std::string why;
      if (!rope_aot::isSupportedType(t, why)) {
        func.emitError("cannot compile ahead of time: ") << why;
        return 1;
      }
    }
    kernels.push_back(std::move(k));
  }
  if (kernels.empty())
    return fail(inputFile + ": no public function with a body");

  std::string headerPath = headerFile;
  if (headerPath.empty()) {
    llvm::SmallString<256> path(outputFile.getValue());
    llvm::sys::path::replace_extension(path, "h");
    headerPath = std::string(path);
  }
  if (samePath(headerPath, outputFile))
    return fail("the header and the object would both be written to '" +
                outputFile + "': give -o an object name (kernel.o) or "
                "--header another file");
  for (const std::string &out : {outputFile.getValue(), headerPath})
    if (samePath(out, inputFile))
      return fail("'" + out + "' is the input file: name another output");
  // A device or other special file (-o /dev/null) has no sibling for the
  // header: it must be named.
  if (headerFile.empty() && llvm::sys::fs::exists(outputFile) &&
      !llvm::sys::fs::is_regular_file(outputFile))
    return fail("-o '" + outputFile + "' is not a regular file: give the "
                "header's name with --header");

  // Each kernel's own function leaves the C symbol space (see
  // kInnerPrefix); its C entry point gets the kernel's name back below.
  for (const rope_aot::KernelSignature &k : kernels) {
    auto func = module->lookupSymbol<func::FuncOp>(k.name);
    std::string inner = (kInnerPrefix + k.name).str();
    if (module->lookupSymbol(inner))
      return fail("'" + inner + "' is taken: rename that function");
    if (failed(SymbolTable::replaceAllSymbolUses(
            func, StringAttr::get(&context, inner), *module)))
      return fail("cannot rename '" + k.name + "'");
    func.setSymName(inner);
  }

  PassManager pm(&context);
  if (cuda) {
    // Caller-provided device buffers; `_mlir_ciface_` entry points.
    pm.addPass(rope::createRopeDestinationResultsPass());
    gpuOptions.emitCInterface = true;
    rope::buildRopeGPUPipeline(pm, gpuOptions);
  } else {
    rope::buildRopeCPUPipeline(pm, options);
  }
  if (failed(pm.run(*module)))
    return 1;
  // Exported: the C entry points, under the kernels' names. Everything
  // else the module defines is internal to the object.
  for (rope_aot::KernelSignature &k : kernels) {
    std::string inner = (kInnerPrefix + k.name).str();
    if (auto entry =
            module->lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_" + inner))
      entry.setSymName("_mlir_ciface_" + k.name);
  }
  for (auto func : module->getOps<LLVM::LLVMFuncOp>())
    if (!func.isExternal() && !func.getSymName().starts_with("_mlir_ciface_"))
      func.setLinkage(LLVM::Linkage::Internal);
  for (auto global : module->getOps<LLVM::GlobalOp>())
    if (global.getLinkage() != LLVM::Linkage::External ||
        global.getInitializerRegion().empty() == false ||
        global.getValueOrNull())
      global.setLinkage(LLVM::Linkage::Internal);
  for (rope_aot::KernelSignature &k : kernels) {
    auto func =
        module->lookupSymbol<LLVM::LLVMFuncOp>((kInnerPrefix + k.name).str());
    auto messages = func ? func->getAttrOfType<ArrayAttr>(
                               rope::RopeDialect::StatusMessagesAttrHelper::getNameStr())
                         : ArrayAttr();
    if (messages)
      for (StringRef m : messages.getAsValueRange<StringAttr>()) {
        // "argument N: ..." as the header names the parameter (in0, out1).
        unsigned n;
        StringRef rest = m;
        if (rest.consume_front("argument ") && !rest.consumeInteger(10, n) &&
            rest.starts_with(":")) {
          size_t numInputs = k.inputs.size();
          k.statusMessages.push_back(
              (n < numInputs ? "in" + std::to_string(n)
                             : "out" + std::to_string(n - numInputs)) +
              rest.str());
          continue;
        }
        k.statusMessages.push_back(m.str());
      }
  }

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext, inputFile);
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  llvmModule->setTargetTriple((*tm)->getTargetTriple());
  llvmModule->setDataLayout((*tm)->createDataLayout());
  if (llvm::Error e = makeOptimizingTransformer(3, 0, tm->get())(
          llvmModule.get()))
    return fail("LLVM optimization: " + llvm::toString(std::move(e)));

  llvm::SmallVector<char, 0> objectBytes;
  {
    llvm::raw_svector_ostream objectStream(objectBytes);
    llvm::legacy::PassManager codegen;
    if ((*tm)->addPassesToEmitFile(codegen, objectStream, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
      return fail("the target cannot emit object files");
    codegen.run(*llvmModule);
  }
  // What the object needs from the C library and the compiler runtime:
  // calls LLVM makes where the CPU has no instruction (fma, roundeven on
  // x86-64 without FMA and SSE4.1) are slow, and need -lm.
  SmallVector<std::string> libm, runtime, other;
  for (const std::string &name : undefinedSymbols(
           StringRef(objectBytes.data(), objectBytes.size()))) {
    StringRef n = name;
    if (n.starts_with("__kmpc_") || n.starts_with("omp_"))
      continue; // said with parallel=true
    if (n.starts_with("__") && (n.ends_with("hfsf2") || n.ends_with("sfhf2") ||
                                n.ends_with("sfbf2") || n.ends_with("bfsf2") ||
                                n.ends_with("hfdf2") || n.ends_with("dfhf2")))
      runtime.push_back(name);
    else if (llvm::is_contained(
                 {"fma", "fmaf", "roundeven", "roundevenf", "sin", "sinf",
                  "cos", "cosf", "exp", "expf", "log", "logf", "pow", "powf",
                  "floor", "floorf", "ceil", "ceilf", "rint", "rintf",
                  "nearbyint", "nearbyintf", "trunc", "truncf", "round",
                  "roundf", "sqrt", "sqrtf"},
                 n))
      libm.push_back(name);
    else
      other.push_back(name);
  }
  if (!libm.empty())
    llvm::errs() << "rope-aot: warning: cpu " << resolvedCpu
                 << " has no instruction for " << llvm::join(libm, ", ")
                 << ": the kernels call libm for them (link with -lm) and run "
                    "many times slower than on a CPU that has them (x86: "
                    "x86-64-v3 or newer, with FMA and SSE4.1)\n";

  std::error_code ec;
  llvm::ToolOutputFile object(outputFile, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(outputFile + ": " + ec.message());
  object.os().write(objectBytes.data(), objectBytes.size());

  llvm::ToolOutputFile header(headerPath, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail(headerPath + ": " + ec.message());
  std::string guard = "ROPE_AOT_" +
                      llvm::StringRef(llvm::sys::path::stem(headerPath)).upper() +
                      "_H";
  for (char &c : guard)
    if (!llvm::isAlnum(c))
      c = '_';
  std::string description;
  llvm::raw_string_ostream d(description);
  d << "   From " << llvm::sys::path::filename(inputFile) << " for "
    << (*tm)->getTargetTriple().str() << ", cpu " << resolvedCpu;
  if (!cpuFeatures.empty())
    d << " (features " << cpuFeatures << ")";
  if (cuda)
    d << ", CUDA kernels (" << gpuPipelineOptions
      << "): every buffer is device memory; link an mgpu* runtime "
         "(librope_cuda_runtime)";
  d << ".\n   " << (cuda ? "Host code without threads." : options.parallel
                          ? "Token tiles run on OpenMP threads: link libomp "
                            "(clang -fopenmp)."
                          : "No threads (parallel=false): no OpenMP "
                            "dependence.")
    << "\n";
  if (!libm.empty())
    d << "   Calls libm (link with -lm; this CPU has no instruction for "
         "them): "
      << llvm::join(libm, ", ") << ".\n";
  if (!runtime.empty())
    d << "   Calls the compiler runtime (libgcc or compiler-rt): "
      << llvm::join(runtime, ", ") << ".\n";
  if (!other.empty())
    d << "   Other undefined symbols: " << llvm::join(other, ", ") << ".\n";
  rope_aot::writeHeader(header.os(), guard, description, kernels,
                        /*returnsStatus=*/!cuda);
  object.keep();
  header.keep();
  return 0;
}
