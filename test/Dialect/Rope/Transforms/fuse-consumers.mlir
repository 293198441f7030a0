// RUN: rope-opt %s -rope-decompose-rotate -canonicalize -rope-tile-and-fuse="token-tile=16 min-tiles=1 fuse-neighbours=1" -rope-fuse-consumers -canonicalize -cse -split-input-file | FileCheck %s
// RUN: rope-opt %s -rope-decompose-rotate -canonicalize -rope-tile-and-fuse="token-tile=16 min-tiles=1 fuse-neighbours=1" -rope-fuse-consumers -canonicalize -convert-rope-to-linalg -canonicalize -cse -rope-fuse-into-rotation -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=ROT

// The only user of the rope result: tiled into the token loop, which
// yields the quantized values and no longer the rotated ones.
// CHECK-LABEL: func @sole_consumer
// CHECK: %[[L:.*]] = scf.forall {{.*}} -> (tensor<64x2x8xf8E4M3FN>)
// CHECK:   rope.apply
// CHECK:   linalg.generic {{.*}}rope.lowering = #rope.lowering<role = fused>
// CHECK: return %[[L]]
func.func @sole_consumer(%k: tensor<64x2x8xf32>, %p: tensor<64xi64>, %s: f32) -> tensor<64x2x8xf8E4M3FN> {
  %e = tensor.empty() : tensor<64x2x8xf32>
  %r = rope.rotate half thd ins(%k : tensor<64x2x8xf32>) outs(%e : tensor<64x2x8xf32>)
      positions(%p : tensor<64xi64>) freqs(#rope.default<base = 10000.0>)
  %e8 = tensor.empty() : tensor<64x2x8xf8E4M3FN>
  %q = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, d)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r : tensor<64x2x8xf32>) outs(%e8 : tensor<64x2x8xf8E4M3FN>) {
  ^bb0(%x: f32, %o: f8E4M3FN):
    %d = arith.divf %x, %s : f32
    %f = arith.truncf %d : f32 to f8E4M3FN
    linalg.yield %f : f8E4M3FN
  } -> tensor<64x2x8xf8E4M3FN>
  return %q : tensor<64x2x8xf8E4M3FN>
}

// -----

// The rotated k also returned: the quantization is fused all the same and
// the loop yields both.
// CHECK-LABEL: func @also_returned
// CHECK: %[[L:.*]]:2 = scf.forall {{.*}} -> (tensor<64x2x8xf32>, tensor<64x2x8xf8E4M3FN>)
// CHECK:   rope.apply
// CHECK:   linalg.generic {{.*}}rope.lowering = #rope.lowering<role = fused>
// CHECK-NOT: linalg.generic
// CHECK: return %[[L]]#1, %[[L]]#0
// Then rope-fuse-into-rotation computes both in one generic, the rotation
// once (not again for the quantization).
// ROT-LABEL: func @also_returned
// ROT: scf.forall
// ROT: linalg.generic {{.*}}outs({{.*}} : tensor<16x4xf32>, tensor<16x4xf32>)
// ROT-NOT: linalg.generic
// ROT: %[[G:.*]]:2 = linalg.generic {{.*}} outs({{.*}} : tensor<16x2x2x4xf32>, tensor<16x2x2x4xf8E4M3FN>)
// ROT-NOT: linalg.generic
// ROT: tensor.collapse_shape %[[G]]#0
// ROT: tensor.collapse_shape %[[G]]#1
// ROT: return
func.func @also_returned(%k: tensor<64x2x8xf32>, %p: tensor<64xi64>, %s: f32) -> (tensor<64x2x8xf8E4M3FN>, tensor<64x2x8xf32>) {
  %e = tensor.empty() : tensor<64x2x8xf32>
  %r = rope.rotate half thd ins(%k : tensor<64x2x8xf32>) outs(%e : tensor<64x2x8xf32>)
      positions(%p : tensor<64xi64>) freqs(#rope.default<base = 10000.0>)
  %e8 = tensor.empty() : tensor<64x2x8xf8E4M3FN>
  %q = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, d)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r : tensor<64x2x8xf32>) outs(%e8 : tensor<64x2x8xf8E4M3FN>) {
  ^bb0(%x: f32, %o: f8E4M3FN):
    %d = arith.divf %x, %s : f32
    %f = arith.truncf %d : f32 to f8E4M3FN
    linalg.yield %f : f8E4M3FN
  } -> tensor<64x2x8xf8E4M3FN>
  return %q, %r : tensor<64x2x8xf8E4M3FN>, tensor<64x2x8xf32>
}

// -----

// Left after the loop: a consumer reading the result twice (its square),
// and one whose scale is computed from a value only known after the loop.
// CHECK-LABEL: func @negative
// CHECK: %[[L:.*]] = scf.forall
// CHECK: } {rope.lowering
// CHECK: linalg.generic {{.*}} ins(%[[L]], %[[L]] :
// CHECK: tensor.extract %[[L]]
// CHECK: linalg.generic {{.*}} ins(%[[L]] :
func.func @negative(%k: tensor<64x2x8xf32>, %p: tensor<64xi64>) -> (tensor<64x2x8xf32>, tensor<64x2x8xf32>) {
  %c0 = arith.constant 0 : index
  %e = tensor.empty() : tensor<64x2x8xf32>
  %r = rope.rotate half thd ins(%k : tensor<64x2x8xf32>) outs(%e : tensor<64x2x8xf32>)
      positions(%p : tensor<64xi64>) freqs(#rope.default<base = 10000.0>)
  %e2 = tensor.empty() : tensor<64x2x8xf32>
  %sq = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, d)>],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %r : tensor<64x2x8xf32>, tensor<64x2x8xf32>) outs(%e2 : tensor<64x2x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    linalg.yield %m : f32
  } -> tensor<64x2x8xf32>
  %s = tensor.extract %r[%c0, %c0, %c0] : tensor<64x2x8xf32>
  %e3 = tensor.empty() : tensor<64x2x8xf32>
  %d = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, d)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r : tensor<64x2x8xf32>) outs(%e3 : tensor<64x2x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %q = arith.divf %x, %s : f32
    linalg.yield %q : f32
  } -> tensor<64x2x8xf32>
  return %sq, %d : tensor<64x2x8xf32>, tensor<64x2x8xf32>
}
