//===- RopeToGPU.cpp - Lower rope.rotate to a gpu.launch ------------------===//
//
// Kernel shape, for grid (tokens, groups) and blocks of B threads:
//   1. the block's token: position, then cos/sin of its R/2 frequencies,
//      computed once by the first R/2 threads (strided) into shared memory;
//   2. gpu.barrier;
//   3. one work item per thread: a 16-byte vector of one head of one input
//      (both pair elements for `half`, a contiguous run of pairs for
//      `interleaved`, or a piece of the pass-through part), reading cos/sin
//      from shared memory. Work items of all inputs are numbered together,
//      so q and k heads share the block's cos/sin.
//
//===----------------------------------------------------------------------===//

#include "rope/Conversion/Passes.h"

#include "rope/Dialect/Rope/Utils/FrequencyTensors.h"
#include "rope/Dialect/Rope/Utils/LoweringHelpers.h"
#include "rope/Dialect/Rope/Utils/RuntimeChecks.h"
#include "rope/Dialect/Rope/IR/RopeOps.h"
#include "rope/Utils/SinCos.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

namespace mlir::rope {
#define GEN_PASS_DEF_CONVERTROPETOGPUPASS
#include "rope/Conversion/Passes.h.inc"
} // namespace mlir::rope

using namespace mlir;
using namespace mlir::rope;

namespace {

/// Elements per 16-byte vector of `elt`, reduced until it divides `extent`.
int64_t vectorLanes(Type elt, int64_t extent) {
  int64_t lanes = 128 / elt.getIntOrFloatBitWidth();
  while (lanes > 1 && extent % lanes)
    lanes /= 2;
  return lanes;
}

/// One family of work items: `count` vectors of `lanes` elements.
struct WorkKind {
  enum Kind { Half, Interleaved, PassThrough } kind;
  int64_t input;
  int64_t heads;
  int64_t chunksPerHead;
  int64_t lanes;
  int64_t count() const { return heads * chunksPerHead; }
};

/// The buffer the result may be written into directly: the destination of
/// its only use, a `materialize_in_destination ... in restrict writable`,
/// or an init that is a `to_tensor restrict writable`; identity layouts
/// only.
Value destinationBuffer(Value result, Value init) {
  Value buffer;
  if (result.hasOneUse()) {
    auto m = dyn_cast<bufferization::MaterializeInDestinationOp>(
        *result.getUsers().begin());
    if (m && m.getSource() == result && m.getRestrict() && m.getWritable())
      buffer = m.getDest();
  }
  if (auto toTensor = init.getDefiningOp<bufferization::ToTensorOp>())
    if (!buffer && toTensor.getRestrict() && toTensor.getWritable())
      buffer = toTensor.getBuffer();
  auto type = buffer ? dyn_cast<MemRefType>(buffer.getType()) : MemRefType();
  if (!type || !type.getLayout().isIdentity())
    return Value();
  return buffer;
}

/// The largest element (i64) of the integer device buffer `positions`, read
/// back to the host: one block whose threads reduce strided slices into
/// shared memory, then thread 0 reduces those. INT64_MIN when empty, as on
/// the CPU.
Value buildDeviceMax(OpBuilder &b, Location loc, Value positions) {
  constexpr int64_t kThreads = 256;
  auto type = cast<MemRefType>(positions.getType());
  Value flat = positions;
  if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t d = 0; d < type.getRank(); ++d)
      all[0].push_back(d);
    flat = memref::CollapseShapeOp::create(b, loc, positions, all);
  }
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value count = memref::DimOp::create(b, loc, flat, 0);
  Type i64 = b.getI64Type();
  auto oneI64 = MemRefType::get({1}, i64);
  Value result = gpu::AllocOp::create(b, loc, oneI64, /*asyncToken=*/Type(),
                                      ValueRange{}, ValueRange{}, ValueRange{},
                                      /*hostShared=*/UnitAttr())
                     .getMemref();
  auto sharedType = MemRefType::get(
      {kThreads}, i64, AffineMap(),
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup));
  auto launch = gpu::LaunchOp::create(
      b, loc, idx(1), idx(1), idx(1), idx(kThreads), idx(1), idx(1),
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      ValueRange{}, TypeRange{sharedType});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&launch.getBody().front());
    Value shared = launch.getWorkgroupAttributions()[0];
    Value tid = launch.getThreadIds().x;
    Value lowest = arith::ConstantOp::create(
        b, loc, b.getI64IntegerAttr(std::numeric_limits<int64_t>::min()));
    auto strided = scf::ForOp::create(
        b, loc, tid, count, idx(kThreads), ValueRange{lowest},
        [&](OpBuilder &nb, Location nl, Value i, ValueRange acc) {
          Value v = castToI64(nb, nl, memref::LoadOp::create(nb, nl, flat, i));
          scf::YieldOp::create(nb, nl,
                               arith::MaxSIOp::create(nb, nl, acc[0], v)
                                   .getResult());
        });
    memref::StoreOp::create(b, loc, strided.getResult(0), shared, tid);
    gpu::BarrierOp::create(b, loc);
    Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                        idx(0));
    auto ifOp = scf::IfOp::create(b, loc, first, /*withElse=*/false);
    b.setInsertionPointToStart(ifOp.thenBlock());
    auto all = scf::ForOp::create(
        b, loc, idx(0), idx(kThreads), idx(1), ValueRange{lowest},
        [&](OpBuilder &nb, Location nl, Value k, ValueRange acc) {
          Value v = memref::LoadOp::create(nb, nl, shared, k);
          scf::YieldOp::create(nb, nl,
                               arith::MaxSIOp::create(nb, nl, acc[0], v)
                                   .getResult());
        });
    memref::StoreOp::create(b, loc, all.getResult(0), result, idx(0));
    b.setInsertionPointToEnd(&launch.getBody().front());
    gpu::TerminatorOp::create(b, loc);
  }
  Value host = memref::AllocaOp::create(b, loc, oneI64);
  gpu::MemcpyOp::create(b, loc, /*asyncToken=*/Type(), ValueRange{}, host,
                        result);
  Value maxPos = memref::LoadOp::create(b, loc, host, ValueRange{idx(0)});
  gpu::DeallocOp::create(b, loc, /*asyncToken=*/Type(), ValueRange{}, result);
  return maxPos;
}

