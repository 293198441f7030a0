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

def RopeComposeRotatePass : Pass<"rope-compose-rotate"> {
  let summary = "Rewrite rope.apply of rope-made tables as rope.rotate";
  let description = [{
    The inverse of `rope-decompose-rotate`, for lowerings that take the
    one-op form (the GPU pipeline runs it first): a `rope.apply` whose
    tables are the two results of one `rope.cos_sin` (of `rope.inv_freq` or
    constant frequencies), of one `rope.gather`, or per-token tables of
    width R/2, becomes the `rope.rotate` with `freqs`, a gathered cache or a
    per-token cache. Full-width tables and run-time frequency tensors stay.
  }];
  let dependentDialects = ["::mlir::rope::RopeDialect"];
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
    returns a status and must not write to stdout).

    ```mlir
    // rope.rotate: a position is outside (-2^31, 2^31), the range in which
    // cos/sin meet their error bound
    %cos, %sin = rope.cos_sin positions(%p : tensor<?xi64>) ...
    ```
  }];
  let options = [
    Option<"printSizes", "print-sizes", "bool", /*default=*/"true",
           "Print the sizes that disagree before a failed shape check">
  ];
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
    Option<"splitHeads", "split-heads", "bool", /*default=*/"true",
           "Split the heads of batches of fewer than min-tiles tokens (but "
           "at least 2)">,
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

def RopeCheckDialectsPass : Pass<"rope-check-dialects", "ModuleOp"> {
  let summary = "Reject ops outside a list of dialects, naming the op";
  let description = [{
    A pipeline's pre- or post-condition as a check. At the start of a
    pipeline (`input=true`) an op of a dialect the pipeline cannot lower is
    an error that names it and says what to convert it to first; at the end
    (`input=false`) an op that no stage lowered is an error naming it, instead
    of output that fails later in `mlir-translate`.

    ```mlir
    // rope-check-dialects{dialects=builtin,llvm,omp pipeline=rope-cpu-pipeline}
    linalg.softmax dimension(1) ins(%a : memref<16x256xf32>) outs(%b : memref<16x256xf32>)
    // error: 'linalg.softmax' op was left unlowered by rope-cpu-pipeline,
    // whose output has ops of the builtin, llvm, omp dialects only
    ```
  }];
  let options = [
    ListOption<"dialects", "dialects", "std::string",
               "Dialects whose ops pass">,
    Option<"pipeline", "pipeline", "std::string", /*default=*/"\"\"",
           "Pipeline named in the messages">,
    Option<"input", "input", "bool", /*default=*/"false",
           "Check a pipeline's input (else its output)">
  ];
}

def RopeCheckGPUHostOpsPass : Pass<"rope-check-gpu-host-ops", "ModuleOp"> {
  let summary = "Reject tensor ops the GPU pipeline has no host code for";
  let description = [{
    The GPU pipeline turns each rope op into a kernel on device buffers and
    generates no code for other computations on tensors: their host code
    would read and write device memory. So in the functions it lowers, every
    op with a tensor operand or result must be a rope op, a bufferization op
    (caller buffers), `tensor.empty`, `tensor.dim` or the `func.return` of
    the results; anything else (a
    `linalg.matmul` beside `rope.rotate`) is an error naming the op. Run such
    functions through the CPU pipeline, or split them.

    ```mlir
    %x = linalg.matmul ins(%a, %w : tensor<16x64xf32>, tensor<64x256xf32>)
        outs(%f : tensor<16x256xf32>) -> tensor<16x256xf32>
    // error: 'linalg.matmul' op cannot be lowered by rope-gpu-pipeline: ...
    ```
  }];
}

