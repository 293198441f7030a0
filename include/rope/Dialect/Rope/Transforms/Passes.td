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

def RopeMergeRotationsPass : Pass<"rope-merge-rotations"> {
  let summary = "Merge rope.rotate ops that share positions and frequencies into one";
  let description = [{
    Frontends rotate queries and keys with two ops (HF's `q_embed`,
    `k_embed`). Two `rope.rotate` ops of one block with the same positions,
    offset or cache operands, the same attributes (pairing, layout,
    rotary_dim, frequencies, mrope, inverse), the same element type and the
    same static token sizes (or the same positions, which fix them) become
    one op rotating the inputs of both, so a lowering computes each token's
    cos/sin once for both and runs one loop nest. The merged op is placed at
    the later one; ops where the later depends on the earlier's results, or
    the earlier's results are used before the later, stay apart.

    ```mlir
    %q1 = rope.rotate half thd ins(%q : tensor<?x32x128xf32>) outs(%qi : ...)
        positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
    %k1 = rope.rotate half thd ins(%k : tensor<?x8x128xf32>) outs(%ki : ...)
        positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
    // becomes
    %q1, %k1 = rope.rotate half thd ins(%q, %k : ...) outs(%qi, %ki : ...)
        positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect"];
}

def RopeFoldTensorCopiesPass : Pass<"rope-fold-tensor-copies"> {
  let summary = "Replace a linalg.copy on tensors by its input";
  let description = [{
    A cache written in destination-passing style takes a slice of the
    cache, copies the new rows into it and inserts the slice back
    (`tensor.extract_slice`, `linalg.copy`, `tensor.insert_slice`). On
    tensors the copy's result is its input (every element is overwritten),
    so it is replaced by the input, of the same type: the insertion of the
    rows themselves is what `rope-fuse-sibling-copies` fuses into the token
    loop.

    ```mlir
    %s = tensor.extract_slice %vc[%off, 0, 0] [37, 2, 128] [1, 1, 1]
    %c = linalg.copy ins(%v : tensor<37x2x128xbf16>) outs(%s : tensor<37x2x128xbf16>) -> tensor<37x2x128xbf16>
    %vc2 = tensor.insert_slice %c into %vc[%off, 0, 0] [37, 2, 128] [1, 1, 1]
    // becomes
    %vc2 = tensor.insert_slice %v into %vc[%off, 0, 0] [37, 2, 128] [1, 1, 1]
    ```
  }];
}

def RopeFuseElementwiseNeighboursPass
    : Pass<"rope-fuse-elementwise-neighbours", "::mlir::func::FuncOp"> {
  let summary = "Write the elementwise neighbours of rope ops as few generics";
  let description = [{
    A frontend lowering op by op writes a norm as a chain of named ops
    (`linalg.map` for the upcast, `linalg.mul` for the square,
    `linalg.reduce`, `linalg.broadcast` of the row scale, `linalg.mul` by it
    and by the weight, `linalg.map` for the downcast). Tiled as written,
    each op of the chain becomes a loop of its own in the token tile with
    an f32 buffer between loops. This pass rewrites the linalg ops
    connected to a rope op through such ops (elementwise named ops and
    `linalg.map`, `linalg.broadcast`, `linalg.transpose`, `linalg.reduce`,
    `linalg.generic`; not fills, copies or contractions) as generics
    (upstream `linalg::generalizeNamedOp`) and fuses each elementwise
    producer into its consumers (upstream `linalg::fuseElementwiseOps`),
    which gives the one-generic form a hand-written norm has: a row-sum
    reduction and one elementwise op reading the input, the sums and the
    weight.

    An input whose elements are one scalar (a `linalg.fill`, such as the
    exponent of torch's `pow(x, 2.0)` as `linalg.powf`'s second operand,
    or a `tensor.from_elements` of one value, a scale made a tensor) is
    read as that scalar. A producer is fused when it has one use, or when
    its body only converts (`arith.extf`, `arith.truncf`, ...) or forwards
    its inputs (a broadcast, a transpose): such a producer is computed again
    in each of its consumers (the upcast of a norm's input, read by the
    square and by the scaling) instead of stored.

    An elementwise op read only through slices beside it (a bias added to
    a fused QKV projection output, then q, k and v sliced from it) becomes
    the op on the slices of its operands, one per slice (upstream
    `tensor::replaceExtractSliceWithTiledProducer`), moved past the reshape
    to the rope op's shape (upstream propagation by expansion), so that
    each part is the producer of the loop that reads it.

    ```mlir
    %xf = linalg.map ins(%x : tensor<37x8x128xbf16>) outs(%e : tensor<37x8x128xf32>)
      (%in: bf16, %init: f32) { %0 = arith.extf %in : bf16 to f32  linalg.yield %0 : f32 }
    %sq = linalg.mul ins(%xf, %xf : ...) outs(...)
    %ss = linalg.reduce ins(%sq : ...) outs(%fill : tensor<37x8xf32>) dimensions = [2] ...
    // becomes
    %ss = linalg.generic {indexing_maps = [(t, h, d) -> (t, h, d), (t, h, d) -> (t, h)],
                          iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x : tensor<37x8x128xbf16>) outs(%fill : tensor<37x8xf32>) {
      // extf, mulf, addf
    }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def RopeDropConstantUnitDimsPass : Pass<"rope-drop-constant-unit-dims"> {
  let summary = "Drop generic operands' dimensions of extent 1 read at index 0";
  let description = [{
    A reduction kept with its reduced dimension (torch's `mean(-1,
    keepdim=True)`: a norm's row sums as `tensor<T x H x 1>` written and read
    through `(t, h, d) -> (t, h, 0)`) has an indexing map that is not a
    projected permutation, and upstream tiling cannot fuse it into the rope
    op's tiles. This pass rewrites each `linalg.generic` with such an
    operand by upstream `linalg::dropUnitDims`, restricted to the operand
    dimensions indexed by a constant: the operand is collapsed
    (`tensor.collapse_shape`), the map loses the constant, the result is
    expanded back; no loop dimension is dropped (a batch of 1 keeps its
    loop, as the rope ops keep it). Canonicalization then folds the
    reshapes between producer and consumer.

    ```mlir
    %ss = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>,
                                           affine_map<(t, h, d) -> (t, h, 0)>], ...}
        ins(%k : tensor<37x2x128xbf16>) outs(%z : tensor<37x2x1xf32>)
    // becomes a generic with outs(tensor<37x2xf32>) through (t, h, d) -> (t, h),
    // its result expanded to tensor<37x2x1xf32>
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def RopeCheckSliceBoundsPass : Pass<"rope-check-slice-bounds", "::mlir::func::FuncOp"> {
  let summary = "Check at run time the slices taken at run-time offsets";
  let description = [{
    A KV cache written at rows `[offset, offset + S)` (`tensor.insert_slice`
    at an offset read from a tensor), a paged cache written through a block
    table (`tensor.parallel_insert_slice` in an `scf.forall` over the
    tokens, at a slot read from the table) are in bounds only if the data
    says so; out of bounds they write past the cache. This pass emits
    `cf.assert`s (messages naming the op and its location) for the tensor
    slices, element reads and writes of a function whose offsets, sizes or
    tensor shapes are not all constants:
    * a top-level access: offset and last index of each dimension in
      `[0, dim)` (or the size 0), asserted as early as possible: the index
      arithmetic and tensor reads computing its offsets are repeated where
      their own operands are known, usually the function's start (a
      frontend may compute a cache offset next to the insertion, after the
      rope op);
    * the accesses a top-level one-dimensional `scf.forall` makes in its
      body's block (not those under a condition, such as a padding slot
      skipped by an `scf.if`): in a loop of their own over the same
      iterations, placed as early; the reads the offsets come from (the
      block table) are checked too and made only where they are in bounds.
    A dimension is checked unless its offset, size and stride are constants
    and its extent static (the verifier's business). The checks come before
    the function's work, not at the accesses: the pipelines bufferize rope
    results into such slices in place, so the writes would come first. A
    loop whose offsets depend on anything but index arithmetic and tensor
    reads is left unchecked. The CPU pipeline runs it first; the GPU
    pipeline does not (its tensors are device buffers).

    ```mlir
    %kc2 = tensor.insert_slice %rk into %kc[%off, 0, 0] [%s, 8, 128] [1, 1, 1]
    // is preceded, right after %off is known, by
    cf.assert %ok, "tensor.insert_slice loc(...): a run-time offset or size puts it outside the tensor it writes"
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::scf::SCFDialect",
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
    its checks hold. `print-sizes=false` leaves out the printing of the
    sizes that disagree (the pipelines' `status-checks`, where a library
    returns a status and must not write to stdout). `check-positions=false`
    leaves out the checks that read positions from a tensor (the GPU
    pipeline: they are device buffers; `convert-rope-to-linalg`'s
    `poison-invalid-positions` makes the tables NaN there instead).

    ```mlir
    // rope.rotate: a position is outside (-2^31, 2^31), the range in which
    // cos/sin meet their error bound
    %cos, %sin = rope.cos_sin positions(%p : tensor<?xi64>) ...
    ```
  }];
  let options = [
    Option<"printSizes", "print-sizes", "bool", /*default=*/"true",
           "Print the sizes that disagree before a failed shape check">,
    Option<"checkPositions", "check-positions", "bool", /*default=*/"true",
           "Check the positions read from tensors (off: the GPU pipeline, "
           "whose host cannot read device buffers; its kernels give NaN "
           "for such positions instead)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeTileAndFusePass : Pass<"rope-tile-and-fuse"> {
  let summary = "Tile rope.apply over tokens and heads, fusing its producers";
  let description = [{
    Tiles every `rope.apply` with upstream's
    `scf::tileConsumerAndFuseProducersUsingSCF` into an `scf.forall` over
    token tiles (and batch rows), fusing the ops that produce its cos/sin
    (`rope.cos_sin`, `rope.gather`, `rope.positions`) into each tile: a tile
    computes its tokens' cos/sin once for every head of every input. The
    neighbours' linalg ops on tensors that compute only what the op reads
    (directly or through one another: a QK RMSNorm before it) are fused
    too, each tile computing its slice of them, and configured
    `role = fused` for rope-vectorize; a producer whose results something
    else also reads is left whole.

    Tile sizes: one batch row and `token-tile` tokens, fewer for short
    sequences so that there are at least `min-tiles` tiles, heads whole.
    With `split-heads`, a batch of 2 to `min-tiles - 1` tokens in all (too
    few tokens for the threads) takes a second version, chosen at run time
    by an `scf.if`: one token per tile and the heads split into
    `ceil(min-tiles / tokens)` parts. A decode step (one token) and longer
    sequences keep the first, whose head loops have static trip counts.

    A fused table's destination becomes a slice of a static
    `[token-tile, width]` buffer (on the stack after bufferization) instead
    of a slice of a whole-sequence tensor.
  }];
  let options = [
    Option<"tokenTile", "token-tile", "int64_t", /*default=*/"16",
           "Tokens per tile">,
    Option<"minTiles", "min-tiles", "int64_t", /*default=*/"1",
           "Split short sequences into at least this many tiles">,
    Option<"stackTableBytes", "stack-table-bytes", "int64_t",
           /*default=*/"65536",
           "Bytes the cos/sin tables of one tile may take (they live on the "
           "stack): ops with wide tables get tiles of fewer tokens">,
    Option<"fuseNeighbours", "fuse-neighbours", "bool", /*default=*/"true",
           "Fuse the neighbours' linalg ops that feed only the rope op "
           "(off: only the table producers)">,
    Option<"splitHeads", "split-heads", "bool", /*default=*/"true",
           "Split the heads of batches of fewer than min-tiles tokens (but "
           "at least 2)">,
    Option<"blockMapping", "block-mapping", "bool", /*default=*/"false",
           "Map the token loops to GPU blocks (#gpu.block<linear_dim_*>): "
           "the GPU pipeline's tiled form">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeFuseConsumersPass : Pass<"rope-fuse-consumers"> {
  let summary = "Fuse elementwise consumers of a rope op's results into its token loop";
  let description = [{
    After `rope-tile-and-fuse`, an elementwise linalg op that reads a
    result of the rope op's token loop (fp8 quantization after rope:
    `clamp(x / scale)` and `arith.truncf` to `f8E4M3FN`) is tiled into that
    loop (upstream `tileAndFuseConsumer`, `role = fused`). A rope result
    that nothing else reads, now read only in the tile, is no longer
    written whole: the rope tile writes a tile-sized tensor instead, which
    `rope-fuse-into-rotation` then folds away by computing the consumer in
    the rotation's body. A result other ops also read (the rotated k
    returned as well as quantized into a cache) stays a result of the
    loop, written by the same tile. A reduction over dimensions every tile
    spans whole (a per-token amax for a dynamic fp8 scale: over the heads
    and head_dim, which the token tiles do not split) is fused the same
    way, and then what reads it and the rope result (the scale, the
    quantization by it). A tile that reads a shared output it no longer
    writes whole reads the output's initial value (a reduction's fill).
    Consumers whose other operands are computed after the loop from
    something else stay outside.

    ```mlir
    %r = scf.forall (%t) ... shared_outs(%o = %e) { ... rope.apply ... }
    %q = linalg.generic {...} ins(%r ...) outs(%e8 : tensor<512x8x128xf8E4M3FN>)
    // becomes
    %q = scf.forall (%t) ... shared_outs(%o8 = %e8) {
      %y = rope.apply ... outs(%tile : tensor<?x8x128xf32>)
      %y8 = linalg.generic {..., role = fused} ins(%y ...) outs(...)
    }
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeFuseIntoRowLoopsPass : Pass<"rope-fuse-into-row-loops"> {
  let summary = "Compute an elementwise producer row by row in the row loop that reads it";
  let description = [{
    A paged cache is written by a row loop (`scf.forall` over the tokens,
    step 1, `tensor.parallel_insert_slice` of each row into its slot). When
    a row it writes is a row of an elementwise producer (v quantized to fp8
    bytes for an fp8 paged cache) that nothing else reads, the producer is
    computed there, one row per iteration (upstream
    `scf::tileAndFuseProducerOfSlice`), instead of over the whole tensor
    before the loop: the row loop reads the input rows, and the rows are
    computed into their slots (empty tensor elimination), in the token
    tiles on the CPU (`rope-fuse-row-loops`) and in the token's block on
    the GPU (`rope-fuse-row-foralls`). The fused op gets `role = fused`, so
    `rope-vectorize` vectorizes it with the rope lowering's ops.

    ```mlir
    %v8 = linalg.generic ... ins(%v : tensor<37x2x128xbf16>) outs(%e : tensor<37x2x128xi8>)
    %vc2 = scf.forall (%i) in (37) shared_outs(%c = %vc) -> (tensor<8x16x2x128xi8>) {
      %row = tensor.extract_slice %v8[%i, 0, 0] [1, 2, 128] [1, 1, 1]
      ...
    }
    // becomes
    %vc2 = scf.forall (%i) in (37) shared_outs(%c = %vc) -> (tensor<8x16x2x128xi8>) {
      %vrow = tensor.extract_slice %v[%i, 0, 0] [1, 2, 128] [1, 1, 1]
      %row = linalg.generic ... ins(%vrow) outs(...) {rope.lowering = #rope.lowering<role = fused>}
      ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeFuseRowForallsPass : Pass<"rope-fuse-row-foralls"> {
  let summary = "Merge a loop over rows into a token loop of one token per iteration";
  let description = [{
    After `rope-tile-and-fuse` with one token per tile (the GPU pipeline's
    blocks), a row loop (`scf.forall` over the same tokens, step 1, with
    `tensor.parallel_insert_slice`s of rows: a paged KV cache written
    through a block table, docs/fusion.md) joins the token loop: one loop,
    the token loop's shared outputs followed by the row loop's. A row the
    row loop reads from the token loop's results (`tensor.extract_slice` at
    its own token, of the size the token loop inserts) is the value the
    token loop inserts there, so it is never read back; every row it
    writes is a `linalg.copy` (`role = copy`) into its destination slice,
    which the thread tiling spreads over a block's threads like the other
    copies.

    Merged only when exact: same tokens; rows read from the token loop only
    at their own token and only copied to the row loop's destinations; the
    row loop's outputs and captured values defined before the token loop
    (not its results); tensor ops only, in both loops and between them. A
    row is computed in its destination only through linalg ops that write
    their whole init without reading it; otherwise it is copied. With
    `required`, a row loop that stays is an error naming it (the GPU
    pipeline has no host loops).

    ```mlir
    %r:2 = scf.forall (%t) in (%n) shared_outs(%q = ..., %k = ...) { ...
      scf.forall.in_parallel { ... parallel_insert_slice %krow into %k[%t, 0, 0] ... }
    } {mapping = [#gpu.block<linear_dim_0>]}
    %kc2 = scf.forall (%i) in (%n) shared_outs(%c = %kc) { ...
      %row = tensor.extract_slice %r#1[%i, 0, 0] [1, 8, 128] [1, 1, 1]
      scf.forall.in_parallel { parallel_insert_slice %row into %c[%blk, %s, 0, 0] ... }
    }
    ```
    becomes one loop with shared outputs `(%q, %k, %c)` whose body copies
    `%krow` into `%c[%blk, %s, 0, 0]`.
  }];
  let options = [
    Option<"required", "required", "bool", /*default=*/"false",
           "A row loop that cannot be merged is an error naming it">,
  ];
  let dependentDialects = ["::mlir::rope::RopeDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeFuseSiblingCopiesPass : Pass<"rope-fuse-sibling-copies"> {
  let summary = "Copy input data into slices inside the rope op's token loop";
  let description = [{
    After `rope-tile-and-fuse`, a `tensor.insert_slice` that only copies
    input data (a function argument, or views of it: the untouched `v`
    written into a KV cache, the `v` part of a fused QKV projection) would
    bufferize to a copy on one thread, outside the rope op's parallel token
    loop. When its token dimensions (those of the rope op's layout) span the
    same tokens as the loop, this pass makes the copy a `linalg.copy`
    (`role = copy`) into the slice, tiles it by the same token tiles
    (upstream `tileUsingSCF` to `scf.forall`) and fuses that loop with the
    rope op's (upstream `fuseIndependentSiblingForallLoops`): one parallel
    loop writes the rotated tensors and the copied ones, each element once.
    The copy's operands must be defined before the rope loop.

    ```mlir
    %r:2 = scf.forall (%t) = (0) to (512) step (16) shared_outs(...) {
      ... rope.apply ...
    }
    %vc2 = tensor.insert_slice %v into %vc[%off, 0, 0] [512, 8, 128] [1, 1, 1]
    // becomes
    %s = tensor.extract_slice %vc[%off, 0, 0] [512, 8, 128] [1, 1, 1]
    %r:3 = scf.forall (%t) = (0) to (512) step (16)
        shared_outs(..., %o = %s) {
      ... rope.apply ...
      %c = linalg.copy {rope.lowering = #rope.lowering<role = copy>}
          ins(%v_tile) outs(%o_tile)
    }
    %vc2 = tensor.insert_slice %r#2 into %vc[%off, 0, 0] [512, 8, 128] [1, 1, 1]
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeCopyStridedTablesPass : Pass<"rope-copy-strided-tables"> {
  let summary = "Give rope.gather contiguous tables where views would be misread";
  let description = [{
    The vectorized gather of table rows indexes each table as if its rows
    were `W` elements apart (the linalg vectorizer linearizes the row and
    column into one offset). A table that is a view of a larger tensor
    (`tensor.extract_slice` of a cache with more columns, a transposed or
    strided view) is not, once bufferized: its rows would be misread. Each
    `rope.gather` table that is such a view gets a contiguous copy
    (`linalg.copy`, once per call, before the op is tiled), unless the view
    is known to be readable as it is: rows `W * s` elements apart for a
    column stride `s`, as the cos and sin halves of a `[P, W, 2]`
    complex-pair cache are (`rope-flatten-strided-gathers` reads those).

    ```mlir
    %c = tensor.extract_slice %cache[0, 4] [50, 32] [1, 1]
        : tensor<60x40xf32> to tensor<50x32xf32>
    %g:2 = rope.gather positions(%p) tables(%c, %s ...) ...
    // the table becomes
    %copy = linalg.copy ins(%c : tensor<50x32xf32>) outs(%empty ...)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeFuseIntoRotationPass : Pass<"rope-fuse-into-rotation"> {
  let summary = "Compute a fused neighbour's elementwise op in the rotation's body";
  let description = [{
    A neighbour's elementwise op that `rope-tile-and-fuse` fused into a
    token tile (`role = fused`: the scale of a QK RMSNorm) writes a tile of
    an intermediate tensor that the rotation (`role = rotate`) then reads
    through its two half slices. This pass moves those slices above the
    neighbour (upstream's extract_slice bubble-up) and fuses the neighbour
    into the rotation generic (upstream's elementwise fusion, controlled to
    these two roles), so the normalized values are computed where they are
    rotated and no intermediate is written. Reductions (the norm's row sums)
    stay separate: they are small. A fused consumer of the rotation (fp8
    quantization) is computed in the rotation's body the same way; when
    the rotated values are also read elsewhere (the rotated k returned as
    well as quantized), the fused generic writes them as a second result,
    so the rotation is computed once.

    ```mlir
    %n = linalg.generic {... role = fused} ins(%x, %rms ...)   // x * rsqrt(..)
    %n1 = tensor.extract_slice %n[0, 0, 0] [16, 8, 64] ...
    %n2 = tensor.extract_slice %n[0, 0, 64] [16, 8, 64] ...
    %y = linalg.generic {... role = rotate} ins(%n1, %n2, %cos, %sin ...)
    // becomes one generic {role = rotate} on slices of %x and %rms
    ```
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_TD
