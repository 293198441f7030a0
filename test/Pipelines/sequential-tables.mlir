// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{cpu=x86-64-v3},rope-bufferization-stage,rope-cpu-parallel-stage{parallel=false})" | FileCheck %s

// Without threads the token tiles run in sequence: their cos/sin tables
// are allocated once, before the tile loop, not per tile (allocated in the
// loop, each tile took new stack and 16384 tokens overflowed an 8 MiB
// stack; rope-hoist-loop-allocas).
// CHECK-LABEL: func.func @qk
// CHECK: memref.alloca() {{.*}} : memref<16x64xf32>
// CHECK: memref.alloca() {{.*}} : memref<16x64xf32>
// CHECK: scf.parallel
// CHECK-NOT: memref.alloca
// CHECK: return
func.func @qk(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>, %off: index)
    -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %q, %c0 : tensor<?x32x128xbf16>
  %eq = tensor.empty(%n) : tensor<?x32x128xbf16>
  %ek = tensor.empty(%n) : tensor<?x8x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%eq, %ek : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  return %q1, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}
