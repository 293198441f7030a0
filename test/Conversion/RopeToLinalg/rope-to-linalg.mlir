// RUN: rope-opt %s -convert-rope-to-linalg -split-input-file | FileCheck %s

// rope.cos_sin: one generic over the [T, R/2] tables reading the f64
// frequencies and the positions; our range-reduced polynomials (no
// math.sin/math.cos, no libm), the angle formed and reduced in f64.
// CHECK-DAG: #[[$F:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$P:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @cos_sin
// CHECK: linalg.generic {indexing_maps = [#[[$F]], #[[$P]], #[[$ID]], #[[$ID]]]
// CHECK-SAME: ins(%arg1, %arg0 : tensor<32xf64>, tensor<?xi64>)
// CHECK-SAME: rope.lowering = #rope.lowering<role = table>
// CHECK-NOT: math.sin
// CHECK-NOT: math.cos
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: math.roundeven %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: arith.mulf %{{.*}}, %cst{{.*}} : f32
func.func @cos_sin(%p: tensor<?xi64>, %f: tensor<32xf64>, %c: tensor<?x32xf32>, %s: tensor<?x32xf32>) -> (tensor<?x32xf32>, tensor<?x32xf32>) {
  %cos, %sin = rope.cos_sin positions(%p : tensor<?xi64>) inv_freq(%f : tensor<32xf64>)
      outs(%c, %s : tensor<?x32xf32>, tensor<?x32xf32>) attention_factor = 0.5
  return %cos, %sin : tensor<?x32xf32>, tensor<?x32xf32>
}

// -----

// mrope reads the three position components as slices and picks one per
// frequency section.
// CHECK-LABEL: func @cos_sin_mrope
// CHECK-DAG: tensor.extract_slice %arg0[0, 0] [1, %{{.*}}] [1, 1] : tensor<3x?xi64> to tensor<?xi64>
// CHECK-DAG: tensor.extract_slice %arg0[1, 0] [1, %{{.*}}] [1, 1] : tensor<3x?xi64> to tensor<?xi64>
// CHECK-DAG: tensor.extract_slice %arg0[2, 0] [1, %{{.*}}] [1, 1] : tensor<3x?xi64> to tensor<?xi64>
// CHECK: linalg.generic
// CHECK-DAG: arith.cmpi ult, %{{.*}}, %c16
// CHECK-DAG: arith.cmpi ult, %{{.*}}, %c40
func.func @cos_sin_mrope(%p: tensor<3x?xi64>, %f: tensor<64xf64>, %c: tensor<?x64xf32>, %s: tensor<?x64xf32>) -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %cos, %sin = rope.cos_sin positions(%p : tensor<3x?xi64>) inv_freq(%f : tensor<64xf64>)
      outs(%c, %s : tensor<?x64xf32>, tensor<?x64xf32>) mrope_section = [16, 24, 24]
  return %cos, %sin : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// Interleaved (Qwen3-VL): axis k >= 1 where i % 3 == k and i < 3 * s_k.
// CHECK-LABEL: func @cos_sin_mrope_interleaved
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 1
// CHECK: %[[LANE:.*]] = arith.remui %[[I]], %c3
// CHECK-DAG: arith.cmpi eq, %[[LANE]], %c1
// CHECK-DAG: arith.cmpi ult, %[[I]], %c60
// CHECK-DAG: arith.cmpi eq, %[[LANE]], %c2
func.func @cos_sin_mrope_interleaved(%p: tensor<3x?xi64>, %f: tensor<64xf64>, %c: tensor<?x64xf32>, %s: tensor<?x64xf32>) -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %cos, %sin = rope.cos_sin positions(%p : tensor<3x?xi64>) inv_freq(%f : tensor<64xf64>)
      outs(%c, %s : tensor<?x64xf32>, tensor<?x64xf32>) mrope_section = [24, 20, 20] mrope_interleaved
  return %cos, %sin : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// Positions `offset + s` are computed in the table's body, not stored.
