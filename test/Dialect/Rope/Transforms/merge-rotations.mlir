// RUN: rope-opt %s -rope-merge-rotations -split-input-file | FileCheck %s

// q and k with the same positions and frequencies: one op of both, at the
// later one's place.
// CHECK-LABEL: func @q_and_k
// CHECK: %[[R:.*]]:2 = rope.rotate half thd ins(%arg0, %arg1 : tensor<?x32x128xf32>, tensor<?x8x128xf32>)
// CHECK-SAME: outs(%arg2, %arg3 :
// CHECK-NOT: rope.rotate
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @q_and_k(%q: tensor<?x32x128xf32>, %k: tensor<?x8x128xf32>, %qi: tensor<?x32x128xf32>, %ki: tensor<?x8x128xf32>, %p: tensor<?xi64>) -> (tensor<?x32x128xf32>, tensor<?x8x128xf32>) {
  %q1 = rope.rotate half thd ins(%q : tensor<?x32x128xf32>) outs(%qi : tensor<?x32x128xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  %k1 = rope.rotate half thd ins(%k : tensor<?x8x128xf32>) outs(%ki : tensor<?x8x128xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %q1, %k1 : tensor<?x32x128xf32>, tensor<?x8x128xf32>
}

// -----

// Offsets with equal static token counts merge too.
// CHECK-LABEL: func @offset_static
// CHECK: rope.rotate half thd ins(%arg0, %arg1 : tensor<4x2x8xf32>, tensor<4x1x8xf32>)
// CHECK-NOT: rope.rotate
func.func @offset_static(%q: tensor<4x2x8xf32>, %k: tensor<4x1x8xf32>, %qi: tensor<4x2x8xf32>, %ki: tensor<4x1x8xf32>, %o: index) -> (tensor<4x2x8xf32>, tensor<4x1x8xf32>) {
  %q1 = rope.rotate half thd ins(%q : tensor<4x2x8xf32>) outs(%qi : tensor<4x2x8xf32>)
      offset(%o) freqs(#rope.default<base = 10000.0>)
  %k1 = rope.rotate half thd ins(%k : tensor<4x1x8xf32>) outs(%ki : tensor<4x1x8xf32>)
      offset(%o) freqs(#rope.default<base = 10000.0>)
  return %q1, %k1 : tensor<4x2x8xf32>, tensor<4x1x8xf32>
}

// -----

// Different frequencies, positions or element types: apart.
// CHECK-LABEL: func @negative_different
// CHECK-COUNT-4: rope.rotate
func.func @negative_different(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %h: tensor<?x2x8xbf16>, %p: tensor<?xi64>, %p2: tensor<?xi64>) -> (tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xbf16>) {
  %a = rope.rotate half thd ins(%q : tensor<?x2x8xf32>) outs(%q : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  %b = rope.rotate half thd ins(%k : tensor<?x2x8xf32>) outs(%k : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 500000.0>)
  %c = rope.rotate half thd ins(%k : tensor<?x2x8xf32>) outs(%k : tensor<?x2x8xf32>)
      positions(%p2 : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  %d = rope.rotate half thd ins(%h : tensor<?x2x8xbf16>) outs(%h : tensor<?x2x8xbf16>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %a, %b, %c, %d : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xbf16>
}

// -----

// The second rotates the first's result (or the first's result is used
// before the second): they stay apart.
// CHECK-LABEL: func @negative_dependent
// CHECK-COUNT-2: rope.rotate
func.func @negative_dependent(%q: tensor<?x2x8xf32>, %p: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %a = rope.rotate half thd ins(%q : tensor<?x2x8xf32>) outs(%q : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  %n = arith.negf %a : tensor<?x2x8xf32>
  %b = rope.rotate half thd ins(%n : tensor<?x2x8xf32>) outs(%q : tensor<?x2x8xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %b : tensor<?x2x8xf32>
}
