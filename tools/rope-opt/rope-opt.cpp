//===- rope-opt.cpp - The rope optimizer driver ---------------------------===//
//
// mlir-opt with the rope dialect, its passes and pipelines registered.
//
//===----------------------------------------------------------------------===//

#include "rope/InitAllRope.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::rope::registerAllRopePasses();
  mlir::DialectRegistry registry;
  mlir::rope::registerAllRopeDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "rope-mlir optimizer driver\n", registry));
}
