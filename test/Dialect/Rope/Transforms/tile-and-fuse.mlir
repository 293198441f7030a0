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

// -----

// A neighbour that computes only what the rotation reads (an RMS norm over
// head_dim: the accumulator's fill, a row-sum reduction, then an
// elementwise scale) is fused into each token tile, each op marked for
// vectorization.
// ONE-LABEL: func @norm_then_rope
// ONE: scf.forall
// ONE: linalg.fill {rope.lowering = #rope.lowering<role = fused>} {{.*}} -> tensor<16x4xf32>
// ONE: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}outs(%{{.*}} : tensor<16x4xf32>) attrs = {rope.lowering = #rope.lowering<role = fused>}
// ONE: linalg.generic {{.*}}ins(%{{.*}}, %{{.*}} : tensor<16x4x64xf32>, tensor<16x4xf32>) {{.*}} attrs = {rope.lowering = #rope.lowering<role = fused>}
// ONE: rope.apply
#id3 = affine_map<(t, h, d) -> (t, h, d)>
#row = affine_map<(t, h, d) -> (t, h)>
func.func @norm_then_rope(%q: tensor<64x4x64xf32>, %p: tensor<64xi64>) -> tensor<64x4x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<64x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e2 : tensor<64x4xf32>) -> tensor<64x4xf32>
  %ss = linalg.generic {indexing_maps = [#id3, #row], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q : tensor<64x4x64xf32>) outs(%z : tensor<64x4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %sq = arith.mulf %x, %x : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<64x4xf32>
  %e3 = tensor.empty() : tensor<64x4x64xf32>
  %n = linalg.generic {indexing_maps = [#id3, #row, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q, %ss : tensor<64x4x64xf32>, tensor<64x4xf32>) outs(%e3 : tensor<64x4x64xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %r = math.rsqrt %s : f32
    %y = arith.mulf %x, %r : f32
    linalg.yield %y : f32
  } -> tensor<64x4x64xf32>
  %e4 = tensor.empty() : tensor<64x4x64xf32>
  %r = rope.rotate half thd ins(%n : tensor<64x4x64xf32>) outs(%e4 : tensor<64x4x64xf32>)
      positions(%p : tensor<64xi64>) freqs(#rope.default<base = 10000.0>)
  return %r : tensor<64x4x64xf32>
}

// -----

// A producer whose result is also returned is left whole (fusing it would
// compute it twice).
// ONE-LABEL: func @shared_producer
// ONE: linalg.generic
// ONE-NOT: role = fused
// ONE: scf.forall
// ONE-NOT: linalg.generic
// ONE: rope.apply
func.func @shared_producer(%q: tensor<64x4x64xf32>, %p: tensor<64xi64>) -> (tensor<64x4x64xf32>, tensor<64x4x64xf32>) {
  %e3 = tensor.empty() : tensor<64x4x64xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, d)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q : tensor<64x4x64xf32>) outs(%e3 : tensor<64x4x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<64x4x64xf32>
  %e4 = tensor.empty() : tensor<64x4x64xf32>
  %r = rope.rotate half thd ins(%n : tensor<64x4x64xf32>) outs(%e4 : tensor<64x4x64xf32>)
      positions(%p : tensor<64xi64>) freqs(#rope.default<base = 10000.0>)
  return %r, %n : tensor<64x4x64xf32>, tensor<64x4x64xf32>
}
