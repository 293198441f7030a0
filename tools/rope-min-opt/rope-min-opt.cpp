//===- rope-min-opt.cpp - The smallest driver of the rope pipelines -------===//
//
// What a compiler that embeds rope-mlir registers: its own dialects (here
// func, arith, tensor, linalg, math: what the input IR uses), then
// registerRopePipelineDependencies, then the rope passes and pipelines. No
// registerAllDialects/registerAllExtensions; the lit suite runs both
// pipelines through it (test/Tools/minimal-driver.mlir).
//
//===----------------------------------------------------------------------===//

#include "rope/Pipelines/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::tensor::TensorDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect>();
  mlir::rope::registerRopePipelineDependencies(registry);
  mlir::rope::registerRopePassesAndPipelines();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "rope-mlir minimal driver\n", registry));
}
