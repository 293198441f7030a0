//===- InPlaceResults.cpp - results that update an argument ---------------===//

#include "rope/ABI/InPlaceResults.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

/// The argument `value` is a partial update of (slices inserted into it,
/// directly or by an scf.forall over its slices), if any. (An op writing
/// all of an argument, `outs(%arg)`, is not: that result stays an output.)
static std::optional<unsigned> rootArgument(func::FuncOp func, Value value) {
  Block &body = func.getBody().front();
  if (!isa<RankedTensorType>(value.getType()))
    return std::nullopt;
  for (int depth = 0; depth < 64; ++depth) {
    // An argument returned as it is was not updated: it stays a result.
    if (auto arg = dyn_cast<BlockArgument>(value))
      return arg.getOwner() == &body && depth > 0
                 ? std::optional(arg.getArgNumber())
                 : std::nullopt;
    Operation *def = value.getDefiningOp();
    if (auto insert = dyn_cast<tensor::InsertSliceOp>(def))
      value = insert.getDest();
    else if (auto forall = dyn_cast<scf::ForallOp>(def))
      value = forall.getOutputs()[cast<OpResult>(value).getResultNumber()];
    else
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<unsigned> mlir::rope::inPlaceArgument(func::FuncOp func,
                                                   unsigned index) {
  if (func.isExternal() || !func.getBody().hasOneBlock())
    return std::nullopt;
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  std::optional<unsigned> arg = rootArgument(func, ret.getOperand(index));
  if (!arg)
    return std::nullopt;
  for (unsigned other = 0; other < ret.getNumOperands(); ++other)
    if (other != index && rootArgument(func, ret.getOperand(other)) == arg)
      return std::nullopt;
  return arg;
}
