// RUN: rope-opt %s --rope-cpu-pipeline="vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2" -split-input-file | FileCheck %s
// RUN: rope-opt %s --rope-cpu-pipeline="vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2,+avx512vl,+avx512bf16 native-bf16-conversion=true" -split-input-file | FileCheck %s --check-prefix=BF16

// The CPU pipeline takes rope ops to the LLVM dialect with a C interface.
// CHECK-NOT: rope.rotate {{half|interleaved}}
// CHECK-NOT: linalg.
// CHECK-NOT: memref.
// CHECK-LABEL: llvm.func @rotate
// CHECK: llvm.call @malloc
// CHECK: llvm.intr.fma
// CHECK-LABEL: llvm.func @_mlir_ciface_rotate
func.func @rotate(%x: tensor<?x8x64xbf16>, %p: tensor<?xi64>) -> tensor<?x8x64xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xbf16>
  %e = tensor.empty(%t) : tensor<?x8x64xbf16>
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xbf16>) outs(%e : tensor<?x8x64xbf16>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xbf16>
}

// -----

// Interleaved bf16 pairs are handled as 32-bit words: no bf16 shuffles, and the
// aligned streaming store is of i16 lanes (a bf16 vector store is split into
// scalar moves by x86 code generation without AVX512-BF16).
// Its rounding has no NaN case (every NaN it sees has zero low 16 bits), and
// the rounded halves are merged with a funnel shift (not x86's vpermt2w).
// CHECK-LABEL: llvm.func @interleaved_bf16
// CHECK-NOT: llvm.fcmp "uno"
// CHECK-NOT: llvm.shufflevector {{.*}}xbf16>
// CHECK: llvm.intr.fshr({{.*}}) : (vector<32xi32>, vector<32xi32>, vector<32xi32>) -> vector<32xi32>
// CHECK: llvm.store %{{.*}} {alignment = 64 : i64, nontemporal} : vector<64xi16>, !llvm.ptr
// CHECK-NOT: llvm.shufflevector {{.*}}xbf16>
// CHECK-LABEL: llvm.func @_mlir_ciface_interleaved_bf16
// With native-bf16-conversion on an AVX512-BF16 target the pairs are rounded
// by its two-source conversion and interleaved by one shuffle
// (rope-x86-pack-bf16); by default (the first RUN line, whatever the host)
// by integer rounding.
// BF16-LABEL: llvm.func @interleaved_bf16
// BF16-NOT: llvm.intr.fshr
// BF16: llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"({{.*}}) : (vector<16xf32>, vector<16xf32>) -> vector<32xbf16>
// BF16: llvm.shufflevector {{.*}} [0, 16, 1, 17, 2, 18
// BF16-NOT: llvm.intr.fshr
// BF16-LABEL: llvm.func @_mlir_ciface_interleaved_bf16
func.func @interleaved_bf16(%x: tensor<?x8x128xbf16>, %p: tensor<?xi64>) -> tensor<?x8x128xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x128xbf16>
  %e = tensor.empty(%t) : tensor<?x8x128xbf16>
  %y = rope.rotate interleaved thd ins(%x : tensor<?x8x128xbf16>) outs(%e : tensor<?x8x128xbf16>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x128xbf16>
}

// -----

// Found by rope-fuzz-lower: zero tokens (static), the op folds away and the
// function returns its argument: no clone left for the LLVM translation to
// fail on. The argument comes back as it is (rope-own-returned-buffers: an
// argument returned whole is the caller's, which it keeps), not a copy.
// CHECK-LABEL: llvm.func @empty_returns_argument
// CHECK-NOT: unrealized_conversion_cast
// CHECK-NOT: bufferization.clone
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.insertvalue %arg0, %{{.*}}[0]
// CHECK: llvm.return
func.func @empty_returns_argument(%x0: tensor<2x1x0x8xf32>, %pos: tensor<3x2x0xi32>) -> (tensor<2x1x0x8xf32>) {
  %y:1 = rope.rotate interleaved bhsd inverse ins(%x0 : tensor<2x1x0x8xf32>) outs(%x0 : tensor<2x1x0x8xf32>) positions(%pos : tensor<3x2x0xi32>) freqs(#rope.default<base = 1.5, attention_factor = 0.1>) rotary_dim = 8 mrope_section = [0, 0, 4]
  return %y#0 : tensor<2x1x0x8xf32>
}
