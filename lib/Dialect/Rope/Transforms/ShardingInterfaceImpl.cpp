//===- ShardingInterfaceImpl.cpp - The rope ops in the shard dialect ------===//
//
// Each rope op is described to the partitioner by parallel loops over the
// dimensions of its data tensors (tokens, heads, head_dim) and, per operand
// and result, the loop of each leading tensor dimension; dimensions not
// listed (table widths, caches, frequency tensors) stay whole, so the
// upstream default sharding rules replicate them. A rotation mixes the two
// halves of a pair, so head_dim is never split: a sharding that asks for it
// is answered with an unsplit one (propagation then reshards the operand to
// replicated along head_dim) and a partition asked to split it is an error
// naming the op. Every token, batch and head split needs no communication;
// with implicit positions (`offset`) a split of the sequence dimension moves
// each process's offset by the global index of its first token.
//
//===----------------------------------------------------------------------===//

#include "rope/Dialect/Rope/Transforms/ShardingInterfaceImpl.h"

#include "rope/Dialect/Rope/IR/RopeDialect.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Shard/Interfaces/ShardingInterface.h"
#include "mlir/Dialect/Shard/Interfaces/ShardingInterfaceImpl.h"
#include "mlir/Dialect/Shard/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mlir::rope;
using namespace mlir::shard;

