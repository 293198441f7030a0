// RUN: rope-opt %s -convert-rope-to-linalg -split-input-file | FileCheck %s

// Half pairing: one generic over the [T, H, 2, R/2] view of the output reads
// the two halves of x as [T, H, R/2] slices and the f64 frequencies; cos/sin
// come from our range-reduced polynomials (no math.sin/math.cos, no libm),
// the angle formed and reduced in f64.
// CHECK-DAG: #[[$X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$F:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-DAG: #[[$P:.*]] = affine_map<(d0, d1, d2, d3) -> (d0)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @half
// CHECK: %[[OV:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, 8, 2, 32]
// CHECK: %[[X0:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0] [%{{.*}}, 8, 32] [1, 1, 1]
// CHECK: %[[X1:.*]] = tensor.extract_slice %{{.*}}[0, 0, 32] [%{{.*}}, 8, 32] [1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[$X]], #[[$X]], #[[$F]], #[[$P]], #[[$ID]]]
// CHECK-SAME: ins(%[[X0]], %[[X1]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<?x8x32xf32>, tensor<?x8x32xf32>, tensor<32xf64>, tensor<?xi64>)
// CHECK-SAME: outs(%[[OV]] :
// CHECK-NOT: math.sin
// CHECK-NOT: math.cos
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: math.roundeven %{{.*}} : f64
// CHECK: math.fma
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: tensor.collapse_shape
func.func @half(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// -----

// Interleaved pairing views the head as [R/2, 2] and reads x's even and odd
// elements through stride-2 slices.
// CHECK-LABEL: func @interleaved
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, 8, 32, 2]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0] [%{{.*}}, 8, 32] [1, 1, 2]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 1] [%{{.*}}, 8, 32] [1, 1, 2]
// CHECK: linalg.generic
// bf16 rotated with cos/sin computed in the kernel: the rounding may skip its
// NaN case (rope-expand-bf16).
// CHECK: arith.truncf %{{.*}} {rope.bf16_operands} : f32 to bf16
func.func @interleaved(%x: tensor<?x8x64xbf16>, %e: tensor<?x8x64xbf16>, %p: tensor<?xi64>) -> tensor<?x8x64xbf16> {
  %y = rope.rotate interleaved thd ins(%x : tensor<?x8x64xbf16>) outs(%e : tensor<?x8x64xbf16>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xbf16>
}

// -----

// Partial rotary copies the pass-through part [R, D) and rotates [0, R).
// CHECK-LABEL: func @partial
// CHECK: %[[PASS:.*]] = tensor.extract_slice %[[X:.*]][0, 0, 16] [%{{.*}}, 8, 48] [1, 1, 1]
// CHECK: %[[COPY:.*]] = linalg.copy ins(%[[PASS]] :
// CHECK: %[[D:.*]] = tensor.insert_slice %[[COPY]] into %{{.*}}[0, 0, 16] [%{{.*}}, 8, 48] [1, 1, 1]
// CHECK: tensor.extract_slice %[[X]][0, 0, 0] [%{{.*}}, 8, 16] [1, 1, 1]
// CHECK: linalg.generic
// CHECK: tensor.insert_slice %{{.*}} into %[[D]][0, 0, 0] [%{{.*}}, 8, 16] [1, 1, 1]
func.func @partial(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) rotary_dim = 16
  return %y : tensor<?x8x64xf32>
}

// -----

// A cache gathered by position: one range check per call, then tensor.extract.
// CHECK-LABEL: func @cache
// CHECK: scf.for
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: cf.assert %{{.*}}, "rope.rotate: position outside the cos/sin cache"
// CHECK: linalg.generic
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<?x4xf16>
// CHECK: arith.extf
func.func @cache(%x: tensor<?x8x8xf16>, %e: tensor<?x8x8xf16>, %p: tensor<?xi32>, %c: tensor<?x4xf16>, %s: tensor<?x4xf16>) -> tensor<?x8x8xf16> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x8xf16>) outs(%e : tensor<?x8x8xf16>)
      positions(%p : tensor<?xi32>) cache(%c, %s : tensor<?x4xf16>, tensor<?x4xf16>)
  return %y : tensor<?x8x8xf16>
}

