// RUN: rope-opt %s --rope-cpu-pipeline | FileCheck %s

// The CPU pipeline takes rope ops to the LLVM dialect with a C interface.
// CHECK-NOT: rope.rotate
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
