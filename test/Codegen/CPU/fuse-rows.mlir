// RUN: rope-opt %s --rope-fuse-rows -canonicalize -cse -split-input-file | FileCheck %s

// A rotation reading a fused neighbour's row sums (role fused, a reduction)
// is tiled to rows, each row's sum computed in the row loop; the cos/sin
// tables stay outside it.
// CHECK-LABEL: func @sums_into_rows
// CHECK: scf.for %[[T:.*]] = %c0 to %c16
// CHECK: scf.for %[[H:.*]] = %c0 to %c2
// CHECK: tensor.extract_slice %{{.*}}[%[[T]], %[[H]], 0] [1, 1, 8]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}ins(%{{.*}} : tensor<1x1x8xf32>) outs(%{{.*}} : tensor<1x1xf32>) {{.*}}role = fused
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x1x2x4xf32>) {{.*}}role = rotate
// CHECK: } {rope.lowering = #rope.lowering<independent_iterations = true>}
// CHECK: } {rope.lowering = #rope.lowering<independent_iterations = true>}
// CHECK-NOT: linalg.generic
#id3 = affine_map<(t, h, d) -> (t, h, d)>
#row = affine_map<(t, h, d) -> (t, h)>
func.func @sums_into_rows(%x: tensor<16x2x8xf32>, %c: tensor<16x4xf32>, %s: tensor<16x4xf32>) -> tensor<16x2x2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x2xf32>
  %z = linalg.fill {rope.lowering = #rope.lowering<role = fused>} ins(%zero : f32) outs(%e : tensor<16x2xf32>) -> tensor<16x2xf32>
  %ss = linalg.generic {indexing_maps = [#id3, #row], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<16x2x8xf32>) outs(%z : tensor<16x2xf32>) attrs = {rope.lowering = #rope.lowering<role = fused>} {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %sum = arith.addf %acc, %sq : f32
    linalg.yield %sum : f32
  } -> tensor<16x2xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %o = tensor.empty() : tensor<16x2x2x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, h)>, affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, h, j, i)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x1, %ss, %x2, %c, %s : tensor<16x2x4xf32>, tensor<16x2xf32>, tensor<16x2x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>) outs(%o : tensor<16x2x2x4xf32>) attrs = {rope.lowering = #rope.lowering<role = rotate>} {
  ^bb0(%a: f32, %m: f32, %b: f32, %cv: f32, %sv: f32, %out: f32):
    %rs = math.rsqrt %m : f32
    %an = arith.mulf %a, %rs : f32
    %bn = arith.mulf %b, %rs : f32
    %j = linalg.index 2 : index
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %j, %c0 : index
    %p = arith.select %first, %an, %bn : f32
    %nb = arith.negf %bn : f32
    %q = arith.select %first, %nb, %an : f32
    %qs = arith.mulf %q, %sv : f32
    %y = math.fma %p, %cv, %qs : f32
    linalg.yield %y : f32
  } -> tensor<16x2x2x4xf32>
  return %r : tensor<16x2x2x4xf32>
}

// -----

// A rotation reading no reduction (rope alone) keeps its whole-tile form.
// CHECK-LABEL: func @negative_no_reduction
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<16x2x2x4xf32>) {{.*}}role = rotate
func.func @negative_no_reduction(%x1: tensor<16x2x4xf32>, %x2: tensor<16x2x4xf32>, %c: tensor<16x4xf32>, %s: tensor<16x4xf32>) -> tensor<16x2x2x4xf32> {
  %o = tensor.empty() : tensor<16x2x2x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, h, j, i)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x1, %x2, %c, %s : tensor<16x2x4xf32>, tensor<16x2x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>) outs(%o : tensor<16x2x2x4xf32>) attrs = {rope.lowering = #rope.lowering<role = rotate>} {
  ^bb0(%a: f32, %b: f32, %cv: f32, %sv: f32, %out: f32):
    %j = linalg.index 2 : index
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %j, %c0 : index
    %p = arith.select %first, %a, %b : f32
    %nb = arith.negf %b : f32
    %q = arith.select %first, %nb, %a : f32
    %qs = arith.mulf %q, %sv : f32
    %y = math.fma %p, %cv, %qs : f32
    linalg.yield %y : f32
  } -> tensor<16x2x2x4xf32>
  return %r : tensor<16x2x2x4xf32>
}

// -----

// With cos/sin from the lowering's table op, the tile is one token (the
// loops the tables are indexed by): its rows' sums together, then its rows
// rotated.
// CHECK-LABEL: func @sums_into_tokens
// CHECK: linalg.generic {{.*}}role = table
// CHECK: scf.for %[[T:.*]] = %c0 to %c16
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}}ins(%{{.*}} : tensor<1x2x8xf32>) outs(%{{.*}} : tensor<1x2xf32>) {{.*}}role = fused
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x2x2x4xf32>) {{.*}}role = rotate
#id3t = affine_map<(t, h, d) -> (t, h, d)>
#rowt = affine_map<(t, h, d) -> (t, h)>
func.func @sums_into_tokens(%x: tensor<16x2x8xf32>, %p: tensor<16x4xf32>) -> tensor<16x2x2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %ec = tensor.empty() : tensor<16x4xf32>
  %c, %s = linalg.generic {indexing_maps = [affine_map<(t, i) -> (t, i)>, affine_map<(t, i) -> (t, i)>, affine_map<(t, i) -> (t, i)>], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<16x4xf32>) outs(%ec, %ec : tensor<16x4xf32>, tensor<16x4xf32>) attrs = {rope.lowering = #rope.lowering<role = table>} {
  ^bb0(%a: f32, %o1: f32, %o2: f32):
    %cv = math.cos %a : f32
    %sv = math.sin %a : f32
    linalg.yield %cv, %sv : f32, f32
  } -> (tensor<16x4xf32>, tensor<16x4xf32>)
  %e = tensor.empty() : tensor<16x2xf32>
  %z = linalg.fill {rope.lowering = #rope.lowering<role = fused>} ins(%zero : f32) outs(%e : tensor<16x2xf32>) -> tensor<16x2xf32>
  %ss = linalg.generic {indexing_maps = [#id3t, #rowt], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<16x2x8xf32>) outs(%z : tensor<16x2xf32>) attrs = {rope.lowering = #rope.lowering<role = fused>} {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %sum = arith.addf %acc, %sq : f32
    linalg.yield %sum : f32
  } -> tensor<16x2xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %o = tensor.empty() : tensor<16x2x2x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, h)>, affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, h, j, i)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x1, %ss, %x2, %c, %s : tensor<16x2x4xf32>, tensor<16x2xf32>, tensor<16x2x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>) outs(%o : tensor<16x2x2x4xf32>) attrs = {rope.lowering = #rope.lowering<role = rotate>} {
  ^bb0(%a: f32, %m: f32, %b: f32, %cv: f32, %sv: f32, %out: f32):
    %rs = math.rsqrt %m : f32
    %an = arith.mulf %a, %rs : f32
    %bn = arith.mulf %b, %rs : f32
    %j = linalg.index 2 : index
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %j, %c0 : index
    %pp = arith.select %first, %an, %bn : f32
    %nb = arith.negf %bn : f32
    %q = arith.select %first, %nb, %an : f32
    %qs = arith.mulf %q, %sv : f32
    %y = math.fma %pp, %cv, %qs : f32
    linalg.yield %y : f32
  } -> tensor<16x2x2x4xf32>
  return %r : tensor<16x2x2x4xf32>
}
