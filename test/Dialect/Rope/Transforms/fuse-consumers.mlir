// RUN: rope-opt %s -rope-decompose-rotate -canonicalize -rope-tile-and-fuse="token-tile=16 min-tiles=1 fuse-neighbours=1" -rope-fuse-consumers -canonicalize -cse -split-input-file | FileCheck %s
// RUN: rope-opt %s -rope-decompose-rotate -canonicalize -rope-tile-and-fuse="token-tile=16 min-tiles=8 fuse-neighbours=1" -rope-fuse-consumers -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=SPLIT
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

// -----

// A per-token amax (a reduction over heads and head_dim), its scale and
// the quantization by it: all in the token loop, whose tiles span the
// heads.
// CHECK-LABEL: func @token_amax
// CHECK: %[[L:.*]]:2 = scf.forall {{.*}} -> (tensor<64xf32>, tensor<64x2x8xf8E4M3FN>)
// CHECK:   rope.apply
// CHECK:   linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "reduction"]{{.*}}role = fused
// CHECK:   linalg.generic {{.*}}role = fused
// CHECK:   linalg.generic {{.*}}role = fused
// CHECK-NOT: linalg.generic
// CHECK: return %[[L]]#1, %[[L]]#0
#id3 = affine_map<(t, h, d) -> (t, h, d)>
#tok = affine_map<(t, h, d) -> (t)>
func.func @token_amax(%k: tensor<64x2x8xf32>, %p: tensor<64xi64>) -> (tensor<64x2x8xf8E4M3FN>, tensor<64xf32>) {
  %zero = arith.constant 0.0 : f32
  %top = arith.constant 448.0 : f32
  %e = tensor.empty() : tensor<64x2x8xf32>
  %r = rope.rotate half thd ins(%k : tensor<64x2x8xf32>) outs(%e : tensor<64x2x8xf32>)
      positions(%p : tensor<64xi64>) freqs(#rope.default<base = 10000.0>)
  %ea = tensor.empty() : tensor<64xf32>
  %z = linalg.fill ins(%zero : f32) outs(%ea : tensor<64xf32>) -> tensor<64xf32>
  %amax = linalg.generic {indexing_maps = [#id3, #tok], iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%r : tensor<64x2x8xf32>) outs(%z : tensor<64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %a = math.absf %x : f32
    %m = arith.maximumf %acc, %a : f32
    linalg.yield %m : f32
  } -> tensor<64xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(t) -> (t)>, affine_map<(t) -> (t)>], iterator_types = ["parallel"]}
      ins(%amax : tensor<64xf32>) outs(%ea : tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %d = arith.divf %a, %top : f32
    linalg.yield %d : f32
  } -> tensor<64xf32>
  %e8 = tensor.empty() : tensor<64x2x8xf8E4M3FN>
  %q = linalg.generic {indexing_maps = [#id3, #tok, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %s : tensor<64x2x8xf32>, tensor<64xf32>) outs(%e8 : tensor<64x2x8xf8E4M3FN>) {
  ^bb0(%x: f32, %sc: f32, %o: f8E4M3FN):
    %d = arith.divf %x, %sc : f32
    %f = arith.truncf %d : f32 to f8E4M3FN
    linalg.yield %f : f8E4M3FN
  } -> tensor<64x2x8xf8E4M3FN>
  return %q, %s : tensor<64x2x8xf8E4M3FN>, tensor<64xf32>
}

// -----

// Two tokens, eight tiles wanted: the tiles split the heads, a tile holds
// part of a token's heads, and the amax stays after the loop.
// SPLIT-LABEL: func @token_amax_split
// SPLIT: scf.forall ({{.*}}, {{.*}}) in (2, 2)
// SPLIT: } {rope.lowering
// SPLIT: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "reduction"]
#id3 = affine_map<(t, h, d) -> (t, h, d)>
#tok = affine_map<(t, h, d) -> (t)>
func.func @token_amax_split(%k: tensor<2x2x8xf32>, %p: tensor<2xi64>) -> (tensor<2x2x8xf8E4M3FN>, tensor<2xf32>) {
  %zero = arith.constant 0.0 : f32
  %top = arith.constant 448.0 : f32
  %e = tensor.empty() : tensor<2x2x8xf32>
  %r = rope.rotate half thd ins(%k : tensor<2x2x8xf32>) outs(%e : tensor<2x2x8xf32>)
      positions(%p : tensor<2xi64>) freqs(#rope.default<base = 10000.0>)
  %ea = tensor.empty() : tensor<2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%ea : tensor<2xf32>) -> tensor<2xf32>
  %amax = linalg.generic {indexing_maps = [#id3, #tok], iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%r : tensor<2x2x8xf32>) outs(%z : tensor<2xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %a = math.absf %x : f32
    %m = arith.maximumf %acc, %a : f32
    linalg.yield %m : f32
  } -> tensor<2xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(t) -> (t)>, affine_map<(t) -> (t)>], iterator_types = ["parallel"]}
      ins(%amax : tensor<2xf32>) outs(%ea : tensor<2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %d = arith.divf %a, %top : f32
    linalg.yield %d : f32
  } -> tensor<2xf32>
  %e8 = tensor.empty() : tensor<2x2x8xf8E4M3FN>
  %q = linalg.generic {indexing_maps = [#id3, #tok, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %s : tensor<2x2x8xf32>, tensor<2xf32>) outs(%e8 : tensor<2x2x8xf8E4M3FN>) {
  ^bb0(%x: f32, %sc: f32, %o: f8E4M3FN):
    %d = arith.divf %x, %sc : f32
    %f = arith.truncf %d : f32 to f8E4M3FN
    linalg.yield %f : f8E4M3FN
  } -> tensor<2x2x8xf8E4M3FN>
  return %q, %s : tensor<2x2x8xf8E4M3FN>, tensor<2xf32>
}