// -----

// mrope reads three position components and picks one per frequency section.
// CHECK-DAG: #[[$P0:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d0)>
// CHECK-DAG: #[[$P1:.*]] = affine_map<(d0, d1, d2, d3) -> (1, d0)>
// CHECK-DAG: #[[$P2:.*]] = affine_map<(d0, d1, d2, d3) -> (2, d0)>
// CHECK-LABEL: func @mrope
// CHECK: linalg.generic {indexing_maps = [#{{[a-z0-9]+}}, #{{[a-z0-9]+}}, #{{[a-z0-9]+}}, #[[$P0]], #[[$P1]], #[[$P2]], #{{[a-z0-9]+}}]
// CHECK: arith.cmpi ult, %{{.*}}, %c16
// CHECK: arith.cmpi ult, %{{.*}}, %c40
func.func @mrope(%x: tensor<?x4x128xf32>, %e: tensor<?x4x128xf32>, %p: tensor<3x?xi64>) -> tensor<?x4x128xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x4x128xf32>) outs(%e : tensor<?x4x128xf32>)
      positions(%p : tensor<3x?xi64>) freqs(#rope.default<base = 1000000.0>) mrope_section = [16, 24, 24]
  return %y : tensor<?x4x128xf32>
}

// -----

// Dynamic NTK computes its R/2 frequencies once per call from n.
// CHECK-LABEL: func @dynamic_ntk
// CHECK: scf.for
// CHECK: math.log
// CHECK: tensor.generate
// CHECK: math.exp
// CHECK: linalg.generic
func.func @dynamic_ntk(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
  return %y : tensor<?x8x64xf32>
}

// -----

// LongRoPE with run-time selection picks one of two constant tables.
// CHECK-LABEL: func @longrope_dynamic
// CHECK: %[[LONG:.*]] = arith.cmpi sgt, %{{.*}}, %c4096
// CHECK: arith.select %[[LONG]], %{{.*}}, %{{.*}} : tensor<2xf64>
func.func @longrope_dynamic(%x: tensor<?x8x4xf32>, %e: tensor<?x8x4xf32>, %p: tensor<?xi64>) -> tensor<?x8x4xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x4xf32>) outs(%e : tensor<?x8x4xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072, short_factor = [1.0, 2.0], long_factor = [3.0, 4.0]>)
  return %y : tensor<?x8x4xf32>
}

// -----

// Dynamic dims shared by operands are compared once at run time; a
// mismatch prints the operands, dimensions and both sizes, then stops.
// CHECK: llvm.mlir.global internal constant @[[$MSG:__rope_msg_[0-9]+]]("rope.rotate: dimension 0 of 'ins' #0 is %lld, but dimension 0 of 'outs' #0 is %lld\0A\00")
// CHECK-LABEL: func @shape_checks
// CHECK: %[[TEXT:.*]] = llvm.mlir.addressof @[[$MSG]]
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK: %[[NE:.*]] = arith.xori %[[EQ]], %true
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

// bf16 data with f32 caches: a NaN in a cache may carry any payload into the
// result, so the trunc is not marked rope.bf16_operands.
// CHECK-LABEL: func @bf16_f32_cache
// CHECK: arith.truncf
// CHECK-NOT: rope.bf16_operands
// CHECK-SAME: f32 to bf16
func.func @bf16_f32_cache(%x: tensor<?x8x8xbf16>, %e: tensor<?x8x8xbf16>, %p: tensor<?xi32>, %c: tensor<?x4xf32>, %s: tensor<?x4xf32>) -> tensor<?x8x8xbf16> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x8xbf16>) outs(%e : tensor<?x8x8xbf16>)
      positions(%p : tensor<?xi32>) cache(%c, %s : tensor<?x4xf32>, tensor<?x4xf32>)
  return %y : tensor<?x8x8xbf16>
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
// CHECK: %[[SEQ:.*]] = tensor.dim
// CHECK: arith.cmpi eq, %[[SEQ]], %c0
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
