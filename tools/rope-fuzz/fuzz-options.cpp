//===- fuzz-options.cpp - libFuzzer target: pipeline option strings -------===//
//
// Any text as the options of rope-cpu-pipeline and rope-gpu-pipeline: parse
// and verify fail with a message, or the pipeline builds, on a pass manager
// anchored on the module and on one nested below it, and an accepted CPU
// pipeline runs on a small module without a crash. Never a crash, abort or
// sanitizer report (it found LLVM ERROR aborts and a SIGFPE for block-size
// 0 before the options were checked).
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "rope/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace {
const char *kModule = R"mlir(
func.func @k(%x: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x2x8xf32>
}
)mlir";

template <typename OptionsT, typename BuildFn>
void fuzzPipeline(MLIRContext &context, StringRef text, BuildFn build,
                  bool run) {
  OptionsT options;
  std::string errors;
  llvm::raw_string_ostream os(errors);
  // Parse errors of llvm::cl values go to errs(): not a defect.
  if (failed(options.parseFromString(text, os)) || !options.verify(os))
    return;
  PassManager nested(&context);
  build(nested.nest("func.func"), options); // refused with a failing pass
  PassManager pm(&context);
  build(pm, options);
  if (!run)
    return;
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &context);
  if (!module)
    rope::fuzz::reportDefect("the seed module does not parse", text.str(), "");
  (void)pm.run(*module);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(rope::fuzz::fuzzRegistry(),
                      MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) { return success(); });
  std::string text(reinterpret_cast<const char *>(data), size);
  // Running the CPU pipeline costs ~0.1 s: one input in 8 (and only the
  // untiled or small-tile forms, which are quick).
  bool run = size > 0 && data[0] % 8 == 0;
  fuzzPipeline<rope::RopeCPUPipelineOptions>(
      context, text,
      [](OpPassManager &pm, const rope::RopeCPUPipelineOptions &o) {
        rope::buildRopeCPUPipeline(pm, o);
      },
      run);
  fuzzPipeline<rope::RopeGPUPipelineOptions>(
      context, text,
      [](OpPassManager &pm, const rope::RopeGPUPipelineOptions &o) {
        rope::buildRopeGPUPipeline(pm, o);
      },
      /*run=*/false);
  return 0;
}
