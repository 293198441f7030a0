//===- Pipelines.h - rope compilation pipelines -----------------*- C++ -*-===//
//
// A pipeline is an options struct plus stage builders; each stage can also be
// run alone through `--pass-pipeline=` for testing.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_PIPELINES_PIPELINES_H
#define ROPE_PIPELINES_PIPELINES_H

#include "rope/Codegen/CPU/CPUTarget.h"
#include "rope/Codegen/GPU/GPUTarget.h"

#include "mlir/Pass/PassOptions.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
class DialectRegistry;
class OpPassManager;
namespace rope {

struct RopeCPUPipelineOptions
    : public PassPipelineOptions<RopeCPUPipelineOptions> {
  PassOptions::Option<bool> raise{
      *this, "raise",
      llvm::cl::desc("First raise RoPE written out in linalg/tensor ops to "
                     "rope ops (rope-raise)"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> tokenTile{
      *this, "token-tile",
      llvm::cl::desc("Tokens per parallel tile; each tile computes its "
                     "cos/sin once for all heads (0: no tiling, scalar "
                     "loops)"),
      llvm::cl::init(16)};
  PassOptions::Option<int64_t> minTiles{
      *this, "min-tiles",
      llvm::cl::desc("Split sequences shorter than min-tiles * token-tile "
                     "into at least this many smaller tiles, and batches of "
                     "fewer tokens their heads, so that they run on as many "
                     "threads (0: num-threads, else the host's hardware "
                     "threads, resolved by the pipeline builder; batches "
                     "split heads only with more than 2)"),
      llvm::cl::init(2)};
  PassOptions::Option<bool> fuseNeighbours{
      *this, "fuse-neighbours",
      llvm::cl::desc("Fuse the ops around rope ops into their token tiles: "
                     "producers that feed only them (a QK-norm), copies of "
                     "input data into caches (rope-tile-and-fuse "
                     "fuse-neighbours, rope-fuse-sibling-copies, "
                     "rope-fuse-into-rotation, rope-fuse-rows); off: they "
                     "run as their own loops"),
      llvm::cl::init(true)};
  PassOptions::Option<std::string> cpu{
      *this, "cpu",
      llvm::cl::desc("Target CPU as LLVM names it, or host (its name and "
                     "features); the target facts the CPU passes use are "
                     "resolved from it once, by the pipeline builder"),
      llvm::cl::init("host")};
  PassOptions::Option<std::string> cpuFeatures{
      *this, "cpu-features",
      llvm::cl::desc("LLVM target features added to the CPU's, e.g. "
                     "+avx512f,+avx512vbmi2 (they set the vector width)"),
      llvm::cl::init("")};
  PassOptions::Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes per vector (0: the target's widest "
                     "register)"),
      llvm::cl::init(0)};
  PassOptions::Option<unsigned> numThreads{
      *this, "num-threads",
      llvm::cl::desc("OpenMP threads for the token tiles (0: the OpenMP "
                     "default, OMP_NUM_THREADS)"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run token tiles on OpenMP threads"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> nontemporalStores{
      *this, "nontemporal-stores",
      llvm::cl::desc("Write results with streaming stores (saves the "
                     "read-for-ownership of each output line; best when the "
                     "output exceeds the caches)"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> l2Bytes{
      *this, "l2-bytes",
      llvm::cl::desc("Per-core L2 cache bytes (0: the target's; the host's "
                     "from sysfs for cpu=host, else 1 MiB)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> llcBytes{
      *this, "llc-bytes",
      llvm::cl::desc("Last-level (shared) cache bytes (0: the target's; the "
                     "host's from sysfs for cpu=host, else 32 MiB): outputs "
                     "larger than this are streamed"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> prefetchDistance{
      *this, "prefetch-distance",
      llvm::cl::desc("Software-prefetch streamed inputs this many bytes "
                     "ahead (0: off)"),
      llvm::cl::init(4096)};
  PassOptions::Option<int64_t> pageWalkRows{
      *this, "page-walk-rows",
      llvm::cl::desc("Rows of several tokens, from as many memory pages, "
                     "interleaved per iteration (rope-page-walk; < 2: off; "
                     "-1: the target's, 4 on Intel cores, whose loads wait "
                     "on 4K-aliased stores, else off)"),
      llvm::cl::init(-1)};
  PassOptions::Option<int64_t> pageWalkMinBytes{
      *this, "page-walk-min-bytes",
      llvm::cl::desc("Walk pages only for tensors of at least this many "
                     "bytes (checked at run time; cache-resident tensors "
                     "are faster in row order)"),
      llvm::cl::init(64 << 20)};
  PassOptions::Option<int64_t> pageWalkMaxElementBytes{
      *this, "page-walk-max-element-bytes",
      llvm::cl::desc("Walk pages only for elements at most this many bytes "
                     "wide (0: any)"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> pageWalkSegments{
      *this, "page-walk-segments",
      llvm::cl::desc("Walk pages segment by segment: the loads of one "
                     "vector of every page's row before their stores "
                     "(rope-page-walk interleave-segments)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> pipelineRowLoads{
      *this, "pipeline-row-loads",
      llvm::cl::desc("Load each head's next row before storing this one "
                     "(avoids 4K-aliasing stalls between input and output)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> nativeBF16Conversion{
      *this, "native-bf16-conversion",
      llvm::cl::desc("Round f32 to bf16 with the target's conversion "
                     "instruction where it has one (AVX512-BF16 with "
                     "AVX512-VL; rope-x86-pack-bf16): faster at sizes that "
                     "fit in the caches, but subnormal results flush to zero"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> destinationResults{
      *this, "destination-results",
      llvm::cl::desc("Public functions write their tensor results into "
                     "caller-provided buffers, trailing memref arguments "
                     "(rope-destination-results; the ahead-of-time ABI)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> statusChecks{
      *this, "status-checks",
      llvm::cl::desc("A failed run-time check returns its number as an i32 "
                     "status (the last result; 0: success) instead of "
                     "aborting the process (rope-checks-to-status)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Add llvm.emit_c_interface to public functions so that "
                     "C and rope-run can call them"),
      llvm::cl::init(true)};

  /// The value checks textual parsing does not make (ranges, CPU names,
  /// feature syntax): false, with a message naming each bad option on `os`.
  /// The pipeline builders check their options too (a failing pass then),
  /// drivers call this where they parse options to report at once.
  bool verify(llvm::raw_ostream &os) const;
};

/// The largest token-tile the pipelines take: a tile's cos/sin tables live
/// on the stack (see kTileTableStackBytes).
constexpr int64_t kMaxTokenTile = 4096;
/// Stack bytes the per-tile cos/sin tables of one rope op may take; tiles of
/// ops with wider tables hold fewer tokens (rope-tile-and-fuse).
constexpr int64_t kTileTableStackBytes = 64 * 1024;

// The CPU stages, in pipeline order. Each takes the pipeline's options and
// the target resolved from them once, and ends in a check of its
// post-condition (rope-check-stage, rope-check-dialects): a stage that
// lets through what it should have lowered fails there, naming the op.

/// Stage 1, rope -> linalg on tensors: raising (option `raise`), the ABI's
/// argument forms, run-time checks, folded frequencies, tiling (token-tile
/// > 0) and the lowering. Post-condition: no rope ops. With `tokenTile > 0`
/// each op is an scf.forall over token tiles that compute their cos/sin
/// table once, short sequences split into at least `min-tiles` tiles.
void buildRopeToLinalgStage(OpPassManager &pm,
                            const RopeCPUPipelineOptions &options,
                            const CPUTarget &target);

/// Stage 1b, vectorization of the tiled kernels (none untiled).
/// Post-condition: no linalg op of the lowering is left; the rotation and
/// table computations are vector ops on the target's f32 lanes.
void buildRopeVectorizationStage(OpPassManager &pm,
                                 const RopeCPUPipelineOptions &options,
                                 const CPUTarget &target);

/// Stage 2, bufferization. Post-condition: no tensors; function results are
/// the only allocations, each returned buffer the function's own (a
/// returned global or argument is copied: the only memref.copy left).
void buildRopeBufferizationStage(OpPassManager &pm,
                                 const RopeCPUPipelineOptions &options,
                                 const CPUTarget &target);

/// Stage 2b, parallelization: tile-local tables to the stack, scf.forall to
/// OpenMP (or sequential loops). Post-condition: no scf.forall; omp.parallel
/// regions, each thread a block of token tiles.
void buildRopeParallelizationStage(OpPassManager &pm,
                                   const RopeCPUPipelineOptions &options,
                                   const CPUTarget &target);

/// Stage 3, loops to the LLVM dialect; x86 passes only for x86 targets.
/// Post-condition: LLVM and OpenMP dialects only.
void buildRopeCPULoweringStage(OpPassManager &pm,
                               const RopeCPUPipelineOptions &options,
                               const CPUTarget &target);

/// The whole CPU pipeline: rope ops to the LLVM dialect.
void buildRopeCPUPipeline(OpPassManager &pm,
                          const RopeCPUPipelineOptions &options);

struct RopeGPUPipelineOptions
    : public PassPipelineOptions<RopeGPUPipelineOptions> {
  PassOptions::Option<bool> raise{
      *this, "raise",
      llvm::cl::desc("First raise RoPE written out in linalg/tensor ops to "
                     "rope ops (rope-raise)"),
      llvm::cl::init(true)};
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("Target SM, e.g. sm_80 or sm_90"),
      llvm::cl::init("sm_90")};
  PassOptions::Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features (+ptx80 or newer: MLIR's default +ptx60 "
                     "aborts LLVM for sm_90)"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu.binary contents: isa (PTX text, no CUDA needed), "
                     "bin (cubin, needs ptxas) or fatbin"),
      llvm::cl::init("isa")};
  PassOptions::Option<int64_t> blockSize{
      *this, "block-size", llvm::cl::desc("Threads per block"),
      llvm::cl::init(128)};
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Add llvm.emit_c_interface to public functions "
                     "(rope-emit-c-interface): `_mlir_ciface_` host entry "
                     "points for C callers"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> fuseNeighbours{
      *this, "fuse-neighbours",
      llvm::cl::desc("Fuse the neighbours' linalg ops into the rope ops' "
                     "kernels (off: each its own kernel)"),
      llvm::cl::init(true)};

  /// As RopeCPUPipelineOptions::verify: block-size in [1, 1024] (CUDA's
  /// limit), chip `sm_<N>[a|f]`, format isa/bin/fatbin, features `+ptx<N>`.
  bool verify(llvm::raw_ostream &os) const;
};

// The GPU stages, as the CPU ones: options, the target resolved once,
// a post-condition check at the end.

/// GPU stage 1: the tiled form the CPU pipeline also builds
/// (one token per tile, neighbours fused), each tile's linalg ops over a
/// block's threads.
/// Post-condition: no rope ops; every linalg op in a thread loop (on
/// tensors: it also runs on the CPU, one thread after another).
void buildRopeGPUTiledStage(OpPassManager &pm,
                            const RopeGPUPipelineOptions &options,
                            const GPUTarget &target);

/// GPU stage 2: bufferized, token tiles to gpu.launch blocks,
/// thread loops to threads, async. Post-condition: host code with
/// gpu.alloc/gpu.launch on one async chain; no tensors.
void buildRopeToGPUStage(OpPassManager &pm,
                         const RopeGPUPipelineOptions &options,
                         const GPUTarget &target);

/// GPU stage 3: kernels to NVVM and a gpu.binary for the target, host code
/// to the LLVM dialect. Post-condition: builtin, llvm and gpu ops only.
void buildRopeNVVMStage(OpPassManager &pm,
                        const RopeGPUPipelineOptions &options,
                        const GPUTarget &target);

/// The whole NVIDIA pipeline: rope ops to a gpu.binary (PTX/cubin/fatbin for
/// `chip`) plus host code in the LLVM dialect calling the mgpu* runtime.
/// Sin/cos stay accurate: no fast-math anywhere.
void buildRopeGPUPipeline(OpPassManager &pm,
                          const RopeGPUPipelineOptions &options);

/// Pipeline pre- and post-conditions as checks (rope-check-dialects): an op
/// of a dialect the pipelines do not take, or one left unlowered at the end
/// of `pipeline`, is an error naming it.
void addRopePipelineInputCheck(OpPassManager &pm, llvm::StringRef pipeline,
                               llvm::ArrayRef<const char *> extra = {});
void addRopePipelineOutputCheck(OpPassManager &pm,
                                llvm::ArrayRef<const char *> dialects,
                                llvm::StringRef pipeline);

/// Whether `pm` can take a pipeline of module passes: anchored on
/// builtin.module or on any op. Otherwise (nested under func.func, say) it
/// gets a pass that fails with a message naming `pipeline`, and false.
bool checkPipelineAnchor(OpPassManager &pm, llvm::StringRef pipeline);

/// Registers everything the two pipelines need in a context: the rope
/// dialect, the dialects they produce and the external interface models of
/// upstream passes they run. A driver registering this (and its own
/// dialects) runs both pipelines; see docs/integration.md.
void registerRopePipelineDependencies(DialectRegistry &registry);

/// Registers `rope-cpu-pipeline` and its stages.
void registerRopePipelines();

/// Registers every rope pass (dialect, ABI, CPU and GPU codegen, pipeline
/// checks, conversions) and the pipelines: what a driver or plugin that
/// brings its own upstream passes adds.
void registerRopePassesAndPipelines();

} // namespace rope
} // namespace mlir

#endif // ROPE_PIPELINES_PIPELINES_H
