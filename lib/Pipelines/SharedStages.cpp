//===- SharedStages.cpp - Pieces both pipelines build ---------------------===//

#include "SharedStages.h"

#include "rope/ABI/Passes.h"
#include "rope/Pipelines/Passes.h"
#include "rope/Pipelines/Pipelines.h"

#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::rope;

namespace {
/// Dialects both pipelines take as input: the rope ops among ordinary
/// tensor computations (and LLVM's, which they lower to: the message
/// globals of one pipeline's run-time checks taken by the other).
const char *const kInputDialects[] = {
    "builtin", "func",   "rope", "arith",   "math",          "tensor",
    "linalg",  "scf",    "cf",   "index",   "bufferization", "memref",
    "vector",  "affine", "ub",   "complex", "llvm"};

void addCheck(OpPassManager &pm, ArrayRef<const char *> dialects,
              StringRef pipeline, bool input) {
  RopeCheckDialectsPassOptions check;
  check.dialects = llvm::to_vector_of<std::string>(dialects);
  check.pipeline = pipeline.str();
  check.input = input;
  pm.addPass(createRopeCheckDialectsPass(check));
}
} // namespace

void mlir::rope::addRopeToTiledLinalgPasses(
    OpPassManager &pm, std::optional<RopeTileAndFusePassOptions> tiling,
    const ConvertRopeToLinalgPassOptions &toLinalg) {
  if (tiling) {
    pm.addPass(createRopeTileAndFusePass(*tiling));
    // Elementwise consumers (fp8 quantization) and input data copied into
    // caches: in the same token loop.
    if (tiling->fuseNeighbours) {
      pm.addPass(createRopeFuseConsumersPass());
      pm.addPass(createRopeFuseSiblingCopiesPass());
      // v quantized for an fp8 paged cache: row by row in the row loop.
      pm.addPass(createRopeFuseIntoRowLoopsPass());
    }
  }
  pm.addPass(createConvertRopeToLinalgPass(toLinalg));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::rope::addBufferizationPasses(OpPassManager &pm) {
  // Results stored with bufferization.materialize_in_destination into
  // caller buffers are computed in those buffers directly.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(options));
  // The caller frees every returned buffer: none may be a global or an
  // argument.
  pm.addPass(createRopeOwnReturnedBuffersPass());
  // Updates of arguments (the ahead-of-time ABI's in-place results) are in
  // the arguments' buffers now.
  pm.addPass(createRopeDropInPlaceResultsPass());
  // In-place insert_slice leaves copies of a subview onto an identical
  // subview; CSE merges the subviews and canonicalization drops the copies.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::rope::addStageCheck(OpPassManager &pm, StringRef stage,
                               ArrayRef<StringRef> conditions) {
  RopeCheckStagePassOptions check;
  check.stage = stage.str();
  check.conditions = llvm::to_vector_of<std::string>(conditions);
  pm.addPass(createRopeCheckStagePass(check));
}

void mlir::rope::addRopePipelineInputCheck(OpPassManager &pm,
                                           StringRef pipeline,
                                           ArrayRef<const char *> extra) {
  SmallVector<const char *> dialects(std::begin(kInputDialects),
                                     std::end(kInputDialects));
  llvm::append_range(dialects, extra);
  addCheck(pm, dialects, pipeline, /*input=*/true);
}

void mlir::rope::addRopePipelineOutputCheck(OpPassManager &pm,
                                            ArrayRef<const char *> dialects,
                                            StringRef pipeline) {
  addCheck(pm, dialects, pipeline, /*input=*/false);
}