struct KernelBuilder {
  OpBuilder &b;
  Location loc;
  RotateOp op;
  int64_t rotaryDim, half;

  Value cIdx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// Indices of element `e` of head `h` of the token (batch, seq).
  SmallVector<Value> elementIndices(Value batch, Value seq, Value h, Value e) {
    switch (op.getLayout()) {
    case Layout::THD:
      return {seq, h, e};
    case Layout::BSHD:
      return {batch, seq, h, e};
    case Layout::BHSD:
      return {batch, h, seq, e};
    }
    llvm_unreachable("unknown layout");
  }

  /// Token indices: {seq} or {batch, seq}.
  SmallVector<Value> tokenIndices(Value batch, Value seq) {
    if (op.getLayout() == Layout::THD)
      return {seq};
    return {batch, seq};
  }

  Value toF32(Value v) {
    Type elt = getElementTypeOrSelf(v.getType());
    if (elt.isF32())
      return v;
    Type f32 = b.getF32Type();
    if (auto vt = dyn_cast<VectorType>(v.getType()))
      f32 = vt.clone(f32);
    return arith::ExtFOp::create(b, loc, f32, v);
  }
};

struct RotateToGPU : OpRewritePattern<RotateOp> {
  RotateToGPU(MLIRContext *ctx, int64_t blockSize)
      : OpRewritePattern(ctx), blockSize(blockSize) {}