namespace {

/// A loop the partitioner must not split, and why.
struct FixedLoop {
  int64_t loop;
  StringRef what;
};

/// The loops of one rope op as the partitioner sees them.
struct Loops {
  int64_t count = 0;
  /// Per operand, then per result: the loop of each leading tensor dim.
  SmallVector<SmallVector<int64_t>> dims;
  SmallVector<FixedLoop> fixed;
  /// The loop of the sequence index `s` in `offset + s`, and the operand
  /// number of `offset`, for ops with implicit positions.
  std::optional<int64_t> sequence;
  std::optional<unsigned> offsetOperand;
  /// The head loop of rotations (for the grouped-query attention hint).
  std::optional<int64_t> heads;
};

Loops start(Operation *op, int64_t count) {
  Loops l;
  l.count = count;
  l.dims.resize(op->getNumOperands() + op->getNumResults());
  return l;
}

void assign(Loops &l, MutableOperandRange operands, ArrayRef<int64_t> dims) {
  for (OpOperand &operand : operands)
    l.dims[operand.getOperandNumber()].assign(dims.begin(), dims.end());
}

void assignResults(Loops &l, Operation *op, ArrayRef<int64_t> dims) {
  for (unsigned i = 0, e = op->getNumResults(); i < e; ++i)
    l.dims[op->getNumOperands() + i].assign(dims.begin(), dims.end());
}

SmallVector<int64_t> leading(int64_t n) {
  return llvm::to_vector(llvm::seq<int64_t>(0, n));
}

/// Positions: the token loops, behind the position-axis loop for mrope.
SmallVector<int64_t> positionLoops(ArrayRef<int64_t> tokens,
                                   std::optional<int64_t> axisLoop) {
  SmallVector<int64_t> dims;
  if (axisLoop)
    dims.push_back(*axisLoop);
  llvm::append_range(dims, tokens);
  return dims;
}

constexpr StringLiteral kHeadDim = "head_dim (the rotary pairs)";
constexpr StringLiteral kAxes = "the position axes of multimodal RoPE";

Loops describe(RotateOp op) {
  int64_t rank = op.getTensorRank();
  std::optional<int64_t> axis;
  if (op.isMRope())
    axis = rank;
  Loops l = start(op, rank + (axis ? 1 : 0));
  SmallVector<int64_t> data = leading(rank), tokens = op.getTokenDims();
  assign(l, op.getInputsMutable(), data);
  assign(l, op.getInitsMutable(), data);
  assignResults(l, op, data);
  assign(l, op.getPositionsMutable(), positionLoops(tokens, axis));
  if (op.hasPerTokenCache()) {
    assign(l, op.getCosCacheMutable(), tokens);
    assign(l, op.getSinCacheMutable(), tokens);
  }
  l.fixed.push_back({rank - 1, kHeadDim});
  l.heads = op.getHeadCountDim();
  if (axis)
    l.fixed.push_back({*axis, kAxes});
  // Dynamic NTK and LongRoPE's factor choice read max(positions): a token
  // split would give each process its own frequencies.
  if (FrequencyAttrInterface freqs = op.getFreqsAttr();
      freqs && !freqs.getStaticInverseFrequencies(op.getEffectiveRotaryDim()))
    for (int64_t t : tokens)
      l.fixed.push_back({t, "tokens (the frequencies depend on all positions)"});
  if (op.getOffset()) {
    l.sequence = tokens.back();
    l.offsetOperand = op.getOffsetMutable()[0].getOperandNumber();
  }
  return l;
}

Loops describe(ApplyOp op) {
  int64_t rank = getTensorRank(op.getLayout());
  Loops l = start(op, rank);
  SmallVector<int64_t> data = leading(rank),
                       tokens = getTokenDims(op.getLayout());
  assign(l, op.getInputsMutable(), data);
  assign(l, op.getInitsMutable(), data);
  assignResults(l, op, data);
  assign(l, op.getCosMutable(), tokens);
  assign(l, op.getSinMutable(), tokens);
  l.fixed.push_back({rank - 1, kHeadDim});
  l.heads = getHeadCountDim(op.getLayout());
  return l;
}

/// rope.cos_sin and rope.gather: loops over the token shape of the tables.
template <typename TableOp>
Loops describeTable(TableOp op) {
  int64_t tokenRank = op.getCosInit().getType().getRank() - 1;
  std::optional<int64_t> axis;
  if (op.isMRope())
    axis = tokenRank;
  Loops l = start(op, tokenRank + (axis ? 1 : 0));
  SmallVector<int64_t> tokens = leading(tokenRank);
  assign(l, op.getPositionsMutable(), positionLoops(tokens, axis));
  assign(l, op.getCosInitMutable(), tokens);
  assign(l, op.getSinInitMutable(), tokens);
  assignResults(l, op, tokens);
  if (axis)
    l.fixed.push_back({*axis, kAxes});
  return l;
}

Loops describe(CosSinOp op) { return describeTable(op); }
Loops describe(rope::GatherOp op) { return describeTable(op); }

Loops describe(PositionsOp op) {
  int64_t rank = op.getType().getRank();
  Loops l = start(op, rank);
  assign(l, op.getInitMutable(), leading(rank));
  assignResults(l, op, leading(rank));
  l.sequence = rank - 1;
  l.offsetOperand = op.getOffsetMutable().getOperandNumber();
  return l;
}

/// Frequencies: no loops; positions (dynamic types) are read whole.
Loops describe(InvFreqOp op) { return start(op, 0); }

/// Names operand or result `index` of `op` for diagnostics.
std::string nameOf(Operation *op, unsigned index) {
  unsigned n = op->getNumOperands();
  return index < n ? "operand #" + std::to_string(index)
                   : "result #" + std::to_string(index - n);
}

Type typeOf(Operation *op, unsigned index) {
  unsigned n = op->getNumOperands();
  return index < n ? op->getOperand(index).getType()
                   : op->getResult(index - n).getType();
}

/// Every split tensor dimension of a static size must divide evenly over
/// its process group (the shard dialect has no uneven split of our ops).
LogicalResult checkEvenSplits(Operation *op, const Loops &l,
                              ArrayRef<SmallVector<GridAxis>> axes,
                              GridOp grid) {
  for (auto [index, dims] : llvm::enumerate(l.dims)) {
    auto type = dyn_cast<RankedTensorType>(typeOf(op, index));
    if (!type)
      continue;
    for (auto [dim, loop] : llvm::enumerate(dims)) {
      if (loop >= static_cast<int64_t>(axes.size()) || axes[loop].empty())
        continue;
      int64_t size = type.getDimSize(dim);
      int64_t group = collectiveProcessGroupSize(axes[loop], grid);
      if (ShapedType::isDynamic(size) || ShapedType::isDynamic(group) ||
          size % group == 0)
        continue;
      InFlightDiagnostic diag =
          op->emitOpError()
          << "cannot split dimension " << dim << " of " << nameOf(op, index)
          << " (size " << size << ") evenly over " << group
          << " processes of grid @" << grid.getSymName();
      if (l.heads == loop)
        diag << "; with grouped-query attention the key/value head count "
                "must be a multiple of the process count of a head split";
      return diag;
    }
  }
  return success();
}

/// What a partition cannot honour: a split of a dimension the op reads or
/// writes whole (not one of its loops), uneven splits, halos.
LogicalResult checkShardings(Operation *op, const Loops &l,
                             ArrayRef<Sharding> operandShardings,
                             ArrayRef<Sharding> resultShardings) {
  for (auto [index, s] : llvm::enumerate(llvm::concat<const Sharding>(
           operandShardings, resultShardings))) {
    if (!s)
      continue;
    if (!s.getStaticShardedDimsOffsets().empty() ||
        !s.getDynamicShardedDimsOffsets().empty() ||
        !s.getStaticHaloSizes().empty() || !s.getDynamicHaloSizes().empty())
      return op->emitOpError()
             << "takes even splits only: " << nameOf(op, index)
             << " has sharded_dims_offsets or halo_sizes; reshard it to an "
                "even split";
    for (auto [dim, axes] : llvm::enumerate(s.getSplitAxes()))
      if (dim >= l.dims[index].size() && !axes.empty())
        return op->emitOpError()
               << "cannot be partitioned along dimension " << dim << " of "
               << nameOf(op, index)
               << ", which it uses whole (a cos/sin cache gathered by "
                  "position, a table width, frequencies, or positions the "
                  "frequencies depend on); reshard it to replicated";
  }
  return success();
}

template <typename OpTy>
struct RopeShardingModel
    : public ShardingInterface::ExternalModel<RopeShardingModel<OpTy>, OpTy> {
  SmallVector<utils::IteratorType> getLoopIteratorTypes(Operation *op) const {
    return SmallVector<utils::IteratorType>(describe(cast<OpTy>(op)).count,
                                            utils::IteratorType::parallel);
  }

  SmallVector<AffineMap> getIndexingMaps(Operation *op) const {
    Loops l = describe(cast<OpTy>(op));
    return llvm::map_to_vector(l.dims, [&](ArrayRef<int64_t> dims) {
      SmallVector<AffineExpr> exprs = llvm::map_to_vector(
          dims, [&](int64_t d) { return getAffineDimExpr(d, op->getContext()); });
      return AffineMap::get(l.count, 0, exprs, op->getContext());
    });
  }

  FailureOr<ShardingOption>
  getShardingOption(Operation *op, ArrayRef<Sharding> operandShardings,
                    ArrayRef<Sharding> resultShardings) const {
    FailureOr<ShardingOption> option = shard::detail::defaultGetShardingOption(
        op, operandShardings, resultShardings);
    if (failed(option) || option->empty)
      return option;
    // A split only of what the op reads whole (a gathered cache) leaves
    // upstream's option without a grid: take it from that sharding.
    if (!option->grid)
      for (const Sharding &s : llvm::concat<const Sharding>(operandShardings,
                                                            resultShardings))
        if (s)
          option->grid = s.getGridAttr();
    Loops l = describe(cast<OpTy>(op));
    for (FixedLoop fixed : l.fixed)
      if (fixed.loop < static_cast<int64_t>(option->shardingArray.size()))
        option->shardingArray[fixed.loop].clear();
    removeTrailingEmptySubArray(option->shardingArray);
    return option;
  }

  /// The default, for splits that divide every split dimension evenly; an
  /// uneven one is an error naming the op (propagation then fails).
  FailureOr<std::vector<Sharding>>
  getShardingAnnotations(Operation *op, const ShardingOption &option) const {
    SymbolTableCollection symbols;
    if (GridOp grid = getGridOrNull(op, option.grid, symbols))
      if (failed(checkEvenSplits(op, describe(cast<OpTy>(op)),
                                 option.shardingArray, grid)))
        return failure();
    return shard::detail::defaultGetShardingAnnotations(op, option);
  }

  /// The default, except that scalar operands (`offset`) get no annotation:
  /// upstream would give them a `shard.sharding` without a grid.
  LogicalResult addShardingAnnotations(Operation *op, OpBuilder &b,
                                       const ShardingOption &option) const {
    FailureOr<std::vector<Sharding>> shardings =
        cast<ShardingInterface>(op).getShardingAnnotations(option);
    if (failed(shardings))
      return failure();
    unsigned numOperands = op->getNumOperands();
    for (OpResult result : op->getResults())
      maybeInsertTargetShardingAnnotation(
          (*shardings)[numOperands + result.getResultNumber()], result, b);
    for (OpOperand &operand : op->getOpOperands()) {
      if (!isa<RankedTensorType>(operand.get().getType()))
        continue;
      OpBuilder::InsertionGuard guard(b);
      maybeInsertSourceShardingAnnotation(
          (*shardings)[operand.getOperandNumber()], operand, b);
    }
    return success();
  }

  LogicalResult partition(Operation *op, ArrayRef<Value> partitionedOperands,
                          ArrayRef<Sharding> operandShardings,
                          ArrayRef<Sharding> resultShardings,
                          IRMapping &partitionMap,
                          SymbolTableCollection &symbolTable,
                          OpBuilder &builder) const {
    Loops l = describe(cast<OpTy>(op));
    auto sharding = cast<ShardingInterface>(op);
    ShardingArray axes = getGridAxisAssignmentForLoopIterators(
        operandShardings, resultShardings, sharding.getLoopIteratorTypes(),
        sharding.getIndexingMaps());
    for (FixedLoop fixed : l.fixed)
      if (!axes[fixed.loop].empty())
        return op->emitOpError() << "cannot be partitioned along " << fixed.what
                                 << "; reshard that dimension to replicated";

    if (failed(checkShardings(op, l, operandShardings, resultShardings)))
      return failure();
    for (auto [index, value] : llvm::enumerate(partitionedOperands))
      if (!value)
        return op->emitOpError()
               << "operand #" << index << " could not be resharded for it";

    FlatSymbolRefAttr gridName;
    for (const Sharding &s : llvm::concat<const Sharding>(operandShardings,
                                                          resultShardings))
      if (s)
        gridName = s.getGridAttr();
    if (!gridName || llvm::all_of(axes, [](auto &a) { return a.empty(); })) {
      builder.clone(*op, partitionMap);
      return success();
    }
    GridOp grid = getGrid(op, gridName, symbolTable);
    if (failed(checkEvenSplits(op, l, axes, grid)))
      return failure();

    // offset + s on the full sequence is offset + first + s locally, with
    // first = (linear process index along the split axes) * (local size).
    Value offset;
    if (l.offsetOperand && !axes[*l.sequence].empty()) {
      ImplicitLocOpBuilder b(op->getLoc(), builder);
      Value process =
          createProcessLinearIndex(grid.getSymName(), axes[*l.sequence], b);
      Value local;
      for (auto [index, dims] : llvm::enumerate(l.dims)) {
        auto it = llvm::find(dims, *l.sequence);
        if (index >= partitionedOperands.size() || it == dims.end())
          continue;
        // i * local is the first token only when every process has as many
        // tokens, which a static size that divides evenly guarantees.
        int64_t dim = it - dims.begin();
        if (cast<RankedTensorType>(op->getOperand(index).getType())
                .isDynamicDim(dim))
          return op->emitOpError()
                 << "cannot move the implicit positions (offset) of a "
                    "sequence of dynamic size split over processes: give "
                    "the sequence a static size or the op explicit positions";
        local = getValueOrCreateConstantIndexOp(
            b, op->getLoc(),
            tensor::getMixedSize(b, op->getLoc(), partitionedOperands[index],
                                 dim));
        break;
      }
      Value first = arith::MulIOp::create(b, process, local);
      offset = arith::AddIOp::create(
          b, partitionedOperands[*l.offsetOperand], first);
    }

    Operation *partitioned = builder.clone(*op, partitionMap);
    if (offset)
      partitioned->setOperand(*l.offsetOperand, offset);
    for (auto [result, s] :
         llvm::zip_equal(partitioned->getResults(), resultShardings))
      result.setType(shardType(result.getType(), grid, s));
    return success();
  }
};

template <typename... OpTys>
void attach(MLIRContext *ctx) {
  (OpTys::template attachInterface<RopeShardingModel<OpTys>>(*ctx), ...);
}

} // namespace

void mlir::rope::registerShardingInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, RopeDialect *) {
    ctx->loadDialect<arith::ArithDialect, shard::ShardDialect,
                     tensor::TensorDialect>();
    attach<RotateOp, ApplyOp, CosSinOp, rope::GatherOp, PositionsOp, InvFreqOp>(ctx);
  });
}
