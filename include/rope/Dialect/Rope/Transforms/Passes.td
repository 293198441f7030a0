//===- Passes.td - Rope dialect transformation passes ------*- tablegen -*-===//

#ifndef ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_TD
#define ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RopeFoldFrequenciesPass : Pass<"rope-fold-frequencies"> {
  let summary = "Fold compile-time frequency specs into #rope.inv_freqs";
  let description = [{
    Replaces the `freqs` attribute of every `rope.rotate` whose frequencies
    are known at compile time (all scaling types but dynamic NTK and
    LongRoPE with run-time factor selection) by the explicit
    `#rope.inv_freqs` it denotes, computed in double precision, with the
    attention factor kept as a separate number. This is the same rewrite that
    `-canonicalize` applies, as a pass of its own for pipelines.

    ```mlir
    freqs(#rope.linear<base = 10000.0, factor = 2.0>)   // R = 4
    // becomes
    freqs(#rope.inv_freqs<values = [0.5, 0.005]>)
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect"];
}

def RopeDecomposeRotatePass : Pass<"rope-decompose-rotate"> {
  let summary = "Rewrite rope.rotate as the composition of the table ops and rope.apply";
  let description = [{
    `rope.rotate` is defined as this composition: an `offset` becomes
    `rope.positions`; frequencies become `rope.inv_freq` (with the positions
    for run-time scaling types) and `rope.cos_sin` with the attribute's
    attention factor; a cache gathered by position becomes `rope.gather`, a
    per-token cache is used as it is; then one `rope.apply` rotates every
    input by the tables.

    ```mlir
    %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>)
        outs(%i : tensor<?x8x64xf32>) positions(%p : tensor<?xi64>)
        freqs(#rope.default<base = 10000.0>)
    // becomes
    %f = rope.inv_freq freqs(#rope.default<base = 10000.0>) : tensor<32xf64>
    %cos, %sin = rope.cos_sin positions(%p : tensor<?xi64>)
        inv_freq(%f : tensor<32xf64>)
        outs(%c, %s : tensor<?x32xf32>, tensor<?x32xf32>)
    %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>)
        outs(%i : tensor<?x8x64xf32>)
        cos_sin(%cos, %sin : tensor<?x32xf32>, tensor<?x32xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeInsertRuntimeChecksPass : Pass<"rope-insert-runtime-checks"> {
  let summary = "Check at run time what the verifier cannot: dynamic sizes, positions";
  let description = [{
    Before each rope op, emits the checks that only the data can answer and
    that stop the program (`cf.assert`, with the sizes printed) instead of
    reading out of bounds or computing outside the error bound:
    * dynamic dimensions that must agree (token counts of inputs, outputs,
      positions and tables; head counts of ins and outs);
    * positions used with frequencies (`rope.rotate` with `freqs`,
      `rope.cos_sin`) within `(-2^31, 2^31)`;
    * positions gathered from a table (`rope.rotate` with a cache,
      `rope.gather`) within `[0, P)`.
    Both pipelines run it before any other rope pass; the lowerings assume
    its checks hold.

    ```mlir
    // rope.rotate: a position is outside (-2^31, 2^31), the range in which
    // cos/sin meet their error bound
    %cos, %sin = rope.cos_sin positions(%p : tensor<?xi64>) ...
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeTileAndFusePass : Pass<"rope-tile-and-fuse"> {
  let summary = "Tile rope.apply over tokens and heads, fusing its table producers";
  let description = [{
    Tiles every `rope.apply` with upstream's
    `scf::tileConsumerAndFuseProducersUsingSCF` into an `scf.forall` over
    token tiles (and batch rows), fusing the ops that produce its cos/sin
    (`rope.cos_sin`, `rope.gather`, `rope.positions`) into each tile: a tile
    computes its tokens' cos/sin once for every head of every input.

    Tile sizes: one batch row and `token-tile` tokens, fewer for short
    sequences so that there are at least `min-tiles` tiles; heads whole (the
    op tiles over heads too, e.g. from a transform script).

    A fused table's destination becomes a slice of a static
    `[token-tile, width]` buffer (on the stack after bufferization) instead
    of a slice of a whole-sequence tensor.
  }];
  let options = [
    Option<"tokenTile", "token-tile", "int64_t", /*default=*/"16",
           "Tokens per tile">,
    Option<"minTiles", "min-tiles", "int64_t", /*default=*/"1",
           "Split short sequences into at least this many tiles">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeCheckDimIndicesPass : Pass<"rope-check-dim-indices"> {
  let summary = "Reject tensor.dim / memref.dim with a constant index out of range";
  let description = [{
    A `tensor.dim` or `memref.dim` whose constant index is negative or not
    below the operand's rank is undefined behaviour that the verifier
    accepts; upstream folders index the shape with it (the GPU lowering's
    `memref.dim` of a `gpu.alloc` crashes). Both rope pipelines run this
    check first, so such IR is an error naming the op instead.

    ```mlir
    %c = arith.constant -1 : index
    // error: 'tensor.dim' op index -1 is out of range for a rank-3 operand
    %d = tensor.dim %x, %c : tensor<?x2x8xf32>
    ```
  }];
}

def RopeFreeLocalBuffersPass : Pass<"rope-free-local-buffers"> {
  let summary = "Free heap buffers that do not leave their block";
  let description = [{
    After bufferization, a `memref.alloc` whose buffer (or a view of it) is
    only read and written inside its block, never returned, yielded, passed
    to a call or captured, gets a `memref.dealloc` before the block's
    terminator. This frees the buffer passed between two rope ops of one
    function and large tile tables, which leaked on every call otherwise.

    Upstream's ownership-based deallocation does more but, at a public
    function's boundary, clones every returned buffer it does not own: a
    full copy of an output written in place into an argument. This pass
    never copies; a buffer whose use it does not understand is left alone.

    ```mlir
    %a = memref.alloc(%n) : memref<?xf32>
    linalg.generic ... outs(%a : memref<?xf32>)
    linalg.generic ins(%a : memref<?xf32>) outs(%out : memref<?xf32>)
    memref.dealloc %a : memref<?xf32>   // added
    return %out : memref<?xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def RopeVectorizePass : Pass<"rope-vectorize"> {
  let summary = "Tile rope kernels to one vector and vectorize them";
  let description = [{
    Works on the linalg ops that `convert-rope-to-linalg` produces (generics
    tagged `rope.stage` and the pass-through `linalg.copy`): tiles every
    dimension to 1 except the innermost rotated one, which gets one vector of
    `vector-width` f32 lanes (the largest power of two that divides its size,
    so head dims 64/128/256 have no remainder), and the pair dimension of
    size 2, which stays whole. Each tile is vectorized with upstream's linalg
    vectorizer, then the vector cleanups drop unit dims and turn transfers
    into plain loads and stores. `vector-width = 0` uses the host's width
    (16 with AVX-512, 8 with AVX2, else 4).

    The loop over the vectors of a rotated row is unrolled when it has at
    most `max-unroll` iterations: the reads of the per-token cos/sin tables
    (and, for bf16, their even/odd split) then no longer depend on any loop
    inside the token loop, and loop-invariant code motion moves them out of
    the loops over heads, so each token's table row is loaded once for all
    its heads instead of once per head.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"0",
           "f32 lanes per vector (0: the host's native width)">,
    Option<"maxUnroll", "max-unroll", "int64_t", /*default=*/"8",
           "Unroll loops over a row's vectors with at most this many "
           "iterations (0: never)">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
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

    The NaN fix-up (a compare and a masked or per vector) is a third of the
    rounding's cost. With `default-nan-low-bits-zero` (the target's
    arithmetic returns an operand's NaN payload or a default NaN whose low
    16 bits are zero: x86, AArch64, RISC-V; not NVPTX, whose canonical NaN
    is 0x7fffffff), truncs marked `rope.bf16_operands` drop it: every NaN
    they see has zero low 16 bits, so adding the rounding bias cannot
    carry into its exponent.
  }];
  let options = [
    Option<"defaultNanLowBitsZero", "default-nan-low-bits-zero", "bool",
           /*default=*/"false",
           "The target's arithmetic NaN results have zero low 16 bits unless "
           "an operand's have (skip the NaN fix-up of truncs marked "
           "rope.bf16_operands)">,
    Option<"funnelShiftMerge", "funnel-shift-merge", "bool",
           /*default=*/"false",
           "Merge rounded bf16 pairs with llvm.intr.fshr (LLVM dialect) "
           "instead of a mask and an or">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect"];
}

def RopeNontemporalStoresPass : Pass<"rope-nontemporal-stores"> {
  let summary = "Version token-tile loops to use aligned streaming stores";
  let description = [{
    For every bufferized token-tile `scf.forall` that the rope lowering
    marked `rope.store_alignment = N` (all written row segments start on
    N-byte boundaries of an N-byte aligned output), emits a run-time check
    that every output buffer is N-byte aligned and, when it is, runs a clone
    whose vector stores to those buffers are `nontemporal` with their
    alignment set; otherwise the original loop runs. Streaming stores skip
    the read-for-ownership of each output line, which otherwise adds half
    the written bytes to the memory traffic. Stores to stack tables stay
    ordinary.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def RopeAlignWorkgroupMemoryPass : Pass<"rope-align-workgroup-memory"> {
  let summary = "Align the workgroup attributions of gpu.func kernels";
  let description = [{
    Sets `llvm.align` on every workgroup (shared memory) attribution of every
    `gpu.func` to at least `alignment` bytes. The rope kernels read their
    per-token cos/sin tables from shared memory with 16-byte vector loads;
    attributions of outlined `gpu.launch` ops otherwise get the element
    alignment (4), which would make those loads misaligned.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Minimum alignment in bytes">,
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
    serialized parallel region still does (about 1 us per call measured on
    the benchmark machine).
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
    over tokens (from 0, step 1, marked `rope.independent_iterations`)
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
    that stay in the caches the row order is faster (measured on Ice Lake:
    bf16 head_dim 64 at 4096 tokens 1.54 -> 1.26 of a copy with the walk,
    Llama q+k at 512 tokens 0.99 -> 0.88). `max-element-bytes` limits the
    walk to narrow elements (0: any).

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
    for f32 Llama q, 4 pages). Measured on Ice Lake (copy/kernel, A/B
    medians): THD f32 at 4096 tokens 0.90 (row order) -> 1.01, f32 q+k at
    32768 tokens 0.91 -> 0.99, bf16 0.89 (8 pages row by row) -> 0.92 with
    4 pages segment by segment.

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
    } {rope.page_walk = 32768 : i64}        // 8 pages per iteration
    scf.for %t = %n4 to %n step %c1 { ... }
    // with interleave-segments, the row loop's body holds
    //   loads(row 0, segment 0) ... loads(row 7, segment 0)
    //   rest(row 0, segment 0) ... rest(row 7, segment 0)
    //   loads(row 0, segment 1) ...
    ```
  }];
  let options = [
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
  let dependentDialects = ["::mlir::arith::ArithDialect",
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
    (`rope.page_walk = N`: the walk advances N bytes per iteration), which
    already read several pages at once, a fixed distance would fetch rows
    the same iteration reads: with `in-page-walks` their loads prefetch the
    same rows of the next iteration, N bytes ahead (measured on Ice Lake,
    copy/kernel A/B medians: THD f32 at 4096 tokens 1.00 -> 1.02, bf16
    Llama q+k at 32768 tokens 0.91 -> 0.94); without it they are left
    alone.

    ```mlir
    %v = vector.load %x[%t, %h, %d] : memref<?x32x128xbf16>, vector<32xbf16>
    // gains, with distance = 4096 (2048 elements):
    %i = affine.linearize_index [%t, %h, %d] by (%T, 32, 128) : index
    %j = arith.minsi(%i + 2048, %T * 4096 - 1)
    memref.prefetch %flat[%j], read, locality<3>, data : memref<?xbf16>
    ```
  }];
  let options = [
    Option<"distance", "distance", "int64_t", /*default=*/"4096",
           "Bytes ahead of the load to prefetch (0: off)">,
    Option<"inPageWalks", "in-page-walks", "bool", /*default=*/"true",
           "Prefetch in loops of rope-page-walk too, one walk iteration "
           "ahead">,
  ];
  let dependentDialects = [
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
    loops of the lowered rotation and pass-through copies. Only loops marked
    `rope.independent_iterations` (set by `rope-vectorize` on the tile loops
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
    is fully compared (4K aliasing): measured 30% slower on Ice Lake. Loads
    one row ahead no longer follow those stores.

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
  let dependentDialects = ["::mlir::scf::SCFDialect"];
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

#endif // ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_TD
