//===- fuzz-lower.cpp - libFuzzer target: rope IR through both pipelines --===//
//
// The bytes choose a rope.rotate configuration (RopeIRGenerator), written as
// IR that verifies. It must parse, and every verified module must lower
// through the CPU pipeline and translate to LLVM IR, and through the GPU
// pipeline to PTX; a failure on verified IR is a defect (the input is saved
// and the diagnostics printed). ROPE_FUZZ_PRINT=1 prints each generated
// module, to turn a saved input into a regression test.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"
#include "RopeIRGenerator.h"

#include "rope/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider provider(data, size);
  rope::fuzz::GeneratedIR generated = rope::fuzz::generateRopeIR(provider);
  const std::string &ir = generated.text;
  if (std::getenv("ROPE_FUZZ_PRINT"))
    llvm::errs() << ir << "\n";

  MLIRContext context(rope::fuzz::fuzzRegistry(),
                      MLIRContext::Threading::DISABLED);
  std::string diagnostics;
  ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diag) {
    diagnostics += diag.str() + "\n";
    return success();
  });

  ParserConfig unverified(&context, /*verifyAfterParse=*/false);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &context);
  if (!module) {
    // Rejected by a verifier (a parameter chosen out of range): fine. Text
    // that does not even parse, op verifiers off, is a generator bug.
    if (!generated.invalidAttribute &&
        !parseSourceString<ModuleOp>(ir, unverified))
      rope::fuzz::reportDefect("generated IR does not parse", ir, diagnostics);
    return 0;
  }

  {
    OwningOpRef<ModuleOp> cpu = module->clone();
    PassManager pm(&context);
    rope::RopeCPUPipelineOptions options;
    options.vectorWidth = provider.PickValueInArray({0, 4, 8, 16});
    options.parallel = provider.ConsumeBool();
    rope::buildRopeCPUPipeline(pm, options);
    if (failed(pm.run(*cpu)))
      rope::fuzz::reportDefect("CPU pipeline failed on verified IR", ir,
                               diagnostics);
    llvm::LLVMContext llvmContext;
    if (!translateModuleToLLVMIR(*cpu, llvmContext))
      rope::fuzz::reportDefect("CPU pipeline output does not translate", ir,
                               diagnostics);
  }
  {
    OwningOpRef<ModuleOp> gpu = module->clone();
    PassManager pm(&context);
    rope::RopeGPUPipelineOptions options;
    options.chip = "sm_90";
    options.features = "+ptx80";
    options.format = "isa";
    rope::buildRopeGPUPipeline(pm, options);
    if (failed(pm.run(*gpu)))
      rope::fuzz::reportDefect("GPU pipeline failed on verified IR", ir,
                               diagnostics);
  }
  return 0;
}
