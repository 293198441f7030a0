// Programs the randomized test (test/lib/raise_random.py) found raised
// wrongly or not at all, minimized.
// RUN: rope-opt %s --rope-raise -split-input-file | FileCheck %s
// RUN: rope-opt %s --rope-raise=remarks=1 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK

// Tables that are concats themselves (cos = cat(c, c)) beside the rotated concat.
// CHECK-LABEL: func.func @table_concat
// CHECK: rope.apply half thd
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tab = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @table_concat(%x: tensor<1x1x4xf32>, %ch: tensor<1x2xf32>, %sh: tensor<1x2xf32>) -> tensor<1x1x4xf32> {
  %cos = tensor.concat dim(1) %ch, %ch : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %sin = tensor.concat dim(1) %sh, %sh : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [1, 1, 2] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %x2 = tensor.extract_slice %x[0, 0, 2] [1, 1, 2] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %eh = tensor.empty() : tensor<1x1x2xf32>
  %n2 = linalg.negf ins(%x2 : tensor<1x1x2xf32>) outs(%eh : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %rot = tensor.concat dim(2) %n2, %x1 : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x4xf32>
  %e = tensor.empty() : tensor<1x1x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %cos : tensor<1x1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x1x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.mulf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<1x1x4xf32>
  %b = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%rot, %sin : tensor<1x1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x1x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.mulf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<1x1x4xf32>
  %y = linalg.add ins(%a, %b : tensor<1x1x4xf32>, tensor<1x1x4xf32>) outs(%e : tensor<1x1x4xf32>) -> tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}

// -----

// The inverse expanded form whose sin table is sincos[..., :D/2], a window shaped like a half.
// CHECK-LABEL: func.func @expanded_window_table
// CHECK: rope.apply half thd inverse
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tab = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @expanded_window_table(%x: tensor<1x1x4xf32>, %sincos: tensor<1x4xf32>) -> tensor<1x1x4xf32> {
  %s = tensor.extract_slice %sincos[0, 0] [1, 2] [1, 1] : tensor<1x4xf32> to tensor<1x2xf32>
  %c = tensor.extract_slice %sincos[0, 2] [1, 2] [1, 1] : tensor<1x4xf32> to tensor<1x2xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [1, 1, 2] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %x2 = tensor.extract_slice %x[0, 0, 2] [1, 1, 2] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %e = tensor.empty() : tensor<1x1x2xf32>
  %p1 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x1, %c : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p2 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x2, %s : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p3 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x2, %c : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p4 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x1, %s : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %f = linalg.add ins(%p2, %p1 : tensor<1x1x2xf32>, tensor<1x1x2xf32>) outs(%e : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %g = linalg.sub ins(%p3, %p4 : tensor<1x1x2xf32>, tensor<1x1x2xf32>) outs(%e : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %y = tensor.concat dim(2) %f, %g : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}

// -----

// The expanded form joined by two insert_slices.
// CHECK-LABEL: func.func @expanded_insert_join
// CHECK: rope.apply half thd
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tab = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @expanded_insert_join(%x: tensor<1x1x4xf32>, %c: tensor<1x2xf32>, %s: tensor<1x2xf32>) -> tensor<1x1x4xf32> {
  %x1 = tensor.extract_slice %x[0, 0, 0] [1, 1, 2] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %x2 = tensor.extract_slice %x[0, 0, 2] [1, 1, 2] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %e = tensor.empty() : tensor<1x1x2xf32>
  %p1 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x1, %c : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p2 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x2, %s : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p3 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x2, %c : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p4 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x1, %s : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %f = linalg.sub ins(%p1, %p2 : tensor<1x1x2xf32>, tensor<1x1x2xf32>) outs(%e : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %g = linalg.add ins(%p3, %p4 : tensor<1x1x2xf32>, tensor<1x1x2xf32>) outs(%e : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %ey = tensor.empty() : tensor<1x1x4xf32>
  %y0 = tensor.insert_slice %f into %ey[0, 0, 0] [1, 1, 2] [1, 1, 1] : tensor<1x1x2xf32> into tensor<1x1x4xf32>
  %y = tensor.insert_slice %g into %y0[0, 0, 2] [1, 1, 2] [1, 1, 1] : tensor<1x1x2xf32> into tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}

// -----

// Meta's real-arithmetic form with separate tables per element of the pair: full-width tables interleave them.
// CHECK-LABEL: func.func @meta_separate_tables
// CHECK: tensor.concat dim(2)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]]
// CHECK: rope.apply interleaved thd
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tab = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @meta_separate_tables(%x: tensor<1x1x4xf32>, %c1: tensor<1x2xf32>, %s1: tensor<1x2xf32>,
                %c2: tensor<1x2xf32>, %s2: tensor<1x2xf32>) -> tensor<1x1x4xf32> {
  %xv = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [1, 1, 2, 2] : tensor<1x1x4xf32> into tensor<1x1x2x2xf32>
  %xr = tensor.extract_slice %xv[0, 0, 0, 0] [1, 1, 2, 1] [1, 1, 1, 1] : tensor<1x1x2x2xf32> to tensor<1x1x2xf32>
  %xi = tensor.extract_slice %xv[0, 0, 0, 1] [1, 1, 2, 1] [1, 1, 1, 1] : tensor<1x1x2x2xf32> to tensor<1x1x2xf32>
  %e = tensor.empty() : tensor<1x1x2xf32>
  %p1 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xr, %c1 : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p2 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xi, %s1 : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p3 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xi, %c2 : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %p4 = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xr, %s2 : tensor<1x1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2xf32>
  %re = linalg.sub ins(%p1, %p2 : tensor<1x1x2xf32>, tensor<1x1x2xf32>) outs(%e : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %im = linalg.add ins(%p3, %p4 : tensor<1x1x2xf32>, tensor<1x1x2xf32>) outs(%e : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %re1 = tensor.expand_shape %re [[0], [1], [2, 3]] output_shape [1, 1, 2, 1] : tensor<1x1x2xf32> into tensor<1x1x2x1xf32>
  %im1 = tensor.expand_shape %im [[0], [1], [2, 3]] output_shape [1, 1, 2, 1] : tensor<1x1x2xf32> into tensor<1x1x2x1xf32>
  %st = tensor.concat dim(3) %re1, %im1 : (tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>) -> tensor<1x1x2x2xf32>
  %y = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<1x1x2x2xf32> into tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}

// -----

// q and k in bhsd with one token and different head counts: read as bhsd, one op.
// CHECK-LABEL: func.func @qk_one_token
// CHECK: rope.apply half bhsd ins(%{{.*}}, %{{.*}} : tensor<1x4x1x4xf32>, tensor<1x2x1x4xf32>)
func.func @qk_one_token(%q: tensor<1x4x1x4xf32>, %k: tensor<1x2x1x4xf32>, %cos3: tensor<1x1x4xf32>, %sin3: tensor<1x1x4xf32>) -> (tensor<1x4x1x4xf32>, tensor<1x2x1x4xf32>) {
  %cos = tensor.expand_shape %cos3 [[0, 1], [2], [3]] output_shape [1, 1, 1, 4] : tensor<1x1x4xf32> into tensor<1x1x1x4xf32>
  %sin = tensor.expand_shape %sin3 [[0, 1], [2], [3]] output_shape [1, 1, 1, 4] : tensor<1x1x4xf32> into tensor<1x1x1x4xf32>
  %q1 = tensor.extract_slice %q[0, 0, 0, 0] [1, 4, 1, 2] [1, 1, 1, 1] : tensor<1x4x1x4xf32> to tensor<1x4x1x2xf32>
  %q2 = tensor.extract_slice %q[0, 0, 0, 2] [1, 4, 1, 2] [1, 1, 1, 1] : tensor<1x4x1x4xf32> to tensor<1x4x1x2xf32>
  %qeh = tensor.empty() : tensor<1x4x1x2xf32>
  %qn = linalg.negf ins(%q2 : tensor<1x4x1x2xf32>) outs(%qeh : tensor<1x4x1x2xf32>) -> tensor<1x4x1x2xf32>
  %qrot = tensor.concat dim(3) %qn, %q1 : (tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>) -> tensor<1x4x1x4xf32>
  %qe = tensor.empty() : tensor<1x4x1x4xf32>
  %qa = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q, %cos : tensor<1x4x1x4xf32>, tensor<1x1x1x4xf32>) outs(%qe : tensor<1x4x1x4xf32>) {
  ^bb0(%p: f32, %t: f32, %o: f32):
    %r = arith.mulf %p, %t : f32
    linalg.yield %r : f32
  } -> tensor<1x4x1x4xf32>
  %qb = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%qrot, %sin : tensor<1x4x1x4xf32>, tensor<1x1x1x4xf32>) outs(%qe : tensor<1x4x1x4xf32>) {
  ^bb0(%p: f32, %t: f32, %o: f32):
    %r = arith.mulf %p, %t : f32
    linalg.yield %r : f32
  } -> tensor<1x4x1x4xf32>
  %qy = linalg.add ins(%qa, %qb : tensor<1x4x1x4xf32>, tensor<1x4x1x4xf32>) outs(%qe : tensor<1x4x1x4xf32>) -> tensor<1x4x1x4xf32>
  %k1 = tensor.extract_slice %k[0, 0, 0, 0] [1, 2, 1, 2] [1, 1, 1, 1] : tensor<1x2x1x4xf32> to tensor<1x2x1x2xf32>
  %k2 = tensor.extract_slice %k[0, 0, 0, 2] [1, 2, 1, 2] [1, 1, 1, 1] : tensor<1x2x1x4xf32> to tensor<1x2x1x2xf32>
  %keh = tensor.empty() : tensor<1x2x1x2xf32>
  %kn = linalg.negf ins(%k2 : tensor<1x2x1x2xf32>) outs(%keh : tensor<1x2x1x2xf32>) -> tensor<1x2x1x2xf32>
  %krot = tensor.concat dim(3) %kn, %k1 : (tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>) -> tensor<1x2x1x4xf32>
  %ke = tensor.empty() : tensor<1x2x1x4xf32>
  %ka = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k, %cos : tensor<1x2x1x4xf32>, tensor<1x1x1x4xf32>) outs(%ke : tensor<1x2x1x4xf32>) {
  ^bb0(%p: f32, %t: f32, %o: f32):
    %r = arith.mulf %p, %t : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x4xf32>
  %kb = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%krot, %sin : tensor<1x2x1x4xf32>, tensor<1x1x1x4xf32>) outs(%ke : tensor<1x2x1x4xf32>) {
  ^bb0(%p: f32, %t: f32, %o: f32):
    %r = arith.mulf %p, %t : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x4xf32>
  %ky = linalg.add ins(%ka, %kb : tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32>) outs(%ke : tensor<1x2x1x4xf32>) -> tensor<1x2x1x4xf32>
  return %qy, %ky : tensor<1x4x1x4xf32>, tensor<1x2x1x4xf32>
}

// -----

// rotate_every_two with cos(repeat_interleave(angles)): computed per pair.
// CHECK-LABEL: func.func @computed_repeated_angles
// CHECK: rope.cos_sin
// CHECK: rope.apply interleaved thd
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tab = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @computed_repeated_angles(%x: tensor<1x1x4xf32>, %pos: tensor<1xi64>) -> tensor<1x1x4xf32> {
  %inv = arith.constant dense<[1.000000e+00, 1.000000e-02]> : tensor<2xf32>
  %e1 = tensor.empty() : tensor<1xf32>
  %posf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%pos : tensor<1xi64>) outs(%e1 : tensor<1xf32>) {
  ^bb0(%p: i64, %o: f32):
    %r = arith.sitofp %p : i64 to f32
    linalg.yield %r : f32
  } -> tensor<1xf32>
  %e2 = tensor.empty() : tensor<1x2xf32>
  %ang = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d1)>, #id2], iterator_types = ["parallel", "parallel"]} ins(%posf, %inv : tensor<1xf32>, tensor<2xf32>) outs(%e2 : tensor<1x2xf32>) {
  ^bb0(%p: f32, %f: f32, %o: f32):
    %r = arith.mulf %p, %f : f32
    linalg.yield %r : f32
  } -> tensor<1x2xf32>
  // repeat_interleave(ang, 2, -1)
  %u = tensor.expand_shape %ang [[0], [1, 2]] output_shape [1, 2, 1] : tensor<1x2xf32> into tensor<1x2x1xf32>
  %e3 = tensor.empty() : tensor<1x2x2xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, 0)>, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%u : tensor<1x2x1xf32>) outs(%e3 : tensor<1x2x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x2x2xf32>
  %angr = tensor.collapse_shape %b [[0], [1, 2]] : tensor<1x2x2xf32> into tensor<1x4xf32>
  %e4 = tensor.empty() : tensor<1x4xf32>
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%angr : tensor<1x4xf32>) outs(%e4 : tensor<1x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.cos %a : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%angr : tensor<1x4xf32>) outs(%e4 : tensor<1x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.sin %a : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  // rotate_every_two(x) = stack(-x[..., 1::2], x[..., ::2]).flatten(-2)
  %x1 = tensor.extract_slice %x[0, 0, 0] [1, 1, 2] [1, 1, 2] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %x2 = tensor.extract_slice %x[0, 0, 1] [1, 1, 2] [1, 1, 2] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %eh = tensor.empty() : tensor<1x1x2xf32>
  %n2 = linalg.negf ins(%x2 : tensor<1x1x2xf32>) outs(%eh : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %n2u = tensor.expand_shape %n2 [[0], [1], [2, 3]] output_shape [1, 1, 2, 1] : tensor<1x1x2xf32> into tensor<1x1x2x1xf32>
  %x1u = tensor.expand_shape %x1 [[0], [1], [2, 3]] output_shape [1, 1, 2, 1] : tensor<1x1x2xf32> into tensor<1x1x2x1xf32>
  %st = tensor.concat dim(3) %n2u, %x1u : (tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>) -> tensor<1x1x2x2xf32>
  %rot = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<1x1x2x2xf32> into tensor<1x1x4xf32>
  %e = tensor.empty() : tensor<1x1x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %cos : tensor<1x1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x1x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.mulf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<1x1x4xf32>
  %bb = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%rot, %sin : tensor<1x1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x1x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.mulf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<1x1x4xf32>
  %y = linalg.add ins(%a, %bb : tensor<1x1x4xf32>, tensor<1x1x4xf32>) outs(%e : tensor<1x1x4xf32>) -> tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}

// -----

// A near miss with cat(c, c) tables: the remark is about the rotated
// operand (both halves negated), not about a table.
// CHECK-LABEL: func.func @concat_tables_both_negated
// CHECK-NOT: rope.apply
// REMARK: remark: rope-raise: not raised: both halves are negated
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tab = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @concat_tables_both_negated(%x: tensor<1x1x4xf32>, %ch: tensor<1x2xf32>, %sh: tensor<1x2xf32>) -> tensor<1x1x4xf32> {
  %cos = tensor.concat dim(1) %ch, %ch : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %sin = tensor.concat dim(1) %sh, %sh : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [1, 1, 2] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %x2 = tensor.extract_slice %x[0, 0, 2] [1, 1, 2] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x2xf32>
  %eh = tensor.empty() : tensor<1x1x2xf32>
  %n2 = linalg.negf ins(%x2 : tensor<1x1x2xf32>) outs(%eh : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %n1 = linalg.negf ins(%x1 : tensor<1x1x2xf32>) outs(%eh : tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %rot = tensor.concat dim(2) %n2, %n1 : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x4xf32>
  %e = tensor.empty() : tensor<1x1x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %cos : tensor<1x1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x1x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.mulf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<1x1x4xf32>
  %b = linalg.generic {indexing_maps = [#id, #tab, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%rot, %sin : tensor<1x1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x1x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.mulf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<1x1x4xf32>
  %y = linalg.add ins(%a, %b : tensor<1x1x4xf32>, tensor<1x1x4xf32>) outs(%e : tensor<1x1x4xf32>) -> tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}
