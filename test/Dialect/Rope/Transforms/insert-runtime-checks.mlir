// RUN: rope-opt %s -rope-insert-runtime-checks -cse -split-input-file | FileCheck %s

// A cache gathered by position: one range check per call.
// CHECK-LABEL: func @cache
// CHECK: scf.for
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: cf.assert %{{.*}}, "rope.rotate: position outside the cos/sin cache"
func.func @cache(%x: tensor<?x8x8xf16>, %e: tensor<?x8x8xf16>, %p: tensor<?xi32>, %c: tensor<?x4xf16>, %s: tensor<?x4xf16>) -> tensor<?x8x8xf16> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x8xf16>) outs(%e : tensor<?x8x8xf16>)
      positions(%p : tensor<?xi32>) cache(%c, %s : tensor<?x4xf16>, tensor<?x4xf16>)
  return %y : tensor<?x8x8xf16>
}

// -----


// Dynamic dims shared by operands are compared once at run time; a
// mismatch prints the operands, dimensions and both sizes, then stops.
// CHECK: llvm.mlir.global internal constant @[[$MSG:__rope_msg_[0-9]+]]("rope.rotate: dimension 0 of 'ins' #0 is %lld, but dimension 0 of 'outs' #0 is %lld\0A\00")
// CHECK-LABEL: func @shape_checks
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK: %[[NE:.*]] = arith.xori %[[EQ]], %true
// CHECK: %[[TEXT:.*]] = llvm.mlir.addressof @[[$MSG]]
// CHECK: %[[P:.*]] = llvm.getelementptr %[[TEXT]]
// CHECK: scf.if %[[NE]] {
// CHECK: llvm.call @printf(%[[P]], %{{.*}}, %{{.*}}) vararg
// CHECK: cf.assert %{{.*}}, "rope.rotate: dynamic dimensions of the operands disagree
// CHECK-LABEL: func @negative_static_shapes
// CHECK-NOT: cf.assert {{.*}}dynamic dimensions
// CHECK: return
func.func @shape_checks(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}
func.func @negative_static_shapes(%x: tensor<5x8x64xf32>, %e: tensor<5x8x64xf32>, %p: tensor<5xi64>) -> tensor<5x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<5x8x64xf32>) outs(%e : tensor<5x8x64xf32>)
      positions(%p : tensor<5xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<5x8x64xf32>
}

// -----


// Positions used with frequencies are checked against (-2^31, 2^31) once
// per call: from their smallest and largest value (none: no check), or from
// offset and offset + T - 1.
// CHECK-LABEL: func @position_range
// CHECK: %[[MINMAX:.*]]:2 = scf.for
// CHECK: %[[EMPTY:.*]] = arith.cmpi sgt, %[[MINMAX]]#0, %[[MINMAX]]#1 : i64
// CHECK: arith.cmpi sgt, %[[MINMAX]]#0, %c-2147483648_i64
// CHECK: arith.cmpi slt, %[[MINMAX]]#1, %c2147483648_i64
// CHECK: %[[OK:.*]] = arith.ori %[[EMPTY]]
// CHECK: cf.assert %[[OK]], "rope.rotate: a position is outside (-2^31, 2^31)
// CHECK-LABEL: func @position_range_offset
// CHECK: cf.assert %{{.*}}, "rope.rotate: dynamic dimensions
// CHECK: arith.cmpi eq, %{{.*}}, %c0
// CHECK: cf.assert %{{.*}}, "rope.rotate: a position is outside (-2^31, 2^31)
func.func @position_range(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}
func.func @position_range_offset(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %o: index) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      offset(%o) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

// The decomposed ops are checked alike, each naming itself: rope.apply its
// dynamic sizes, rope.cos_sin its positions' range (offset + s: from offset
// and the sequence length, no scan), rope.gather its rows.
// CHECK-LABEL: func @ops
// CHECK: cf.assert %{{.*}}, "rope.apply: dynamic dimensions of the operands disagree
// CHECK-NOT: scf.for
// CHECK: %[[SEQ:.*]] = tensor.dim %{{.*}}, %c1 : tensor<2x?xi64>
// CHECK: arith.index_cast %[[SEQ]] : index to i64
// CHECK: cf.assert %{{.*}}, "rope.cos_sin: a position is outside (-2^31, 2^31)
// CHECK: scf.for
// CHECK: cf.assert %{{.*}}, "rope.gather: position outside the cos/sin cache"
func.func @ops(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %c: tensor<?x32xf32>, %s: tensor<?x32xf32>,
               %o: index, %n: index, %f: tensor<4xf64>, %ids: tensor<?xi64>, %ct: tensor<9x4xf32>)
    -> (tensor<?x8x64xf32>, tensor<2x?x4xf32>, tensor<?x4xf32>) {
  %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      cos_sin(%c, %s : tensor<?x32xf32>, tensor<?x32xf32>)
  %pe = tensor.empty(%n) : tensor<2x?xi64>
  %p = rope.positions offset(%o) outs(%pe : tensor<2x?xi64>)
  %t = tensor.empty(%n) : tensor<2x?x4xf32>
  %cos, %sin = rope.cos_sin positions(%p : tensor<2x?xi64>) inv_freq(%f : tensor<4xf64>)
      outs(%t, %t : tensor<2x?x4xf32>, tensor<2x?x4xf32>)
  %c0 = arith.constant 0 : index
  %k = tensor.dim %ids, %c0 : tensor<?xi64>
  %g = tensor.empty(%k) : tensor<?x4xf32>
  %gc, %gs = rope.gather positions(%ids : tensor<?xi64>) tables(%ct, %ct : tensor<9x4xf32>, tensor<9x4xf32>)
      outs(%g, %g : tensor<?x4xf32>, tensor<?x4xf32>)
  return %y, %cos, %gc : tensor<?x8x64xf32>, tensor<2x?x4xf32>, tensor<?x4xf32>
}
