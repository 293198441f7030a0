// RUN: rope-opt %s -rope-decompose-rotate -canonicalize -rope-tile-and-fuse="token-tile=16 min-tiles=8" -canonicalize -cse -split-input-file | FileCheck %s
// RUN: rope-opt %s -rope-decompose-rotate -canonicalize -rope-tile-and-fuse="token-tile=16 min-tiles=1" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=ONE

// rope.apply tiled by upstream tile-and-fuse: each tile computes its
// tokens' cos/sin (rope.cos_sin fused into the tile, once for the cos and
// the sin slice) into static [16, R/2] buffers and rotates every head of q
// and k. With min-tiles = 8, a batch of 2 to 7 tokens takes a version that
// splits the heads (one token per tile); other sizes keep heads whole.
// CHECK-LABEL: func @qk
// CHECK: %[[FEW:.*]] = arith.andi
// CHECK: scf.if %[[FEW]]
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (%{{.*}}, 4) step (1, %{{.*}})
// CHECK: } else {
// CHECK: scf.forall (%{{.*}}) = (0) to (%{{.*}}) step (%{{.*}})
// CHECK-COUNT-2: bufferization.alloc_tensor() : tensor<16x32xf32>
// CHECK: rope.cos_sin
// CHECK-NOT: rope.cos_sin
// CHECK: rope.apply
// CHECK: } {rope.lowering = #rope.lowering<store_alignment = 64>}
// ONE-LABEL: func @qk
// ONE-NOT: scf.if
// ONE: scf.forall (%{{.*}}) = (0) to (%{{.*}}) step (16)
// ONE-COUNT-2: bufferization.alloc_tensor() : tensor<16x32xf32>
// ONE: rope.cos_sin
// ONE-NOT: rope.cos_sin
// ONE: rope.apply
func.func @qk(%q: tensor<?x4x64xf32>, %k: tensor<?x2x64xf32>, %p: tensor<?xi64>) -> (tensor<?x4x64xf32>, tensor<?x2x64xf32>) {
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x4x64xf32>, tensor<?x2x64xf32>)
      outs(%q, %k : tensor<?x4x64xf32>, tensor<?x2x64xf32>) positions(%p : tensor<?xi64>)
      freqs(#rope.default<base = 10000.0>)
  return %q1, %k1 : tensor<?x4x64xf32>, tensor<?x2x64xf32>
}