// CHECK-LABEL: func @cos_sin_of_offset
// CHECK-NOT: tensor<2x?xi64>
// CHECK: linalg.generic
// CHECK: %[[S:.*]] = linalg.index 1 : index
// CHECK: arith.index_cast %[[S]] : index to i64
// CHECK: arith.addi
func.func @cos_sin_of_offset(%o: index, %n: index, %f: tensor<4xf64>) -> (tensor<2x?x4xf32>, tensor<2x?x4xf32>) {
  %e = tensor.empty(%n) : tensor<2x?xi64>
  %p = rope.positions offset(%o) outs(%e : tensor<2x?xi64>)
  %c = tensor.empty(%n) : tensor<2x?x4xf32>
  %cos, %sin = rope.cos_sin positions(%p : tensor<2x?xi64>) inv_freq(%f : tensor<4xf64>)
      outs(%c, %c : tensor<2x?x4xf32>, tensor<2x?x4xf32>)
  return %cos, %sin : tensor<2x?x4xf32>, tensor<2x?x4xf32>
}

// -----

// rope.gather reads rows by position, clamped into the table.
// CHECK-LABEL: func @gather
// CHECK: linalg.generic
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: tensor.extract %arg1[%{{.*}}, %{{.*}}] : tensor<?x4xf16>
// CHECK: tensor.extract %arg2[%{{.*}}, %{{.*}}] : tensor<?x4xf16>
func.func @gather(%p: tensor<?xi32>, %ct: tensor<?x4xf16>, %st: tensor<?x4xf16>, %c: tensor<?x4xf16>, %s: tensor<?x4xf16>) -> (tensor<?x4xf16>, tensor<?x4xf16>) {
  %cos, %sin = rope.gather positions(%p : tensor<?xi32>) tables(%ct, %st : tensor<?x4xf16>, tensor<?x4xf16>)
      outs(%c, %s : tensor<?x4xf16>, tensor<?x4xf16>)
  return %cos, %sin : tensor<?x4xf16>, tensor<?x4xf16>
}

// -----

// Half pairing: one generic over the [T, H, 2, R/2] view of the output reads
// the two halves of x as [T, H, R/2] slices and the tables at (token, i).
// CHECK-DAG: #[[$X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$T:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @apply_half
// CHECK: %[[OV:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, 8, 2, 32]
// CHECK: %[[X0:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0] [%{{.*}}, 8, 32] [1, 1, 1]
// CHECK: %[[X1:.*]] = tensor.extract_slice %{{.*}}[0, 0, 32] [%{{.*}}, 8, 32] [1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[$X]], #[[$X]], #[[$T]], #[[$T]], #[[$ID]]]
// CHECK-SAME: ins(%[[X0]], %[[X1]], %arg2, %arg3 :
// CHECK-SAME: outs(%[[OV]] :
// CHECK-SAME: rope.lowering = #rope.lowering<role = rotate>
// CHECK: math.fma
// CHECK: tensor.collapse_shape
func.func @apply_half(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %c: tensor<?x32xf32>, %s: tensor<?x32xf32>) -> tensor<?x8x64xf32> {
  %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      cos_sin(%c, %s : tensor<?x32xf32>, tensor<?x32xf32>)
  return %y : tensor<?x8x64xf32>
}

// -----

// Full-width (HF) tables are viewed like the head, [T, 2, R/2], and read at
// (token, pair element, i): each element its own entry.
// CHECK-DAG: #[[$T:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-LABEL: func @apply_full_width
// CHECK: tensor.expand_shape %arg2 {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 2, 32]
// CHECK: tensor.expand_shape %arg3 {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 2, 32]
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[$T]], #[[$T]], #{{.*}}]
func.func @apply_full_width(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %c: tensor<?x64xf32>, %s: tensor<?x64xf32>) -> tensor<?x8x64xf32> {
  %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      cos_sin(%c, %s : tensor<?x64xf32>, tensor<?x64xf32>)
  return %y : tensor<?x8x64xf32>
}

// -----

// Interleaved pairing views the head as [R/2, 2] and reads x's even and odd
// elements through stride-2 slices. bf16 rotated by tables rope.cos_sin
// computed: the rounding may skip its NaN case (rope-expand-bf16).
// CHECK-LABEL: func @apply_interleaved_bf16
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, 8, 32, 2]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0] [%{{.*}}, 8, 32] [1, 1, 2]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 1] [%{{.*}}, 8, 32] [1, 1, 2]
// CHECK: linalg.generic {{.*}}rope.lowering = #rope.lowering<role = rotate>
// CHECK: arith.truncf %{{.*}} {rope.lowering = #rope.lowering<bf16_operands = true>} : f32 to bf16
func.func @apply_interleaved_bf16(%x: tensor<?x8x64xbf16>, %e: tensor<?x8x64xbf16>, %p: tensor<?xi64>, %f: tensor<32xf64>, %c: tensor<?x32xf32>) -> tensor<?x8x64xbf16> {
  %cos, %sin = rope.cos_sin positions(%p : tensor<?xi64>) inv_freq(%f : tensor<32xf64>)
      outs(%c, %c : tensor<?x32xf32>, tensor<?x32xf32>)
  %y = rope.apply interleaved thd ins(%x : tensor<?x8x64xbf16>) outs(%e : tensor<?x8x64xbf16>)
      cos_sin(%cos, %sin : tensor<?x32xf32>, tensor<?x32xf32>)
  return %y : tensor<?x8x64xbf16>
}

