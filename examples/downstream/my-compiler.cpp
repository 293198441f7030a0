//===- my-compiler.cpp - a downstream driver of the rope pipelines --------===//
//
// What a compiler embedding rope-mlir does: register its own dialects and
// registerRopePipelineDependencies, parse IR, build a rope pipeline into its
// own PassManager with the pipeline's options struct, print the result.
//
//   my-compiler --pipeline=cpu|gpu [--options="token-tile=16 ..."] FILE
//
//===----------------------------------------------------------------------===//

#include "rope/Pipelines/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

static cl::opt<std::string> input(cl::Positional, cl::desc("<input .mlir>"),
                                  cl::Required);
static cl::opt<std::string> pipeline("pipeline", cl::desc("cpu or gpu"),
                                     cl::init("cpu"));
static cl::opt<std::string> options("options",
                                    cl::desc("The pipeline's options"),
                                    cl::init(""));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "rope-mlir downstream example\n");

  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::tensor::TensorDialect, mlir::linalg::LinalgDialect>();
  mlir::rope::registerRopePipelineDependencies(registry);
  mlir::MLIRContext context(registry);

  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(input, sourceMgr,
                                            mlir::ParserConfig(&context));
  if (!module)
    return 1;

  mlir::PassManager pm(&context);
  if (pipeline == "cpu") {
    auto parsed = mlir::rope::RopeCPUPipelineOptions::createFromString(options);
    if (!parsed)
      return 1;
    mlir::rope::buildRopeCPUPipeline(pm, *parsed);
  } else if (pipeline == "gpu") {
    auto parsed = mlir::rope::RopeGPUPipelineOptions::createFromString(options);
    if (!parsed)
      return 1;
    mlir::rope::buildRopeGPUPipeline(pm, *parsed);
  } else {
    llvm::errs() << "my-compiler: --pipeline must be cpu or gpu, not '"
                 << pipeline << "'\n";
    return 1;
  }
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}
