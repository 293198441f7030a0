//===- DestinationResults.cpp - rope-destination-results pass -------------===//
//
// Tensor results of public functions become caller-provided memrefs, the
// ABI of ahead-of-time kernels: the caller owns every buffer.
//
//===----------------------------------------------------------------------===//

#include "rope/ABI/Passes.h"
#include "rope/ABI/InPlaceResults.h"

#include "rope/Dialect/Rope/Utils/RuntimeChecks.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace mlir::rope {
#define GEN_PASS_DEF_ROPEDESTINATIONRESULTSPASS
#include "rope/ABI/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;

namespace {
struct RopeDestinationResultsPass
    : rope::impl::RopeDestinationResultsPassBase<RopeDestinationResultsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      if (failed(rewrite(func)))
        return signalPassFailure();
    }
  }

  /// A rope op overwrites all of its init, so its init becomes the
  /// caller's buffer itself (`to_tensor ... restrict writable`): the op
  /// computes straight into it and the materialization is no copy. (Through
  /// empty-tensor elimination instead, an init reaching the op through the
  /// scf.if of rope-tile-and-fuse's head-split version would be a temporary
  /// copied at the end.) Other producers are copied into the buffer.
  void useCallerBuffer(Value value, Value buffer) {
    auto dps = value.getDefiningOp<DestinationStyleOpInterface>();
    // Every rope op writes all of its outs (none reads them).
    if (!dps || !isa_and_nonnull<rope::RopeDialect>(dps->getDialect()))
      return;
    OpOperand *init = dps.getTiedOpOperand(cast<OpResult>(value));
    if (init->get().getDefiningOp<bufferization::ToTensorOp>())
      return; // a second result of the same value
    OpBuilder b(dps);
    auto toTensor = bufferization::ToTensorOp::create(
        b, dps->getLoc(), init->get().getType(), buffer);
    toTensor.setRestrict(true);
    toTensor.setWritable(true);
    init->set(toTensor);
  }

  /// A caller buffer of another size would be written out of bounds, so
  /// its dynamic sizes are checked before anything writes it: before the
  /// destination-style op computing `value` (against its init's sizes), or
  /// else before the copy at `ret`.
  void buildSizeCheck(Value value, Operation *ret, Value buffer,
                      unsigned index) {
    Operation *at = ret;
    Value sized = value;
    if (auto dps = value.getDefiningOp<DestinationStyleOpInterface>()) {
      at = dps;
      sized = dps.getTiedOpOperand(cast<OpResult>(value))->get();
    }
    OpBuilder b(at);
    rope::buildBufferSizeCheck(b, ret->getLoc(), sized, buffer,
                               "result " + llvm::Twine(index) +
                                   ": the caller's output buffer has another "
                                   "size than the result");
  }

  LogicalResult rewrite(func::FuncOp func) {
    FunctionType type = func.getFunctionType();
    if (type.getNumResults() == 0)
      return success();
    // Results that update an argument (a KV cache) are written into that
    // argument's buffer; the other arguments are only read.
    SmallVector<std::optional<unsigned>> inPlace;
    for (unsigned i = 0; i < type.getNumResults(); ++i)
      inPlace.push_back(rope::inPlaceArgument(func, i));
    SmallVector<Type> outs;
    SmallVector<unsigned> outResults;
    for (auto [index, result] : llvm::enumerate(type.getResults())) {
      if (inPlace[index])
        continue;
      outResults.push_back(index);
      auto tensor = dyn_cast<RankedTensorType>(result);
      if (!tensor)
        return func.emitOpError("result of type ")
               << result << " cannot be a caller-provided buffer: "
               << "every result must be a ranked tensor";
      outs.push_back(
          MemRefType::get(tensor.getShape(), tensor.getElementType()));
    }
    Block &body = func.getBody().front();
    if (!func.getBody().hasOneBlock())
      return func.emitOpError("expected a single-block body");
    unsigned first = type.getNumInputs();
    for (Type out : outs)
      body.addArgument(out, func.getLoc());
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    OpBuilder b(ret);
    // Updates of arguments stay results until bufferization has put them in
    // their arguments' buffers (rope-drop-in-place-results then drops them).
    SmallVector<Value> kept;
    SmallVector<Type> keptTypes;
    SmallVector<unsigned> keptArgs;
    for (auto [index, value] : llvm::enumerate(ret.getOperands()))
      if (inPlace[index]) {
        kept.push_back(value);
        keptTypes.push_back(value.getType());
        keptArgs.push_back(*inPlace[index]);
      }
    for (auto [i, index] : llvm::enumerate(outResults)) {
      Value value = ret.getOperand(index);
      buildSizeCheck(value, ret, body.getArgument(first + i), i);
      useCallerBuffer(value, body.getArgument(first + i));
      auto store = bufferization::MaterializeInDestinationOp::create(
          b, ret.getLoc(), TypeRange{}, value, body.getArgument(first + i));
      store.setRestrict(true);
      store.setWritable(true);
    }
    func::ReturnOp::create(b, ret.getLoc(), kept);
    ret.erase();
    SmallVector<Type> inputs(type.getInputs());
    inputs.append(outs);
    func.setFunctionType(FunctionType::get(&getContext(), inputs, keptTypes));
    // Arguments' attributes (none for the new ones).
    if (ArrayAttr args = func.getAllArgAttrs()) {
      SmallVector<Attribute> all(args.getValue());
      all.resize(inputs.size(), DictionaryAttr::get(&getContext()));
      func.setAllArgAttrs(all);
    }
    func.removeResAttrsAttr();
    for (auto [i, arg] : llvm::enumerate(keptArgs))
      func.setResultAttr(i, rope::kInPlaceAttrName,
                         IntegerAttr::get(IntegerType::get(&getContext(), 64),
                                          arg));
    for (unsigned a = 0; a < type.getNumInputs(); ++a)
      if (isa<TensorType>(type.getInput(a)) &&
          !llvm::is_contained(keptArgs, a))
        func.setArgAttr(a,
                        bufferization::BufferizationDialect::kWritableAttrName,
                        BoolAttr::get(&getContext(), false));
    return success();
  }
};
} // namespace