// -----

// bf16 data with f32 tables from elsewhere: a NaN in a table may carry any
// payload into the result, so the trunc is not marked bf16_operands.
// CHECK-LABEL: func @negative_bf16_f32_tables
// CHECK: arith.truncf
// CHECK-NOT: bf16_operands
// CHECK-SAME: f32 to bf16
func.func @negative_bf16_f32_tables(%x: tensor<?x8x8xbf16>, %e: tensor<?x8x8xbf16>, %c: tensor<?x4xf32>, %s: tensor<?x4xf32>) -> tensor<?x8x8xbf16> {
  %y = rope.apply half thd ins(%x : tensor<?x8x8xbf16>) outs(%e : tensor<?x8x8xbf16>)
      cos_sin(%c, %s : tensor<?x4xf32>, tensor<?x4xf32>)
  return %y : tensor<?x8x8xbf16>
}

// -----

// Partial rotary copies the pass-through part [R, D) and rotates [0, R).
// CHECK-LABEL: func @apply_partial
// CHECK: %[[PASS:.*]] = tensor.extract_slice %[[X:.*]][0, 0, 16] [%{{.*}}, 8, 48] [1, 1, 1]
// CHECK: %[[COPY:.*]] = linalg.copy {rope.lowering = #rope.lowering<role = copy>} ins(%[[PASS]] :
// CHECK: %[[D:.*]] = tensor.insert_slice %[[COPY]] into %{{.*}}[0, 0, 16] [%{{.*}}, 8, 48] [1, 1, 1]
// CHECK: tensor.extract_slice %[[X]][0, 0, 0] [%{{.*}}, 8, 16] [1, 1, 1]
// CHECK: linalg.generic
// CHECK: tensor.insert_slice %{{.*}} into %[[D]][0, 0, 0] [%{{.*}}, 8, 16] [1, 1, 1]
func.func @apply_partial(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %c: tensor<?x8xf32>, %s: tensor<?x8xf32>) -> tensor<?x8x64xf32> {
  %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      cos_sin(%c, %s : tensor<?x8xf32>, tensor<?x8xf32>) rotary_dim = 16
  return %y : tensor<?x8x64xf32>
}

// -----

// Dynamic NTK computes its R/2 frequencies once per call from
// n = max(positions) + 1.
// CHECK-LABEL: func @inv_freq_dynamic_ntk
// CHECK: scf.for
// CHECK: math.log
// CHECK: linalg.generic
// CHECK: math.exp
func.func @inv_freq_dynamic_ntk(%p: tensor<?xi64>) -> tensor<32xf64> {
  %f = rope.inv_freq freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4096>)
      positions(%p : tensor<?xi64>) : tensor<32xf64>
  return %f : tensor<32xf64>
}

// -----

// LongRoPE with run-time selection picks one of two constant tables.
// CHECK-LABEL: func @inv_freq_longrope_dynamic
// CHECK: %[[LONG:.*]] = arith.cmpi sgt, %{{.*}}, %c4096
// CHECK: arith.select %[[LONG]], %{{.*}}, %{{.*}} : tensor<2xf64>
func.func @inv_freq_longrope_dynamic(%p: tensor<?xi64>) -> tensor<2xf64> {
  %f = rope.inv_freq freqs(#rope.longrope<base = 10000.0, original_max_position = 4096, max_position = 131072, short_factor = [1.0, 2.0], long_factor = [3.0, 4.0]>)
      positions(%p : tensor<?xi64>) : tensor<2xf64>
  return %f : tensor<2xf64>
}

// -----

// rope.rotate lowers through its decomposition: a table, then the rotation.
// CHECK-LABEL: func @rotate
// CHECK: linalg.generic {{.*}}rope.lowering = #rope.lowering<role = table>
// CHECK: linalg.generic {{.*}}rope.lowering = #rope.lowering<role = rotate>
// CHECK-NOT: rope.
func.func @rotate(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}
