//===- Passes.td - code generation passes of every target -*- tablegen -*-===//
//
// Lowering steps both the CPU and the GPU pipeline take: target-independent
// rewrites of what LLVM's backends have no instructions for.
//
//===----------------------------------------------------------------------===//

#ifndef ROPE_CODEGEN_COMMON_PASSES_TD
#define ROPE_CODEGEN_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

def RopeExpandF8Pass : Pass<"rope-expand-f8"> {
  let summary = "Convert between f32 and fp8 (f8E4M3FN, f8E5M2) with integer arithmetic";
  let description = [{
    LLVM has no fp8 types: MLIR's LLVM type conversion makes f8E4M3FN and
    f8E5M2 values i8, and nothing lowers `arith.truncf` to them or
    `arith.extf` from them. This pass rewrites both (scalars and vectors)
    into 32-bit integer arithmetic on the f32 bits, and fp8 constants into
    i8 constants with a bitcast, so an fp8 quantization after a rotation
    (FlashInfer's `rope_quantize_fp8`, an fp8 KV cache) compiles for CPUs
    and GPUs (NVPTX has no fp8 type either; sm_89's saturating `cvt` does
    not give `truncf`'s NaN past the range).

    `truncf` rounds to nearest even as APFloat does (subnormals kept, NaN to
    NaN); values past the largest finite one (448 for f8E4M3FN, 57344 for
    f8E5M2) give NaN (f8E4M3FN has no infinities) or infinity (f8E5M2): a
    saturating quantization clamps to the range first, as
    `clamp(x / scale, -448, 448)` does. f16 and bf16 sources are extended to
    f32 first (exactly); f64 sources are left (rounding through f32 would
    round twice). `extf` is exact into every wider float.

    ```mlir
    %q = arith.truncf %x : vector<16xf32> to vector<16xf8E4M3FN>
    // becomes, on the f32 bits b: the mantissa rounded at bit 20 and the
    // exponent rebiased, or |x| * 2^9 rounded to an integer below 2^-6;
    // NaN (0x7f) past 448; the sign or-ed in; trunci to i8
    %q = arith.bitcast %byte : vector<16xi8> to vector<16xf8E4M3FN>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def RopeExpandSquarePowFPass : Pass<"rope-expand-square-powf"> {
  let summary = "Write math.powf by the constant 2 as a multiplication";
  let description = [{
    A norm's square written as torch's `pow(x, 2.0)` is `math.powf %x,
    %c2` with a constant exponent of 2.0. LLVM lowers `math.powf` to a
    libm call per element on CPUs (vectorized code calls it once per lane)
    and NVPTX has no instruction or intrinsic for it (`llvm.intr.pow` is
    illegal there). `x * x` is the correctly rounded square, with the same
    results for zeros, infinities and NaN, so this pass rewrites such
    `powf` (scalar or vector, the exponent a constant or a splat) into one
    `arith.mulf` keeping its fast-math flags. Other exponents are left.

    ```mlir
    %c2 = arith.constant 2.0 : f32
    %sq = math.powf %x, %c2 : f32
    // becomes
    %sq = arith.mulf %x, %x : f32
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // ROPE_CODEGEN_COMMON_PASSES_TD
