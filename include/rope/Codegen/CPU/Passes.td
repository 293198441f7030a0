//===- Passes.td - CPU code generation passes --------------*- tablegen -*-===//
//
// Passes of the CPU backend: they run on the loops and vector ops that the
// rope lowering produced (ops and loops with a `rope.lowering` configuration)
// and tune them for the target's vector unit and memory system. Target
// facts come as options, resolved once by the pipeline builder from the
// target description (see CPUTarget.h); no pass probes the host.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_CODEGEN_CPU_PASSES_TD
#define ROPE_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def RopeVectorizePass : Pass<"rope-vectorize"> {
  let summary = "Tile rope kernels to one vector and vectorize them";
  let description = [{
    Works on the linalg ops with a `role` in their `rope.lowering`: the
    generics and the pass-through `linalg.copy` of `convert-rope-to-linalg`,
    and the neighbours' ops `rope-tile-and-fuse` fused into the tiles (whose
    reductions, a norm's row sum, stay whole: one vector reduction per row;
    one that does not fit is left to the loops). It tiles every
    dimension to 1 except the innermost rotated one, which gets one vector of
    `vector-width` f32 lanes (the largest power of two that divides its size,
    so head dims 64/128/256 have no remainder), and the pair dimension of
    size 2, which stays whole. Each tile is vectorized with upstream's linalg
    vectorizer, then the vector cleanups drop unit dims and turn transfers
    into plain loads and stores. `vector-width` must be positive: the
    pipeline resolves it from the target description (16 with AVX-512, 8
    with AVX2, 4 with SSE/NEON), never from the host inside the pass.

    The loop over the vectors of a rotated row is unrolled when it has at
    most `max-unroll` iterations: the reads of the per-token cos/sin tables
    (and, for bf16, their even/odd split) then no longer depend on any loop
    inside the token loop, and loop-invariant code motion moves them out of
    the loops over heads, so each token's table row is loaded once for all
    its heads instead of once per head.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"4",
           "f32 lanes of one vector register (the pipeline takes it from "
           "the target: 16 with AVX-512, 8 with AVX2, 4 with SSE/NEON)">,
    Option<"maxUnroll", "max-unroll", "int64_t", /*default=*/"8",
           "Unroll loops over a row's vectors with at most this many "
           "iterations (0: never)">,
  ];
  let dependentDialects = ["::mlir::rope::RopeDialect", 
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def RopeNontemporalStoresPass : Pass<"rope-nontemporal-stores"> {
  let summary = "Version token-tile loops to use aligned streaming stores";
  let description = [{
    For every bufferized token-tile `scf.forall` that the rope lowering
    configured with `store_alignment = N` (all written row segments start on
    N-byte boundaries of an N-byte aligned output), emits a run-time check
    that every output buffer is 64-byte (cache-line) aligned and, when it
    is, runs a clone whose vector stores to those buffers are `nontemporal`
    with their alignment set; otherwise the original loop runs. A store's
    alignment is what its offset from the checked buffer is proven to be a
    multiple of, up to 64 (static strides and offsets of the views in
    between, constants, loop bounds and steps), not N: the output may be a
    view at any offset of that buffer. Where rows are split into segments
    of different alignment (partial rotary's rotated halves and its
    pass-through), each whole-line store is one 64-byte streaming store
    instead of two 32-byte halves. A store with neither 16 bytes nor its
    own size proven stays ordinary. Streaming stores skip
    the read-for-ownership of each output line, which otherwise adds half
    the written bytes to the memory traffic. Stores to stack tables stay
    ordinary. With `min-bytes`, the clone runs only when the outputs hold at
    least that many bytes (checked at run time): outputs that fit in the
    cache are faster written there, so the pipeline passes the target's
    last-level cache size (the A/B that set it is in
    bench/results/cpu-history.md).
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"0",
           "Stream only outputs of at least this many bytes in all (the "
           "pipeline passes the target's last-level cache size; 0: any)">,
  ];
  let dependentDialects = ["::mlir::rope::RopeDialect", 
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def RopeSequentialSingleTilePass : Pass<"rope-sequential-single-tile"> {
  let summary = "Run scf.forall loops of one iteration as plain loops";
  let description = [{
    Versions every outermost `scf.forall` without results on "it has more
    than one iteration": the parallel loop stays in the `then` branch, and
    the `else` branch runs the same body as an `scf.for` (upstream's
    forall-to-for). Run before the forall becomes an OpenMP region: a decode
    step (one token, one tile) then does not enter OpenMP at all, which a
    serialized parallel region still does, at a cost comparable to the
    whole kernel (bench/results/cpu-history.md).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def RopePageWalkPass : Pass<"rope-page-walk"> {
  let summary = "Interleave the rows of several tokens across memory pages";
  let description = [{
    Works on the bufferized token-tile loops of the rope lowering: a loop
    over tokens (from 0, step 1, configured `independent_iterations`)
    whose body is read-only ops (the token's cos/sin table reads) followed
    by a loop over heads (0 to a constant, step 1, also marked). It walks
    the rows of G tokens together: the token loop steps by G, the
    read-only ops are cloned for each of the G tokens, and a loop over the
    rows of a 4 KiB page holds one row from each page the G tokens span
    (`rows-per-iteration` rows in all: G = rows-per-iteration / pages per
    token). Tokens smaller than a page (P to a page) are walked
    `rows-per-iteration` pages at a time, G = P * rows-per-iteration, with
    a loop over the P tokens of a page around the row loop, so that every
    page is still read and written in address order (two interleaved
    streams per page lose the gain). The last `n mod G` tokens run in the
    original loop, and so do all of them when the memref the rows are read
    from holds fewer than `min-bytes` bytes (a run-time check): for tensors
    that stay in the caches the row order is faster, since the walk only
    pays off against the memory system's page streams (measurements in
    bench/results/cpu-history.md). `max-element-bytes` limits the walk to
    narrow elements (0: any).

    A copy streams best when it reads and writes several pages at once
    (glibc's large `memcpy` walks 4 pages); a row-by-row walk of RoPE
    streams one page at a time. Walking the pages row by row is not enough
    when the outputs lie at their inputs' page offset (as page-aligned
    buffers do): a load then follows, within the store buffer's reach,
    stores to the same low 12 address bits and waits on them (4K
    aliasing). With `interleave-segments` each iteration is ordered segment
    by segment instead (a row's reads up to its stores, then the next
    reads up to the next stores: one vector of each half of a vectorized
    row), segment s of every row together and all of its reads first, as
    glibc's loop loads a few vectors of each of its 4 pages before storing
    them. The stores still in flight then lie at lower page offsets than
    every load, and one token of several pages is worth walking too (G = 1
    for f32 Llama q, 4 pages); the A/B measurements are in
    bench/results/cpu-history.md (4K aliasing).

    ```mlir
    scf.for %t = %c0 to %n step %c1 {
      %cos = vector.transfer_read %table[%t, %c0] ...
      scf.for %h = %c0 to %c32 step %c1 { row(%t, %h, %cos) }
    }
    // becomes (bf16 rows of 256 bytes: 16 per page, 2 pages per token;
    // rows-per-iteration=8: G = 4)
    scf.for %t0 = %c0 to %n4 step %c4 {        // %n4 = n - n mod 4
      %cos0 = ... [%t0] ... %cos3 = ... [%t0 + 3]
      scf.for %o = %c0 to %c16 step %c1 {
        row(%t0, %o, %cos0) row(%t0, %o + 16, %cos0) ... row(%t0 + 3, %o + 16, %cos3)
      }
    } {rope.lowering = #rope.lowering<page_walk = 32768>}  // 8 pages per iteration
    scf.for %t = %n4 to %n step %c1 { ... }
    // with interleave-segments, the row loop's body holds
    //   loads(row 0, segment 0) ... loads(row 7, segment 0)
    //   rest(row 0, segment 0) ... rest(row 7, segment 0)
    //   loads(row 0, segment 1) ...
    ```
  }];
  let options = [
    Option<"pageBytes", "page-bytes", "int64_t", /*default=*/"4096",
           "Bytes of a memory page of the target">,
    Option<"rowsPerIteration", "rows-per-iteration", "int64_t",
           /*default=*/"8",
           "Rows (from as many pages) per iteration of the walk (< 2: off)">,
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"0",
           "Walk only when the memref the rows are read from holds at least "
           "this many bytes (checked at run time; 0: always)">,
    Option<"maxElementBytes", "max-element-bytes", "int64_t",
           /*default=*/"0",
           "Walk only rows whose elements are at most this many bytes wide "
           "(0: any)">,
    Option<"interleaveSegments", "interleave-segments", "bool",
           /*default=*/"false",
           "Order each iteration segment by segment (the part of every "
           "row up to its first store, then up to the next, ...), each "
           "segment's loads first">,
  ];
  let dependentDialects = ["::mlir::rope::RopeDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def RopePrefetchPass : Pass<"rope-prefetch"> {
  let summary = "Software prefetch of streamed function arguments";
  let description = [{
    For every `vector.load` inside a loop that reads a function argument
    (a contiguous, identity-layout memref), adds a `memref.prefetch` of the
    data `distance` bytes further on in that argument (one per 64-byte line
    of the load), clamped to the argument's last element so that every
    prefetched address is in bounds.

    RoPE streams its inputs once, with enough arithmetic between a load and
    its store that the out-of-order window covers fewer outstanding lines
    than a copy loop does; prefetching a few KiB ahead hides the memory
    latency instead. Function arguments that are loaded outside loops, tables
    on the stack and constants are left alone. In loops of `rope-page-walk`
    (`page_walk = N` in their `rope.lowering`: the walk advances N bytes per iteration), which
    already read several pages at once, a fixed distance would fetch rows
    the same iteration reads: with `in-page-walks` their loads prefetch the
    same rows of the next iteration, N bytes ahead (A/B measurements in
    bench/results/cpu-history.md); without it they are left alone.

    ```mlir
    %v = vector.load %x[%t, %h, %d] : memref<?x32x128xbf16>, vector<32xbf16>
    // gains, with distance = 4096 (2048 elements):
    %i = affine.linearize_index [%t, %h, %d] by (%T, 32, 128) : index
    %j = arith.minsi(%i + 2048, %T * 4096 - 1)
    memref.prefetch %flat[%j], read, locality<3>, data : memref<?xbf16>
    ```
  }];
  let options = [
    Option<"lineBytes", "line-bytes", "int64_t", /*default=*/"64",
           "Bytes of a cache line of the target (one prefetch per line)">,
    Option<"distance", "distance", "int64_t", /*default=*/"4096",
           "Bytes ahead of the load to prefetch (0: off)">,
    Option<"inPageWalks", "in-page-walks", "bool", /*default=*/"true",
           "Prefetch in loops of rope-page-walk too, one walk iteration "
           "ahead">,
  ];
  let dependentDialects = ["::mlir::rope::RopeDialect", 
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def RopePipelineRowLoadsPass : Pass<"rope-pipeline-row-loads"> {
  let summary = "Load the next row before storing this one";
  let description = [{
    Software-pipelines the loops that stream rows from buffers in memory
    (function arguments, heap allocations) into such buffers: the per-head
    loops of the lowered rotation and pass-through copies. Only loops configured
    `independent_iterations` (set by `rope-vectorize` on the tile loops
    of parallel dimensions) are touched: moving a load before the previous
    iteration's stores is only valid when iterations touch disjoint memory. Inner loops of at
    most `max-unroll` iterations are unrolled, then the loop is split with
    upstream's `scf` pipeliner into stage 0, the vector loads of streamed
    buffers (with their address computations and prefetches), and stage 1,
    everything else, so that iteration i + 1's loads are issued before
    iteration i's stores. Stack tables and constants are not streamed.

    Why: when an output lies a little after its input modulo 4 KiB (say 64
    bytes, a common outcome of heap allocation), every load of a row
    otherwise follows a store of the previous row to an address with the
    same low 12 bits, and the CPU delays the load until the store's address
    is fully compared (4K aliasing, docs/performance.md). Loads one row
    ahead no longer follow those stores.

    ```mlir
    scf.for %h = %c0 to %c32 step %c1 {
      %x = vector.load %in[%t, %h, %c0] ...   // stage 0
      %y = <rotate %x>                        // stage 1
      vector.store %y, %out[%t, %h, %c0] ...  // stage 1
    }
    // becomes: load(0); for h in [0, 31): { load(h + 1); rotate+store(h) };
    //          rotate+store(31)
    ```
  }];
  let options = [
    Option<"maxUnroll", "max-unroll", "int64_t", /*default=*/"8",
           "Largest trip count of inner loops unrolled into the row loop">,
  ];
  let dependentDialects = ["::mlir::rope::RopeDialect", "::mlir::scf::SCFDialect"];
}

def RopeBF16VectorMemoryAsI16Pass : Pass<"rope-bf16-vector-memory-as-i16"> {
  let summary = "Load and store LLVM vectors of bf16 as vectors of i16";
  let description = [{
    Rewrites `llvm.load` and `llvm.store` of vectors of `bf16` into the same
    accesses on vectors of `i16` plus `llvm.bitcast`. The bytes are the same;
    the point is code generation: x86 without AVX512-BF16 has no legal bf16
    vector type, and when LLVM's shuffle combining turns the producer of a
    stored bf16 vector into a 16-bit shuffle, the store is split into scalar
    moves. As i16 the store stays one (streaming) vector store.

    ```mlir
    llvm.store %v, %p {alignment = 64 : i64, nontemporal} : vector<32xbf16>, !llvm.ptr
    // becomes
    %i = llvm.bitcast %v : vector<32xbf16> to vector<32xi16>
    llvm.store %i, %p {alignment = 64 : i64, nontemporal} : vector<32xi16>, !llvm.ptr
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def RopeForallToOpenMPPass : Pass<"rope-forall-to-openmp"> {
  let summary = "Run tile loops on OpenMP threads, each a contiguous block";
  let description = [{
    Turns every outermost `scf.forall` without results (the bufferized tile
    loops of the rope lowering) into an `omp.parallel` region in which each
    thread runs its own contiguous block of the iterations (the first
    `n % threads` threads one more), in order, as an `scf.for` over the
    linearized iteration space; fixed-size `memref.alloca`s of the body (the
    tile tables) are made once per thread, before that loop. It calls `omp_get_thread_num` and
    `omp_get_num_threads`; there is no worksharing loop. That is the static
    schedule of `omp.wsloop` without its cost: LLVM's OpenMP runtime as
    Debian ships it formats a string in every `__kmpc_for_static_init`
    (vsnprintf under the call, seen with `perf`), more than half the cost
    of the whole fork and join; nor is there the worksharing loop's barrier
    before the region's own.

    ```mlir
    scf.forall (%i) = (0) to (%n) step (8) {
      "use"(%i) : (index) -> ()
    }
    // becomes
    omp.parallel {
      %t = func.call @omp_get_thread_num() : () -> i32
      %p = func.call @omp_get_num_threads() : () -> i32
      // [%begin, %end): thread %t's block of the ceildiv(%n, 8) iterations
      scf.for %k = %begin to %end step %c1 {
        %i = arith.muli %k, %c8 : index
        "use"(%i) : (index) -> ()
      }
      omp.terminator
    }
    ```
  }];
  let options = [
    Option<"numThreads", "num-threads", "unsigned", /*default=*/"0",
           "Threads of each region (0: the OpenMP runtime's default)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def RopeX86PackBF16Pass : Pass<"rope-x86-pack-bf16"> {
  let summary = "Round the rotation's bf16 pairs with AVX512-BF16's two-source conversion";
  let description = [{
    Rewrites `vector.interleave` of two `arith.truncf` from f32 to bf16, both
    configured `bf16_operands` (the rotated pairs of the rope lowering: even
    elements in one vector, odd in the other), into AVX512-BF16's
    `vcvtne2ps2bf16` (`llvm.x86.avx512bf16.cvtne2ps2bf16.{128,256,512}`),
    which rounds both vectors into one, evens in the low half and odds in
    the high, and a `vector.shuffle` that interleaves the halves (one
    `vpermw`); vectors of more than 16 lanes go 16 at a time. Two instructions for 32 results where the integer rounding of
    `rope-expand-bf16` takes eight and LLVM's own lowering of the interleave
    of two native truncs five (it moves the shuffle before the conversion).
    The conversion rounds to nearest even and, like every AVX512-BF16
    conversion, flushes subnormal results (|x| < 2^-126) to zero; NaNs stay
    NaNs. For targets with AVX512-BF16 and AVX512-VL, where the pipeline's
    `native-bf16-conversion` allows the flush; run before
    `rope-expand-bf16`.

    ```mlir
    %e = arith.truncf %even {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<16xf32> to vector<16xbf16>
    %o = arith.truncf %odd {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<16xf32> to vector<16xbf16>
    %p = vector.interleave %e, %o : vector<16xbf16> -> vector<32xbf16>
    // becomes
    %c = llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"(%odd, %even)
        : (vector<16xf32>, vector<16xf32>) -> vector<32xbf16>
    %p = vector.shuffle %c, %c [0, 16, 1, 17, ..., 15, 31] : vector<32xbf16>, vector<32xbf16>
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect", 
    "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def RopeFlattenStridedGathersPass : Pass<"rope-flatten-strided-gathers"> {
  let summary = "Gather from strided tables through a flat unit-stride view";
  let description = [{
    LLVM's gather lowering needs a unit-stride innermost dimension, but a
    cos/sin table can be a strided view: the cos and sin halves of a
    `[P, W, 2]` complex-pair cache. A 1-D `vector.gather` from a memref
    whose innermost stride is not 1 becomes a gather from a flat,
    unit-stride view of the same buffer (`memref.reinterpret_cast` of its
    base at the gather's linear offset), indices scaled by that stride, when
    every dimension is that stride times the elements inside it apart (the
    gather's indices linearize the shape); other strided tables get a
    contiguous copy earlier (`rope-copy-strided-tables`).

    ```mlir
    %v = vector.gather %t[%i, %j] [%idx], %mask, %pass
        : memref<100x32xf32, strided<[64, 2]>>, ...
    // becomes
    %flat = memref.reinterpret_cast %base to offset: [%i * 64 + %j * 2], ...
        : memref<f32> to memref<?xf32, strided<[1], offset: ?>>
    %v = vector.gather %flat[%c0] [%idx * 2], %mask, %pass
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def RopeExpandBF16Pass : Pass<"rope-expand-bf16"> {
  let summary = "Round f32 to bf16 with vector-friendly integer arithmetic";
  let description = [{
    Rewrites `arith.truncf` from f32 to bf16 (scalars and vectors) into
    32-bit integer rounding to nearest even with NaN preserved. Upstream's
    `arith-expand{include-bf16}` produces a NaN select on 16-bit lanes that
    LLVM scalarizes on x86; this form stays in vector registers. Run it
    before `arith-expand`, which then only expands `extf`.

    Interleaved bf16 pairs are handled as 32-bit words (one word holds a
    pair): `arith.extf` of a `vector.deinterleave` becomes a shift (even
    elements) and a mask (odd elements) of the words, and
    `vector.interleave` of two `arith.truncf` merges the two rounded words
    with a shift, a mask and an or. No shuffles remain, where LLVM would
    otherwise move the 16-bit lanes through scalar registers. (The word view
    assumes a little-endian target, as x86, AArch64 and NVPTX are.) With
    `funnel-shift-merge`, the merge is `llvm.intr.fshr(odd >> 16, even, 16)`
    instead: x86 turns the mask-and-or form into one `vpermt2w` (3 uops, 2
    on the shuffle port), the funnel shift into `vpsrld` + `vpshrdd` with
    AVX512-VBMI2 (Ice Lake and later); without funnel-shift instructions
    LLVM expands it back to the mask-and-or form.

    With `native-trunc` only `extf` is expanded: `truncf` and the
    interleave of two are left to LLVM, for targets whose conversion
    instruction is cheaper than the integer rounding. x86 with AVX512-BF16
    turns them into `vcvtneps2bf16` (nearest even; like every AVX512-BF16
    conversion it flushes subnormal results, |x| < 2^-126, to zero, which
    integer rounding does not) and one `vpermi2w`: 3 instructions for 32
    results instead of 8.

    The NaN fix-up (a compare and a masked or per vector) is a third of the
    rounding's cost. With `default-nan-low-bits-zero` (the target's
    arithmetic returns an operand's NaN payload or a default NaN whose low
    16 bits are zero: x86, AArch64, RISC-V; not NVPTX, whose canonical NaN
    is 0x7fffffff), truncs configured `bf16_operands` drop it: every NaN
    they see has zero low 16 bits, so adding the rounding bias cannot
    carry into its exponent.
  }];
  let options = [
    Option<"defaultNanLowBitsZero", "default-nan-low-bits-zero", "bool",
           /*default=*/"false",
           "The target's arithmetic NaN results have zero low 16 bits unless "
           "an operand's have (skip the NaN fix-up of truncs configured "
           "bf16_operands)">,
    Option<"funnelShiftMerge", "funnel-shift-merge", "bool",
           /*default=*/"false",
           "Merge rounded bf16 pairs with llvm.intr.fshr (LLVM dialect) "
           "instead of a mask and an or">,
    Option<"nativeTrunc", "native-trunc", "bool", /*default=*/"false",
           "The target converts f32 to bf16 itself: leave arith.truncf, and "
           "vector.interleave of two of them, to LLVM">,
  ];
  let dependentDialects = ["::mlir::rope::RopeDialect", "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect"];
}

def RopeFuseRowsPass : Pass<"rope-fuse-rows"> {
  let summary = "Tile a rotation that reads a fused reduction to rows and fuse the reduction into them";
  let description = [{
    A rotation (`role = rotate`) that reads the result of a fused
    neighbour's reduction (`role = fused`: the row sums of a QK RMSNorm)
    would otherwise run after the whole token tile's sums, reading every row
    twice, once for its sum and once to rotate it. This pass tiles such a
    rotation to one row (every dimension but the pair and frequency ones,
    size 1) with upstream's `tileConsumerAndFuseProducersUsingSCF`, fusing
    only producers of role `fused` (never the cos/sin tables, which stay
    once per token tile): each row is summed, scaled and rotated while it is
    in registers. Rotations that read no reduction are left as they are.

    ```mlir
    %s = linalg.generic {iterator_types = [p, p, reduction], role = fused} ...
    %y = linalg.generic {role = rotate} ins(%x1, %s, %x2, %s, %cos, %sin ...)
    // becomes
    scf.for %t ... { scf.for %h ... {
      %s1 = linalg.generic {role = fused} ...   // one row's sum
      %y1 = linalg.generic {role = rotate} ...  // one row rotated
    } }
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeFuseTokenLoopsPass : Pass<"rope-fuse-token-loops",
                                   "::mlir::func::FuncOp"> {
  let summary = "Fuse a token tile's sibling loops over the same tokens";
  let description = [{
    In the body of each token tile of the rope lowering (an `scf.forall`
    carrying `rope.lowering`), fuses adjacent `scf.for` loops with the same
    bounds (upstream `fuseIndependentSiblingForLoops`) when every access to
    a buffer either loop writes is at row `iv + c` of that buffer, the same
    `c` for all of them, each access within its row: iterations for
    different tokens then touch disjoint rows, and within a token the first
    loop's work still comes first. Every buffer accessed must be reached
    through views from an allocation, a global or a function argument
    (distinct arguments are taken not to overlap, as in the rest of the
    lowering), and a written one must have rows that do not overlap (an
    identity layout or a dim-0 stride past the other dimensions). Only
    effect-free ops and views may lie between the loops; any other memory
    effect inside them prevents the fusion. Partial rotary is
    the case: the pass-through copy of every head's row and the rotation
    of the rest become one sweep over the tile's tokens instead of two.

    ```mlir
    scf.for %t = %c0 to %n step %c1 {   // copy x[t, :, 32:128]
      ...
    }
    scf.for %t = %c0 to %n step %c1 {   // rotate x[t, :, 0:32]
      ...
    }
    ```
    becomes one `scf.for %t` with both bodies, the copy's first.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def RopeFuseRowLoopsPass : Pass<"rope-fuse-row-loops", "::mlir::func::FuncOp"> {
  let summary = "Run a loop over rows inside the token-tile loop that writes them";
  let description = [{
    After bufferization, a row loop (`scf.forall` over the tokens, step 1)
    that follows a token-tile loop (`scf.forall` over the same tokens, step
    the tile size) and reads what the tile loop writes only one row at a
    time, its own row `i`, runs inside the tile loop: each tile, after
    writing its rows, runs the row loop's body for them, while they are in
    the caches. This is how a paged KV cache is written: the rows of the
    rotated keys (and the values) go to the slots a block table gives, one
    `parallel_insert_slice` per token in the tensor program (docs/fusion.md),
    which no tile of several tokens can express before bufferization.

    Fused only when it is exact: every access of either loop goes through
    subviews, reshapes or casts of an allocation or a function argument
    (globals: reads only; no memory reached through pointers); the tile
    loop touches each buffer the row loop reads from it through views of
    its own tile (dim 0 offset = its induction variable, at most a step of
    rows), such a buffer is row-major, the row loop reads it only through a
    view of row `i` (size 1) and writes nothing the tile loop reads or
    writes, every op between the loops is free of memory effects, and the
    row loop uses only values defined before the tile loop.

    ```mlir
    scf.forall (%t) = (0) to (%n) step (16) {
      %tile = memref.subview %k_rot[%t, 0, 0] [%s, 8, 128] [1, 1, 1]
      ...   // writes the tile's rotated keys
    }
    scf.forall (%i) in (%n) {
      %row = memref.subview %k_rot[%i, 0, 0] [1, 8, 128] [1, 1, 1]
      memref.copy %row, %slot   // the row's slot of the paged cache
    }
    ```
    becomes one loop: the tile body, then `scf.for %i = %t to min(%t + 16,
    %n)` with the row loop's body.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def RopeForwardRowCopiesPass : Pass<"rope-forward-row-copies", "::mlir::func::FuncOp"> {
  let summary = "Write a tile's rows where the row loop copies them";
  let description = [{
    After `rope-fuse-row-loops`, a token tile ends with the row loop's body
    over its rows. When that body copies row `i` of a buffer the tile wrote
    (`memref.copy` of a whole row of a `memref.alloc`) to a destination it
    computes from `i` (the slot a block table gives in a paged cache), the
    tile writes each row there directly: every view of the buffer the tile
    accesses is replaced by the same view of the row's destination, the
    destination computed once per row where the row index is known (the
    token loop's body), and the copy and the buffer go. The rotated keys of
    a paged cache are then written once, into their slots.

    Done only when it is exact: the row loop is the one
    `rope-fuse-row-loops` makes (`%i = %t to min(%t + step, n)`, every row
    of the tile); the buffer (identity layout, at most `n` rows) has no
    other users than the tile's views at `%t` (at most a step of rows each)
    and the copy, all of them before the row loop; each access of the tile
    goes through a view of one row (dim 0 of size 1, reached through
    subviews and reshapes that keep dim 0 a dimension of its own) that can
    be taken of the destination (a collapse only of dimensions it keeps
    contiguous) with the layout the access needs (transfers, loads,
    stores, copies, linalg ops; vector loads and stores: a unit innermost
    stride); the destination is a view of a function argument or an
    allocation that nothing else in the tile reads or writes; and the ops
    computing it from `i` are free of effects or read buffers the tile does
    not write, from values defined before the tile. Two tokens with one
    slot are a race in the row loop (`scf.forall`) already.

    ```mlir
    scf.forall (%t) = (0) to (%n) step (8) {
      %tile = memref.subview %k_rot[%t, 0, 0] [%s, 8, 128] [1, 1, 1]
      scf.for %r = %c0 to %s step %c1 {
        %row = memref.subview %tile[%r, 0, 0] [1, 8, 128] [1, 1, 1]
        vector.transfer_write %v, %row[%c0, %h, %c0] ...
      }
      scf.for %i = %t to min(%t + 8, %n) step %c1 {
        %slot = memref.subview %cache[%blk(%i), %s(%i), 0, 0] [1, 1, 8, 128] [1, 1, 1, 1]
        memref.copy (memref.subview %k_rot[%i, 0, 0] [1, 8, 128] [1, 1, 1]), %slot
      }
    }
    // becomes
    scf.forall (%t) = (0) to (%n) step (8) {
      scf.for %r = %c0 to %s step %c1 {
        %slot = memref.subview %cache[%blk(%t + %r), %s(%t + %r), 0, 0] [1, 1, 8, 128] [1, 1, 1, 1]
        vector.transfer_write %v, %slot[%c0, %h, %c0] ...
      }
    }
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def RopeBoundTileBuffersPass : Pass<"rope-bound-tile-buffers", "::mlir::func::FuncOp"> {
  let summary = "Give a tile's buffers of run-time size their static upper bound";
  let description = [{
    A buffer allocated in a token-tile loop (`scf.forall`) with sizes that
    depend on the tile (a fused norm's row sums for the tile's tokens,
    `memref.alloc(%n) : memref<?x8xf32>` with `%n = min(16, T - t)`) is a
    `malloc` and `free` per tile. When each run-time size has a constant
    upper bound (upstream `ValueBoundsConstraintSet`) and the bounded buffer
    takes at most `max-bytes`, it becomes a static allocation viewed at the
    tile's sizes (`memref.subview`, `memref.cast` back to the type its users
    have), which `promote-buffers-to-stack` then keeps on the stack and
    `rope-forall-to-openmp` once per thread. Runs before those.

    ```mlir
    %n = affine.min affine_map<(t) -> (16, -t + 37)>(%t)
    %sums = memref.alloc(%n) : memref<?x8xf32>
    // becomes
    %whole = memref.alloc() : memref<16x8xf32>
    %view = memref.subview %whole[0, 0] [%n, 8] [1, 1]
    %sums = memref.cast %view : memref<?x8xf32, strided<[8, 1]>> to memref<?x8xf32>
    ```
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"65536",
           "Largest bounded buffer (bytes) made static">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def RopeHoistLoopAllocasPass : Pass<"rope-hoist-loop-allocas",
                                     "::mlir::func::FuncOp"> {
  let summary = "Allocate a sequential loop's fixed-size stack buffers once";
  let description = [{
    Moves every `memref.alloca` of static shape found in the body of an
    `scf.forall`, `scf.parallel` or `scf.for` to the start of the function.
    The CPU pipeline runs it when its tile loops run in sequence (no
    threads): a loop body's lowering does not free its stack per iteration,
    so the tile tables allocated there took new stack on every tile and
    overflowed the stack at 16384 tokens. An alloca's contents are
    undefined when allocated, so one buffer serves every iteration. With
    threads, `rope-forall-to-openmp` gives each thread its own instead.

    ```mlir
    scf.forall (%t) = (0) to (%n) step (16) {
      %cos = memref.alloca() : memref<16x64xf32>
      ...
    }
    ```
    becomes
    ```mlir
    %cos = memref.alloca() : memref<16x64xf32>
    scf.forall (%t) = (0) to (%n) step (16) {
      ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def RopeLowerMPIPass : Pass<"rope-lower-mpi", "::mlir::ModuleOp"> {
  let summary = "Lower the MPI ops of a partitioned program to MPI calls";
  let description = [{
    A program partitioned with the shard dialect and lowered by upstream
    `convert-shard-to-mpi` asks MPI for its rank (`mpi.comm_world`,
    `mpi.comm_rank`). This pass rewrites the `mpi` ops into calls of the MPI
    library with upstream's MPI-to-LLVM patterns, for the implementation the
    module's DLTI entry `"MPI:Implementation"` names (`"OpenMPI"`; upstream's
    default is MPICH). A module without `mpi` ops is left as it is (upstream
    `convert-to-llvm{filter-dialects=mpi}` needs the dialect loaded, which
    such a module does not have). docs/scale-out.md.

    ```mlir
    %w = mpi.comm_world : !mpi.comm
    %e, %rank = mpi.comm_rank(%w) : !mpi.retval, i32
    ```
    becomes a call of `MPI_Comm_rank(ompi_mpi_comm_world, ...)`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // ROPE_CODEGEN_CPU_PASSES_TD
