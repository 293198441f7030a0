//===- JIT.cpp - Host JIT and memref descriptors for rope tools -----------===//

#include "rope/Runner/JIT.h"

#include "mlir/ExecutionEngine/OptUtils.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>

using namespace mlir;

void mlir::rope::initHostJITTool(int argc, char **argv,
                                 llvm::cl::OptionCategory &category,
                                 StringRef overview) {
  llvm::cl::HideUnrelatedOptions(category);
  llvm::cl::ParseCommandLineOptions(argc, argv, overview);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
}

llvm::Expected<std::unique_ptr<ExecutionEngine>>
mlir::rope::createHostExecutionEngine(ModuleOp module,
                                      ArrayRef<StringRef> sharedLibs) {
  auto tmBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!tmBuilder)
    return tmBuilder.takeError();
  tmBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto tm = tmBuilder->createTargetMachine();
  if (!tm)
    return tm.takeError();
  auto transformer = makeOptimizingTransformer(3, 0, tm->get());
  ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  options.sharedLibPaths = sharedLibs;
  // ROPE_PERF_JIT=1: jitdump files for `perf record -k 1` + `perf inject
  // --jit`, which then names the JIT-compiled kernels.
  options.enablePerfNotificationListener = std::getenv("ROPE_PERF_JIT");
  return ExecutionEngine::create(module, options, std::move(*tm));
}

std::vector<int64_t> mlir::rope::makeDescriptor(void *data,
                                                ArrayRef<int64_t> shape) {
  const int64_t rank = shape.size();
  std::vector<int64_t> words(3 + 2 * rank, 0);
  std::memcpy(&words[0], &data, sizeof(void *));
  std::memcpy(&words[1], &data, sizeof(void *));
  int64_t stride = 1;
  for (int64_t i = rank - 1; i >= 0; --i) {
    words[3 + i] = shape[i];
    words[3 + rank + i] = stride;
    stride *= shape[i];
  }
  return words;
}
