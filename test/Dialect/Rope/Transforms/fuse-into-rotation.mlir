// RUN: rope-opt %s --rope-fuse-into-rotation -canonicalize -cse -split-input-file | FileCheck %s

// A fused neighbour's elementwise op (role fused) read by the rotation
// through its two half slices is computed in the rotation's body: one
// generic, configured as the rotation, reads the neighbour's operands.
// CHECK-LABEL: func @neighbour_into_rotation
// CHECK-NOT: role = fused
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x2x4xf32>, tensor<16x2xf32>, tensor<16x2x4xf32>, tensor<16x2xf32>, tensor<16x4xf32>, tensor<16x4xf32>)
// CHECK-SAME: rope.lowering = #rope.lowering<role = rotate>
// CHECK: math.rsqrt
// CHECK: math.rsqrt
// CHECK: math.fma
// CHECK-NOT: linalg.generic
#id3 = affine_map<(t, h, d) -> (t, h, d)>
#row = affine_map<(t, h, d) -> (t, h)>
func.func @neighbour_into_rotation(%x: tensor<16x2x8xf32>, %ss: tensor<16x2xf32>, %c: tensor<16x4xf32>, %s: tensor<16x4xf32>) -> tensor<16x2x2x4xf32> {
  %e = tensor.empty() : tensor<16x2x8xf32>
  %n = linalg.generic {indexing_maps = [#id3, #row, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %ss : tensor<16x2x8xf32>, tensor<16x2xf32>) outs(%e : tensor<16x2x8xf32>) attrs = {rope.lowering = #rope.lowering<role = fused>} {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = math.rsqrt %m : f32
    %y = arith.mulf %a, %r : f32
    linalg.yield %y : f32
  } -> tensor<16x2x8xf32>
  %x1 = tensor.extract_slice %n[0, 0, 0] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %x2 = tensor.extract_slice %n[0, 0, 4] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
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

// A neighbour's op without the role (a user's) is left alone.
// CHECK-LABEL: func @users_op_left
// CHECK: linalg.generic
// CHECK: tensor.extract_slice
// CHECK: linalg.generic {{.*}}role = rotate
func.func @users_op_left(%x: tensor<16x2x8xf32>, %c: tensor<16x4xf32>, %s: tensor<16x4xf32>) -> tensor<16x2x2x4xf32> {
  %e = tensor.empty() : tensor<16x2x8xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, d)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<16x2x8xf32>) outs(%e : tensor<16x2x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = arith.mulf %a, %a : f32
    linalg.yield %y : f32
  } -> tensor<16x2x8xf32>
  %x1 = tensor.extract_slice %n[0, 0, 0] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %x2 = tensor.extract_slice %n[0, 0, 4] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %o = tensor.empty() : tensor<16x2x2x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, h, j, i)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x1, %x2, %c, %s : tensor<16x2x4xf32>, tensor<16x2x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>) outs(%o : tensor<16x2x2x4xf32>) attrs = {rope.lowering = #rope.lowering<role = rotate>} {
  ^bb0(%a: f32, %b: f32, %cv: f32, %sv: f32, %out: f32):
    %y = arith.mulf %a, %cv : f32
    linalg.yield %y : f32
  } -> tensor<16x2x2x4xf32>
  return %r : tensor<16x2x2x4xf32>
}

// -----

// What a fused neighbour computes per row (a norm's rsqrt of the row's mean
// square) moves into a generic over the rows, which it then reads: the
// rotation's body has no division or square root left.
// CHECK-LABEL: func @row_invariants_hoisted
// CHECK: %[[R:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} ins(%arg1 : tensor<16x2xf32>) outs(%{{.*}} : tensor<16x2xf32>) {{.*}}role = fused
// CHECK: arith.divf
// CHECK: math.rsqrt
// CHECK: linalg.generic {{.*}}ins({{.*}}%[[R]]{{.*}}) {{.*}}role = rotate
// CHECK-NOT: math.rsqrt
// CHECK-NOT: arith.divf
// CHECK: return
#hid3 = affine_map<(t, h, d) -> (t, h, d)>
#hrow = affine_map<(t, h, d) -> (t, h)>
func.func @row_invariants_hoisted(%x: tensor<16x2x8xf32>, %ss: tensor<16x2xf32>, %c: tensor<16x4xf32>, %s: tensor<16x4xf32>) -> tensor<16x2x2x4xf32> {
  %e = tensor.empty() : tensor<16x2x8xf32>
  %n = linalg.generic {indexing_maps = [#hid3, #hrow, #hid3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %ss : tensor<16x2x8xf32>, tensor<16x2xf32>) outs(%e : tensor<16x2x8xf32>) attrs = {rope.lowering = #rope.lowering<role = fused>} {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.constant 8.0 : f32
    %eps = arith.constant 1.0e-6 : f32
    %mean = arith.divf %m, %d : f32
    %me = arith.addf %mean, %eps : f32
    %r = math.rsqrt %me : f32
    %y = arith.mulf %a, %r : f32
    linalg.yield %y : f32
  } -> tensor<16x2x8xf32>
  %x1 = tensor.extract_slice %n[0, 0, 0] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %x2 = tensor.extract_slice %n[0, 0, 4] [16, 2, 4] [1, 1, 1] : tensor<16x2x8xf32> to tensor<16x2x4xf32>
  %o = tensor.empty() : tensor<16x2x2x4xf32>
  %rot = linalg.generic {indexing_maps = [affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, h, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, i)>, affine_map<(t, h, j, i) -> (t, h, j, i)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
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
  return %rot : tensor<16x2x2x4xf32>
}