  LogicalResult matchAndRewrite(RotateOp op,
                                PatternRewriter &rewriter) const override {
    const int64_t r = op.getEffectiveRotaryDim(), half = r / 2;
    std::optional<SmallVector<double>> freqValues;
    double attention = 1.0;
    FrequencyAttrInterface freqs = op.getFreqsAttr();
    if (freqs) {
      freqValues = freqs.getStaticInverseFrequencies(r);
      attention = freqs.getEffectiveAttentionFactor();
    }
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    KernelBuilder kb{b, loc, op, r, half};
    // Dynamic dimensions that disagree would make the kernel read or write
    // out of bounds: check them on the host before the launch.
    buildShapeChecks(b, loc, op);

    // Buffers: read-only views of the operands, device-shared results.
    auto toBuffer = [&](Value tensor) -> Value {
      if (!tensor)
        return Value();
      auto type = cast<RankedTensorType>(tensor.getType());
      auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
      return bufferization::ToBufferOp::create(b, loc, memrefType, tensor,
                                               /*read_only=*/true);
    };
    SmallVector<Value> inputs, outputs;
    for (auto [x, init, result] :
         llvm::zip_equal(op.getInputs(), op.getInits(), op.getResults())) {
      inputs.push_back(toBuffer(x));
      auto type = cast<RankedTensorType>(x.getType());
      // Destination passing: a caller's buffer (e.g. device memory the
      // result is materialized into) receives the result in place.
      if (Value dest = destinationBuffer(result, init)) {
        buildBufferSizeCheck(b, loc, x, dest,
                             "rope.rotate: the destination buffer's shape "
                             "differs from the result's");
        outputs.push_back(dest);
        continue;
      }
      SmallVector<Value> dynSizes;
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          dynSizes.push_back(tensor::DimOp::create(b, loc, x, d));
      auto alloc = gpu::AllocOp::create(
          b, loc, MemRefType::get(type.getShape(), type.getElementType()),
          /*asyncToken=*/Type(), ValueRange{}, dynSizes, ValueRange{},
          /*hostShared=*/UnitAttr());
      outputs.push_back(alloc.getMemref());
    }
    Value positions = toBuffer(op.getPositions());
    Value cosCache = toBuffer(op.getCosCache());
    Value sinCache = toBuffer(op.getSinCache());
    Value offset = op.getOffset();

    // Work items.
    SmallVector<WorkKind> kinds;
    for (auto [k, x] : llvm::enumerate(op.getInputs())) {
      auto type = cast<RankedTensorType>(x.getType());
      int64_t heads = type.getDimSize(op.getHeadCountDim());
      int64_t d = type.getShape().back();
      if (op.getPairing() == Pairing::Half) {
        int64_t lanes = vectorLanes(type.getElementType(), half);
        kinds.push_back({WorkKind::Half, static_cast<int64_t>(k), heads,
                         half / lanes, lanes});
      } else {
        int64_t lanes = std::max<int64_t>(
            2, vectorLanes(type.getElementType(), r));
        kinds.push_back({WorkKind::Interleaved, static_cast<int64_t>(k), heads,
                         r / lanes, lanes});
      }
      if (d > r) {
        int64_t lanes = vectorLanes(type.getElementType(), d - r);
        kinds.push_back({WorkKind::PassThrough, static_cast<int64_t>(k), heads,
                         (d - r) / lanes, lanes});
      }
    }
    int64_t totalWork = 0;
    for (const WorkKind &w : kinds)
      totalWork += w.count();
    int64_t groups = std::max<int64_t>(1, (totalWork + blockSize - 1) / blockSize);

    // Grid: (tokens, groups) blocks of blockSize threads.
    Value x0 = op.getInputs().front();
    SmallVector<int64_t> tokenDims = op.getTokenDims();
    Value seqLen = tensor::DimOp::create(b, loc, x0, tokenDims.back());
    Value batches = tokenDims.size() == 2
                        ? tensor::DimOp::create(b, loc, x0, tokenDims.front())
                              .getResult()
                        : kb.cIdx(1);
    Value tokens = arith::MulIOp::create(b, loc, batches, seqLen);
    // Frequencies as f64 constants in global memory (outlining copies them
    // into the kernel's module); a vector constant indexed by the thread
    // would be spilled to local memory.
    memref::GlobalOp freqGlobal;
    auto freqType = MemRefType::get({half}, b.getF64Type());
    if (freqValues) {
      auto module = op->getParentOfType<ModuleOp>();
      SymbolTable symbols(module);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(module.getBody());
      freqGlobal = memref::GlobalOp::create(
          b, loc, "__rope_inv_freq", b.getStringAttr("private"), freqType,
          DenseElementsAttr::get(RankedTensorType::get({half}, b.getF64Type()),
                                 ArrayRef<double>(*freqValues)),
          /*constant=*/true, b.getI64IntegerAttr(16));
      symbols.insert(freqGlobal); // uniquifies the name
    }
    // Frequencies that depend on the sequence length n (dynamic NTK,
    // run-time LongRoPE): n on the host (a device reduction of explicit
    // positions), the frequencies computed on the host in f64 as on the
    // CPU, then copied into device buffers the kernel reads.
    Value runtimeFreqs;
    if (freqs && !freqValues) {
      Value maxPos;
      if (positions) {
        maxPos = buildDeviceMax(b, loc, positions);
      } else {
        Value one = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1));
        Value last = arith::SubIOp::create(
            b, loc,
            arith::IndexCastOp::create(b, loc, b.getI64Type(), seqLen), one);
        maxPos = offset ? arith::AddIOp::create(
                              b, loc, castToI64(b, loc, offset), last)
                        : last;
      }
      Value n = arith::AddIOp::create(
          b, loc, maxPos,
          arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1)));
      FrequencyTensors ft = buildFrequencyTensors(b, loc, freqs, r, n);
      Value host = bufferization::ToBufferOp::create(b, loc, freqType, ft.freqs,
                                                     /*read_only=*/true);
      runtimeFreqs =
          gpu::AllocOp::create(b, loc, freqType, /*asyncToken=*/Type(),
                               ValueRange{}, ValueRange{}, ValueRange{},
                               /*hostShared=*/UnitAttr())
              .getMemref();
      gpu::MemcpyOp::create(b, loc, /*asyncToken=*/Type(), ValueRange{},
                            runtimeFreqs, host);
    }
    auto sharedType = MemRefType::get(
        {half}, b.getF32Type(), AffineMap(),
        gpu::AddressSpaceAttr::get(b.getContext(),
                                   gpu::AddressSpace::Workgroup));
    auto launch = gpu::LaunchOp::create(
        b, loc, tokens, kb.cIdx(groups), kb.cIdx(1), kb.cIdx(blockSize),
        kb.cIdx(1), kb.cIdx(1), /*dynamicSharedMemorySize=*/nullptr,
        /*asyncTokenType=*/nullptr, ValueRange{},
        TypeRange{sharedType, sharedType});

    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&launch.getBody().front());
      Value sharedCos = launch.getWorkgroupAttributions()[0];
      Value sharedSin = launch.getWorkgroupAttributions()[1];
      Value token = launch.getBlockIds().x;
      Value group = launch.getBlockIds().y;
      Value tid = launch.getThreadIds().x;
      Value batch = arith::DivUIOp::create(b, loc, token, seqLen);
      Value seq = arith::RemUIOp::create(b, loc, token, seqLen);
      auto asI64 = [&](Value v) { return castToI64(b, loc, v); };

      // 1. cos/sin of this token, once per block, into shared memory.
      Value freqBuffer = runtimeFreqs;
      if (freqValues)
        freqBuffer = memref::GetGlobalOp::create(b, loc, freqType,
                                                 freqGlobal.getSymName());
      auto phase1 = scf::ForOp::create(b, loc, tid, kb.cIdx(half),
                                       kb.cIdx(blockSize));
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(phase1.getBody());
        Value i = phase1.getInductionVar();
        SmallVector<Value> tok = kb.tokenIndices(batch, seq);
        Value pos;
        if (positions) {
          SmallVector<Value> idx;
          if (op.isMRope()) {
            SmallVector<Value> axes;
            for (int64_t k = 0; k < op.getNumPositionAxes(); ++k)
              axes.push_back(kb.cIdx(k));
            idx.push_back(selectMRopeSection(b, loc, i, *op.getMropeSection(),
                                             op.getMropeInterleaved(), axes));
          }
          idx.append(tok);
          pos = asI64(memref::LoadOp::create(b, loc, positions, idx));
        } else if (offset) {
          pos = arith::AddIOp::create(b, loc, asI64(offset), asI64(seq));
        }
        Value c, s;
        Value nan = arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
        if (freqBuffer) {
          Value p = arith::SIToFPOp::create(b, loc, b.getF64Type(), pos);
          Value f = memref::LoadOp::create(b, loc, freqBuffer, i);
          SinCos sc = scaleByAttentionFactor(
              b, loc,
              buildAccurateSinCosOfProduct(b, loc, p, f,
                                           QuadrantRounding::MagicNumber),
              attention);
          // Positions outside the accurate range give NaN, as positions
          // outside a cache do (documented).
          Value inRange = buildPositionInRange(b, loc, pos);
          c = arith::SelectOp::create(b, loc, inRange, sc.cos, nan);
          s = arith::SelectOp::create(b, loc, inRange, sc.sin, nan);
        } else {
          SmallVector<Value> idx;
          Value inRange;
          if (op.hasPerTokenCache()) {
            idx.append(tok);
          } else {
            // A position outside [0, P) must not read out of bounds: read
            // a clamped row and poison cos/sin with NaN (documented).
            Value rows = asI64(memref::DimOp::create(b, loc, cosCache, 0));
            Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
            inRange = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, pos, zero),
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, pos, rows));
            idx.push_back(buildClampedRow(b, loc, pos, rows));
          }
          idx.push_back(i);
          c = kb.toF32(memref::LoadOp::create(b, loc, cosCache, idx));
          s = kb.toF32(memref::LoadOp::create(b, loc, sinCache, idx));
          if (inRange) {
            c = arith::SelectOp::create(b, loc, inRange, c, nan);
            s = arith::SelectOp::create(b, loc, inRange, s, nan);
          }
        }
        if (op.getInverse())
          s = arith::NegFOp::create(b, loc, s);
        memref::StoreOp::create(b, loc, c, sharedCos, i);
        memref::StoreOp::create(b, loc, s, sharedSin, i);
      }
      gpu::BarrierOp::create(b, loc);

      // 2. One work item per thread.
      Value item = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, group, kb.cIdx(blockSize)),
          tid);
      int64_t start = 0;
      for (const WorkKind &w : kinds) {
        Value lo = kb.cIdx(start), hiB = kb.cIdx(start + w.count());
        start += w.count();
        Value inRange = arith::AndIOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, item, lo),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, item, hiB));
        auto ifOp = scf::IfOp::create(b, loc, inRange, /*withElse=*/false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(ifOp.thenBlock());
        Value local = arith::SubIOp::create(b, loc, item, lo);
        Value h = arith::DivUIOp::create(b, loc, local, kb.cIdx(w.chunksPerHead));
        Value chunk = arith::RemUIOp::create(b, loc, local, kb.cIdx(w.chunksPerHead));
        Value e = arith::MulIOp::create(b, loc, chunk, kb.cIdx(w.lanes));
        Value in = inputs[w.input], out = outputs[w.input];
        Type elt = cast<MemRefType>(in.getType()).getElementType();
        auto vt = VectorType::get({w.lanes}, elt);
        auto f32v = VectorType::get({w.lanes}, b.getF32Type());
        int64_t bytes = w.lanes * elt.getIntOrFloatBitWidth() / 8;
        auto load = [&](Value mem, ValueRange idx, VectorType t) -> Value {
          auto l = vector::LoadOp::create(b, loc, t, mem, idx);
          l.setAlignment(static_cast<uint64_t>(
              t.getNumElements() * t.getElementTypeBitWidth() / 8));
          return l;
        };
        auto store = [&](Value v, ValueRange idx) {
          auto s = vector::StoreOp::create(b, loc, v, out, idx);
          s.setAlignment(static_cast<uint64_t>(bytes));
        };
        auto truncTo = [&](Value v) -> Value {
          if (elt.isF32())
            return v;
          return arith::TruncFOp::create(b, loc, vt, v);
        };
        if (w.kind == WorkKind::PassThrough) {
          Value col = arith::AddIOp::create(b, loc, e, kb.cIdx(r));
          SmallVector<Value> idx = kb.elementIndices(batch, seq, h, col);
          store(load(in, idx, vt), idx);
          continue;
        }
        if (w.kind == WorkKind::Half) {
          Value e1 = arith::AddIOp::create(b, loc, e, kb.cIdx(half));
          SmallVector<Value> idx0 = kb.elementIndices(batch, seq, h, e);
          SmallVector<Value> idx1 = kb.elementIndices(batch, seq, h, e1);
          Value x0 = kb.toF32(load(in, idx0, vt));
          Value x1 = kb.toF32(load(in, idx1, vt));
          Value c = load(sharedCos, {e}, f32v);
          Value s = load(sharedSin, {e}, f32v);
          auto [y0, y1] = buildPairRotation(b, loc, x0, x1, c, s);
          store(truncTo(y0), idx0);
          store(truncTo(y1), idx1);
          continue;
        }
        // Interleaved: lanes/2 pairs starting at pair e/2.
        int64_t pairs = w.lanes / 2;
        SmallVector<Value> idx = kb.elementIndices(batch, seq, h, e);
        Value x = kb.toF32(load(in, idx, vt));
        Value p0 = arith::DivUIOp::create(b, loc, e, kb.cIdx(2));
        auto pairVt = VectorType::get({pairs}, b.getF32Type());
        Value c = load(sharedCos, {p0}, pairVt);
        Value s = load(sharedSin, {p0}, pairVt);
        SmallVector<int64_t> dup, swap;
        for (int64_t k = 0; k < w.lanes; ++k) {
          dup.push_back(k / 2);
          swap.push_back(k ^ 1);
        }
        Value cDup = vector::ShuffleOp::create(b, loc, c, c, dup);
        Value sDup = vector::ShuffleOp::create(b, loc, s, s, dup);
        SmallVector<float> signs;
        for (int64_t k = 0; k < w.lanes; ++k)
          signs.push_back(k % 2 ? 1.0f : -1.0f);
        Value sign = arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(f32v, ArrayRef<float>(signs)));
        Value swapped = vector::ShuffleOp::create(b, loc, x, x, swap);
        // The partner with its sign: -x[k+1] for even k, x[k-1] for odd k.
        Value partner = arith::MulFOp::create(b, loc, swapped, sign);
        Value y = buildPairElementRotation(b, loc, x, partner, cDup, sDup);
        store(truncTo(y), idx);
      }
      gpu::TerminatorOp::create(b, loc);
    }
    if (runtimeFreqs)
      gpu::DeallocOp::create(b, loc, /*asyncToken=*/Type(), ValueRange{},
                             runtimeFreqs);

    SmallVector<Value> results;
    for (auto [x, out] : llvm::zip(op.getInputs(), outputs))
      results.push_back(bufferization::ToTensorOp::create(
          b, loc, x.getType(), out, /*restrict=*/true, /*writable=*/true));
    rewriter.replaceOp(op, results);
    return success();
  }

  int64_t blockSize;
};