def RopeDestinationResultsPass : Pass<"rope-destination-results", "ModuleOp"> {
  let summary = "Tensor results of public functions to caller-provided buffers";
  let description = [{
    The ABI of an ahead-of-time kernel: each tensor result of a public
    function becomes a trailing memref argument (identity layout) that the
    result is written into with `bufferization.materialize_in_destination`
    (`restrict writable`), and the function returns nothing. A rope op
    overwrites its whole `outs`, so a result computed by one gets the
    caller's buffer as its `outs` (`bufferization.to_tensor restrict
    writable`): it is computed straight into that buffer, whatever its
    `outs` was (a `tensor.empty`, or `%q` in the in-place spelling), and the
    materialization copies nothing. Nothing is allocated for results and the
    caller owns every buffer. A buffer whose dynamic sizes differ from the
    result's fails a run-time check (`cf.assert`) before the op writes it.

    ```mlir
    func.func @f(%x: tensor<?x8x64xf32>) -> tensor<?x8x64xf32>
    // becomes
    func.func @f(%x: tensor<?x8x64xf32>, %out: memref<?x8x64xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RopeChecksToStatusPass : Pass<"rope-checks-to-status", "ModuleOp"> {
  let summary = "Failed run-time checks return a status instead of aborting";
  let description = [{
    For callers that must not lose their process to a bad input (a library,
    an ahead-of-time kernel): each `cf.assert` in the body block of a public
    function (where `rope-insert-runtime-checks` puts them) becomes a branch
    to a return of status `k` (the k-th check, from 1); the function gets an
    `i32` result, last, which is 0 when every check held (other results are
    poison on failure). The messages are kept, in order, in the function's
    `rope.status_messages`. (The pipelines' `status-checks` also builds the
    checks with `print-sizes=false`: a library reports by its status only.)
    Runs on memrefs, after bufferization; a `cf.assert` nested in a region
    is an error.

    ```mlir
    cf.assert %ok, "rope.rotate: dynamic dimensions of the operands disagree"
    // becomes
    cf.cond_br %ok, ^continue, ^failed
    ^failed:
      %c1 = arith.constant 1 : i32
      return %c1 : i32
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::ub::UBDialect"];
}

def RopeEmitCInterfacePass : Pass<"rope-emit-c-interface", "ModuleOp"> {
  let summary = "Give public functions a C entry point (llvm.emit_c_interface)";
  let description = [{
    Marks every public function with a body with `llvm.emit_c_interface`,
    so that the LLVM lowering adds `_mlir_ciface_<name>`, which takes memref
    descriptors by pointer: what C callers, rope-run, rope-aot headers and
    the GPU bundle's runner call. Both pipelines can add it
    (`emit-c-interface`).
  }];
}

def RopeCheckDescriptorsPass : Pass<"rope-check-descriptors", "ModuleOp"> {
  let summary = "Check the memref descriptors public functions are called with";
  let description = [{
    A C caller passes each memref argument as a descriptor (pointers,
    offset, sizes, strides), and compiled code trusts the sizes the type
    fixes and the strides and offset of its identity layout: a buffer of
    another size would be read or written out of bounds, a strided view or
    an offset silently misread. This pass gives every identity-layout memref
    argument of a public function a fully dynamic strided type, checks at
    entry that the descriptor has the declared static sizes, offset 0 and
    the contiguous row-major strides of its sizes (a dimension of size 1 may
    have any stride; an empty buffer any strides), then casts it back to the
    declared type. A mismatch fails a `cf.assert` naming the argument:
    `rope-checks-to-status` turns it into a status. Runs on bufferized
    functions, before the C interface is emitted.

    ```mlir
    func.func @k(%a: memref<?x4x64xf32>)
    // becomes
    func.func @k(%a: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>) {
      %base, %offset, %sizes:3, %strides:3 = memref.extract_strided_metadata %a
      ...
      cf.assert %ok, "argument 0: ..."
      %0 = memref.cast %a : ... to memref<?x4x64xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::memref::MemRefDialect"];
}

def RopeCheckAllocationsPass : Pass<"rope-check-allocations", "ModuleOp"> {
  let summary = "Check that the heap buffers of public functions were allocated";
  let description = [{
    The LLVM lowering of `memref.alloc` calls `malloc` and uses its result
    unchecked: a failed allocation (a huge intermediate between two rope
    ops) would be written through a null pointer. After bufferization, each
    `memref.alloc` in a public function's body gets a `cf.assert` that its
    pointer is not null (or that it has no elements), so that the kernel
    stops with a message, or with `rope-checks-to-status` returns a status.
    Allocations nested in loops or regions (which the pipelines keep on the
    stack) are left alone.

    ```mlir
    %a = memref.alloc(%n) : memref<?x8x64xf32>
    // gets
    %p = memref.extract_aligned_pointer_as_index %a : memref<?x8x64xf32> -> index
    cf.assert %ok, "out of memory: ..."
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::memref::MemRefDialect"];
}

def RopeOwnReturnedBuffersPass
    : Pass<"rope-own-returned-buffers", "ModuleOp"> {
  let summary = "Make every buffer a public function returns its own allocation";
  let description = [{
    A caller of a bufferized public function owns the buffers it returns
    and frees them. After bufferization a returned memref can be a global
    constant (a folded `rope.inv_freq`), an argument, or an allocation
    returned twice: freeing it would crash or free the caller's own input.
    Each such result (seen through view-like ops) is copied into a fresh
    `memref.alloc`; a result that is already the function's own allocation,
    returned once, is left alone.

    ```mlir
    %g = memref.get_global @__constant_32xf64 : memref<32xf64>
    return %g : memref<32xf64>
    // becomes
    %a = memref.alloc() : memref<32xf64>
    memref.copy %g, %a : memref<32xf64> to memref<32xf64>
    return %a : memref<32xf64>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
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

def RopeHalfScalarsAsBitsPass
    : Pass<"rope-half-scalars-as-bits", "ModuleOp"> {
  let summary = "Pass f16/bf16 scalar arguments of public functions as i16 bits";
  let description = [{
    C has no portable 16-bit float type, and the calling conventions pass
    `half` in a vector register where a `uint16_t` goes in an integer one: a
    header declaring `uint16_t` for an f16 argument would shift every later
    argument. Like 16-bit float tensor elements, f16 and bf16 scalar
    arguments of public functions become their bit patterns (i16), bitcast
    back at entry.

    ```mlir
    func.func @k(%s: bf16) -> ...
    // becomes
    func.func @k(%bits: i16) -> ... {
      %s = arith.bitcast %bits : i16 to bf16
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
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
    Option<"nativeTrunc", "native-trunc", "bool", /*default=*/"false",
           "The target converts f32 to bf16 itself: leave arith.truncf, and "
           "vector.interleave of two of them, to LLVM">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect"];
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

#endif // ROPE_DIALECT_ROPE_TRANSFORMS_PASSES_TD
