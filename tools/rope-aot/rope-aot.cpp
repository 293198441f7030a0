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

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/InitAllRope.h"
#include "rope/Dialect/Rope/Transforms/Passes.h"
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
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
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

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input .mlir>"),
                                      cl::Required);
static cl::opt<std::string> outputFile("o", cl::desc("Object file to write"),
                                       cl::value_desc("file.o"), cl::Required);
static cl::opt<std::string>
    headerFile("header", cl::desc("C header to write (default: the object's "
                                  "name with .h)"),
               cl::init(""));
static cl::opt<std::string>
    cpu("cpu", cl::desc("Target CPU as LLVM names it (x86-64-v3, "
                        "sapphirerapids, znver4, ...; host: this machine's)"),
        cl::init(""));
static cl::opt<std::string>
    cpuFeatures("cpu-features",
                cl::desc("LLVM features added to the CPU's (+avx512f,-avx512bf16)"),
                cl::init(""));
static cl::opt<std::string>
    triple("triple", cl::desc("Target triple (default: LLVM's default "
                              "target triple)"),
           cl::init(""));
static cl::opt<std::string>
    target("target", cl::desc("cpu: rope-cpu-pipeline kernels; cuda: "
                              "rope-gpu-pipeline kernels (host code for --cpu "
                              "with the PTX/cubin embedded, calling the mgpu* "
                              "runtime; buffers are device memory)"),
           cl::init("cpu"));
static cl::opt<std::string> gpuPipelineOptions(
    "gpu-pipeline-options",
    cl::desc("rope-gpu-pipeline options with --target=cuda"),
    cl::init("chip=sm_90 format=isa"));
static cl::opt<std::string> pipelineOptions(
    "pipeline-options",
    cl::desc("rope-cpu-pipeline options, e.g. \"parallel=false token-tile=16\" "
             "(cpu and cpu-features come from --cpu/--cpu-features)"),
    cl::init(""));

namespace {
int fail(const llvm::Twine &message) {
  llvm::errs() << "rope-aot: " << message << "\n";
  return 1;
}

/// The target machine for --triple/--cpu/--cpu-features.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(std::string &resolvedCpu, std::string &features) {
  llvm::Triple target(triple.empty() ? llvm::sys::getDefaultTargetTriple()
                                     : triple.getValue());
  std::string error;
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(target, error);
  if (!t)
    return llvm::createStringError("triple '" + target.str() + "': " + error);
  resolvedCpu = cpu;
  features = cpuFeatures;
  if (cpu == "host") {
    resolvedCpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures host;
    for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
      host.AddFeature(name, on);
    features = host.getString() + (features.empty() ? "" : "," + features);
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(t->createTargetMachine(
      target, resolvedCpu, features, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return llvm::createStringError("cannot create a target machine for " +
                                   target.str());
  const llvm::MCSubtargetInfo *sti = tm->getMCSubtargetInfo();
  if (!sti->isCPUStringValid(resolvedCpu))
    return llvm::createStringError("'" + resolvedCpu +
                                   "' is not a CPU of " + target.str());
  return std::move(tm);
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  cl::ParseCommandLineOptions(argc, argv,
                              "rope-mlir ahead-of-time kernel compiler\n");
  if (cpu.empty())
    return fail("--cpu is required: the CPU the kernels are for (e.g. "
                "x86-64-v3, sapphirerapids, znver4; host for this machine)");

  if (target != "cpu" && target != "cuda")
    return fail("--target must be cpu or cuda, not '" + target + "'");
  const bool cuda = target == "cuda";
  rope::RopeGPUPipelineOptions gpuOptions;
  std::string gpuErrors;
  llvm::raw_string_ostream gpuStream(gpuErrors);
  if (cuda && failed(gpuOptions.parseFromString(gpuPipelineOptions, gpuStream)))
    return fail("--gpu-pipeline-options: " + gpuErrors);
  rope::RopeCPUPipelineOptions options;
  std::string optionErrors;
  llvm::raw_string_ostream optionStream(optionErrors);
  if (failed(options.parseFromString(pipelineOptions, optionStream)))
    return fail("--pipeline-options: " + optionErrors);
  if (options.cpu.hasValue() || options.cpuFeatures.hasValue())
    return fail("--pipeline-options: give the target with --cpu and "
                "--cpu-features, not cpu= or cpu-features=");

  std::string resolvedCpu, features;
  auto tm = createTargetMachine(resolvedCpu, features);
  if (!tm)
    return fail(llvm::toString(tm.takeError()));
  options.cpu = resolvedCpu;
  options.cpuFeatures = features;
  options.destinationResults = true;
  options.statusChecks = true;
  options.emitCInterface = true;

  DialectRegistry registry;
  rope::registerAllRopeDialects(registry);
  MLIRContext context(registry);
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
    k.inputs.append(func.getArgumentTypes().begin(),
                    func.getArgumentTypes().end());
    k.outputs.append(func.getResultTypes().begin(),
                     func.getResultTypes().end());
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
  for (rope_aot::KernelSignature &k : kernels) {
    auto func = module->lookupSymbol<LLVM::LLVMFuncOp>(k.name);
    auto messages = func ? func->getAttrOfType<ArrayAttr>(
                               rope::RopeDialect::getStatusMessagesAttrName())
                         : ArrayAttr();
    if (messages)
      for (auto m : messages.getAsValueRange<StringAttr>())
        k.statusMessages.push_back(m.str());
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

  std::error_code ec;
  llvm::ToolOutputFile object(outputFile, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(outputFile + ": " + ec.message());
  llvm::legacy::PassManager codegen;
  if ((*tm)->addPassesToEmitFile(codegen, object.os(), nullptr,
                                 llvm::CodeGenFileType::ObjectFile))
    return fail("the target cannot emit object files");
  codegen.run(*llvmModule);

  std::string headerPath = headerFile;
  if (headerPath.empty()) {
    llvm::SmallString<256> path(outputFile.getValue());
    llvm::sys::path::replace_extension(path, "h");
    headerPath = std::string(path);
  }
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
  rope_aot::writeHeader(header.os(), guard, description, kernels,
                        /*returnsStatus=*/!cuda);
  object.keep();
  header.keep();
  return 0;
}