struct ConvertRopeToGPUPass
    : rope::impl::ConvertRopeToGPUPassBase<ConvertRopeToGPUPass> {
  using Base::Base;
  void runOnOperation() override {
    if (blockSize < 1 || blockSize > 1024) {
      getOperation()->emitError("convert-rope-to-gpu: block-size=")
          << static_cast<int64_t>(blockSize) << " is out of range: expected 1..1024 (CUDA's threads "
          << "per block)";
      return signalPassFailure();
    }
    // The one rope op this lowering takes; others are the input's error.
    WalkResult other = getOperation()->walk([](Operation *op) {
      if (isa<RotateOp>(op) || !isa_and_nonnull<RopeDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitOpError("is not supported by the GPU lowering, which takes "
                      "rope.rotate and the ops rope-compose-rotate turns into "
                      "it (not full-width tables or run-time frequency "
                      "tensors)");
      return WalkResult::interrupt();
    });
    if (other.wasInterrupted())
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateRopeToGPUConversionPatterns(patterns, blockSize);
    // Dialect conversion, not the greedy driver: that would hoist the
    // kernel's constants out of the gpu.launch, and outlining would pass
    // them as arguments. A rotate it cannot lower has reported why.
    ConversionTarget target(getContext());
    target.addIllegalOp<RotateOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::rope::populateRopeToGPUConversionPatterns(
    RewritePatternSet &patterns, int64_t blockSize) {
  patterns.add<RotateToGPU>(patterns.getContext(), blockSize);
}
