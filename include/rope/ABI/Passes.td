//===- Passes.td - the C ABI of compiled functions -*- tablegen -*-===//

#ifndef ROPE_ABI_PASSES_TD
#define ROPE_ABI_PASSES_TD

include "mlir/Pass/PassBase.td"

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

def RopeDropInPlaceResultsPass
    : Pass<"rope-drop-in-place-results", "ModuleOp"> {
  let summary = "Drop the results that rope-destination-results marked as updates of arguments";
  let description = [{
    In the ahead-of-time ABI a result that updates one of the function's
    arguments (a KV cache written with `tensor.insert_slice`;
    `rope-destination-results` marks it `rope.in_place = N`) is written into
    argument N's buffer instead of a caller-provided output. After
    bufferization such a result is that argument (the update was done in
    its buffer) and is dropped; were it another buffer, it is first copied
    into the argument.

    ```mlir
    func.func @f(%cache: memref<64x8xf32>, ...) -> (memref<64x8xf32> {rope.in_place = 0 : i64}) {
      ...  // rows of %cache written
      return %cache : memref<64x8xf32>
    }
    // becomes
    func.func @f(%cache: memref<64x8xf32>, ...) {
      ...
      return
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def RopeOwnReturnedBuffersPass
    : Pass<"rope-own-returned-buffers", "ModuleOp"> {
  let summary = "Make every buffer a public function returns its own allocation";
  let description = [{
    A caller of a bufferized public function owns the buffers it returns
    and frees them, except an argument returned whole: that is a tensor
    updated in place (a KV cache written with `tensor.insert_slice`, which
    one-shot bufferization does in the argument's buffer), and the caller
    recognizes it by its allocated pointer, which is the argument's, and
    keeps it. Any other returned memref that is not the function's own
    allocation, returned once (a global constant such as a folded
    `rope.inv_freq`, a view of an argument, an allocation returned twice),
    would crash or free the caller's input when freed: it is copied into a
    fresh `memref.alloc`.

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

#endif // ROPE_ABI_PASSES_TD
