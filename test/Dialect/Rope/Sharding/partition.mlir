// RUN: rope-opt --split-input-file --pass-pipeline="builtin.module(func.func(sharding-propagation{traversal=forward-backward},shard-partition,cse))" %s | FileCheck %s

// Head split: each process rotates 4 of the 8 q heads and the 2 k heads of
// their groups, with the whole positions; no communication.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @heads
// CHECK-SAME: (%[[Q:.*]]: tensor<16x4x16xf32>, %[[K:.*]]: tensor<16x2x16xf32>, %[[P:.*]]: tensor<16xi64>) -> (tensor<16x4x16xf32>, tensor<16x2x16xf32>)
func.func @heads(%q: tensor<16x8x16xf32>, %k: tensor<16x4x16xf32>,
                 %pos: tensor<16xi64>) -> (tensor<16x8x16xf32>, tensor<16x4x16xf32>) {
  // CHECK-NOT: shard.
  // CHECK: rope.rotate half thd ins(%[[Q]], %[[K]] : tensor<16x4x16xf32>, tensor<16x2x16xf32>) outs(%{{.*}}, %{{.*}} : tensor<16x4x16xf32>, tensor<16x2x16xf32>) positions(%[[P]] : tensor<16xi64>)
  // CHECK-NOT: shard.
  // CHECK: return
  %s = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<16x8x16xf32>
  %k_s = shard.shard %k to %s : tensor<16x4x16xf32>
  %eq = tensor.empty() : tensor<16x8x16xf32>
  %ek = tensor.empty() : tensor<16x4x16xf32>
  %q1, %k1 = rope.rotate half thd ins(%q_s, %k_s : tensor<16x8x16xf32>, tensor<16x4x16xf32>)
      outs(%eq, %ek : tensor<16x8x16xf32>, tensor<16x4x16xf32>)
      positions(%pos : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  %q2 = shard.shard %q1 to %s : tensor<16x8x16xf32>
  %k2 = shard.shard %k1 to %s : tensor<16x4x16xf32>
  return %q2, %k2 : tensor<16x8x16xf32>, tensor<16x4x16xf32>
}

// -----

// Token split with implicit positions: process i rotates tokens
// [4i, 4i + 4) by offset + 4i + s.
shard.grid @grid(shape = 4)
// CHECK-LABEL: func.func @tokens_offset
// CHECK-SAME: (%[[Q:.*]]: tensor<4x4x16xf32>, %[[OFF:.*]]: index) -> tensor<4x4x16xf32>
func.func @tokens_offset(%q: tensor<16x4x16xf32>, %off: index) -> tensor<16x4x16xf32> {
  // CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
  // CHECK-DAG: %[[I:.*]] = shard.process_multi_index on @grid axes = [0] : index
  // CHECK: %[[FIRST:.*]] = arith.muli %[[I]], %[[C4]] : index
  // CHECK: %[[O:.*]] = arith.addi %[[OFF]], %[[FIRST]] : index
  // CHECK: rope.rotate half thd ins(%[[Q]] : tensor<4x4x16xf32>) outs(%{{.*}} : tensor<4x4x16xf32>) offset(%[[O]])
  // CHECK-NOT: shard.all
  %s = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<16x4x16xf32>
  %e = tensor.empty() : tensor<16x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<16x4x16xf32>) outs(%e : tensor<16x4x16xf32>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  %r_s = shard.shard %r to %s : tensor<16x4x16xf32>
  return %r_s : tensor<16x4x16xf32>
}

// -----

// Tokens split over both axes of a 2x2 grid: the first token of a process
// is its linear index over those axes times the local size.
shard.grid @grid(shape = 2x2)
// CHECK-LABEL: func.func @tokens_two_axes
func.func @tokens_two_axes(%q: tensor<16x4x16xf32>, %off: index) -> tensor<16x4x16xf32> {
  // CHECK: %[[I:.*]]:2 = shard.process_multi_index on @grid axes = [0, 1] : index, index
  // CHECK: %[[LIN:.*]] = affine.apply #{{.*}}()[%[[I]]#0, %{{.*}}, %[[I]]#1]
  // CHECK: %[[FIRST:.*]] = arith.muli %[[LIN]], %{{.*}} : index
  // CHECK: %[[O:.*]] = arith.addi %arg1, %[[FIRST]] : index
  // CHECK: rope.rotate half thd ins(%arg0 : tensor<4x4x16xf32>) {{.*}} offset(%[[O]])
  %s = shard.sharding @grid split_axes = [[0, 1]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<16x4x16xf32>
  %e = tensor.empty() : tensor<16x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<16x4x16xf32>) outs(%e : tensor<16x4x16xf32>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  %r_s = shard.shard %r to %s : tensor<16x4x16xf32>
  return %r_s : tensor<16x4x16xf32>
}

// -----

// Batch split (bshd): the sequence index, and so the offset, is unchanged.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @batch
// CHECK-SAME: (%[[Q:.*]]: tensor<1x8x4x16xf32>, %[[OFF:.*]]: index)
func.func @batch(%q: tensor<2x8x4x16xf32>, %off: index) -> tensor<2x8x4x16xf32> {
  // CHECK-NOT: shard.process
  // CHECK: rope.rotate half bshd ins(%[[Q]] : tensor<1x8x4x16xf32>) {{.*}} offset(%[[OFF]])
  %s = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<2x8x4x16xf32>
  %e = tensor.empty() : tensor<2x8x4x16xf32>
  %r = rope.rotate half bshd ins(%q_s : tensor<2x8x4x16xf32>) outs(%e : tensor<2x8x4x16xf32>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  %r_s = shard.shard %r to %s : tensor<2x8x4x16xf32>
  return %r_s : tensor<2x8x4x16xf32>
}

// -----

// Sequence split of bhsd with positions: the positions are split with the
// tokens ([batch, seq]), the gathered cache stays whole.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @bhsd_positions_cache
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x4x16xf32>, %[[P:.*]]: tensor<2x4xi64>, %[[C:.*]]: tensor<64x8xf32>, %[[S:.*]]: tensor<64x8xf32>)
func.func @bhsd_positions_cache(%q: tensor<2x4x8x16xf32>, %pos: tensor<2x8xi64>,
                                %c: tensor<64x8xf32>, %s: tensor<64x8xf32>) -> tensor<2x4x8x16xf32> {
  // CHECK-NOT: shard.
  // CHECK: rope.rotate half bhsd ins(%[[Q]] : tensor<2x4x4x16xf32>) {{.*}} positions(%[[P]] : tensor<2x4xi64>) cache(%[[C]], %[[S]] : tensor<64x8xf32>, tensor<64x8xf32>)
  %sh = shard.sharding @grid split_axes = [[], [], [0]] : !shard.sharding
  %q_s = shard.shard %q to %sh : tensor<2x4x8x16xf32>
  %ps = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding
  %p_s = shard.shard %pos to %ps : tensor<2x8xi64>
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %r = rope.rotate half bhsd ins(%q_s : tensor<2x4x8x16xf32>) outs(%e : tensor<2x4x8x16xf32>)
      positions(%p_s : tensor<2x8xi64>) cache(%c, %s : tensor<64x8xf32>, tensor<64x8xf32>)
  %r_s = shard.shard %r to %sh : tensor<2x4x8x16xf32>
  return %r_s : tensor<2x4x8x16xf32>
}

// -----

// head_dim is never split: a split input is gathered first.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @head_dim
func.func @head_dim(%q: tensor<16x4x16xf32>, %pos: tensor<16xi64>) -> tensor<16x4x16xf32> {
  // CHECK: %[[G:.*]] = shard.all_gather %arg0 on @grid grid_axes = [0] gather_axis = 2 : tensor<16x4x8xf32> -> tensor<16x4x16xf32>
  // CHECK: %[[GC:.*]] = tensor.cast %[[G]]
  // CHECK: rope.rotate half thd ins(%[[GC]] : tensor<16x4x16xf32>)
  %s = shard.sharding @grid split_axes = [[], [], [0]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<16x4x16xf32>
  %e = tensor.empty() : tensor<16x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<16x4x16xf32>) outs(%e : tensor<16x4x16xf32>)
      positions(%pos : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  return %r : tensor<16x4x16xf32>
}

// -----

// Dynamic NTK takes all tokens: a token-split input is gathered first.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @dynamic_ntk
func.func @dynamic_ntk(%q: tensor<8x4x16xf32>, %pos: tensor<8xi64>) -> tensor<8x4x16xf32> {
  // CHECK: %[[G:.*]] = shard.all_gather %arg0 on @grid grid_axes = [0] gather_axis = 0 : tensor<4x4x16xf32> -> tensor<8x4x16xf32>
  // CHECK: %[[GC:.*]] = tensor.cast %[[G]]
  // CHECK: rope.rotate half thd ins(%[[GC]] : tensor<8x4x16xf32>) {{.*}} positions(%arg1 : tensor<8xi64>)
  %sh = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q_s = shard.shard %q to %sh : tensor<8x4x16xf32>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<8x4x16xf32>) outs(%e : tensor<8x4x16xf32>)
      positions(%pos : tensor<8xi64>)
      freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4>)
  return %r : tensor<8x4x16xf32>
}

// -----

// Multimodal RoPE over tokens: each process takes [3, its tokens].
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @mrope
// CHECK-SAME: (%[[Q:.*]]: tensor<4x4x16xf32>, %[[P:.*]]: tensor<3x4xi64>)
func.func @mrope(%q: tensor<8x4x16xf32>, %pos: tensor<3x8xi64>) -> tensor<8x4x16xf32> {
  // CHECK-NOT: shard.
  // CHECK: rope.rotate half thd ins(%[[Q]] : tensor<4x4x16xf32>) {{.*}} positions(%[[P]] : tensor<3x4xi64>)
  %sh = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q_s = shard.shard %q to %sh : tensor<8x4x16xf32>
  %ps = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding
  %p_s = shard.shard %pos to %ps : tensor<3x8xi64>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<8x4x16xf32>) outs(%e : tensor<8x4x16xf32>)
      positions(%p_s : tensor<3x8xi64>) freqs(#rope.default<base = 10000.0>)
      mrope_section = [4, 2, 2] mrope_interleaved
  %r_s = shard.shard %r to %sh : tensor<8x4x16xf32>
  return %r_s : tensor<8x4x16xf32>
}

// -----

// The decomposed form over a sequence split: rope.positions moves its
// offset, the tables follow their positions, frequencies and gathered
// tables stay whole.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @decomposed
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x4x16xf32>, %[[OFF:.*]]: index, %[[C:.*]]: tensor<64x8xf32>, %[[S:.*]]: tensor<64x8xf32>)
func.func @decomposed(%q: tensor<2x8x4x16xf32>, %off: index, %c: tensor<64x8xf32>,
                      %s: tensor<64x8xf32>) -> (tensor<2x8x4x16xf32>, tensor<2x8x4x16xf32>) {
  // CHECK: %[[I:.*]] = shard.process_multi_index on @grid axes = [0] : index
  // CHECK: %[[FIRST:.*]] = arith.muli %[[I]], %{{.*}} : index
  // CHECK: %[[O:.*]] = arith.addi %[[OFF]], %[[FIRST]] : index
  // CHECK: %[[P:.*]] = rope.positions offset(%[[O]]) outs(%{{.*}} : tensor<2x4xi64>)
  // CHECK: %[[F:.*]] = rope.inv_freq {{.*}} : tensor<8xf64>
  // CHECK: rope.cos_sin positions(%[[P]] : tensor<2x4xi64>) inv_freq(%[[F]] : tensor<8xf64>) outs({{.*}} : tensor<2x4x8xf32>, tensor<2x4x8xf32>)
  // CHECK: rope.apply half bshd ins(%[[Q]] : tensor<2x4x4x16xf32>)
  // CHECK: rope.gather positions(%[[P]] : tensor<2x4xi64>) tables(%[[C]], %[[S]] : tensor<64x8xf32>, tensor<64x8xf32>) outs({{.*}} : tensor<2x4x8xf32>, tensor<2x4x8xf32>)
  // CHECK: rope.apply half bshd ins(%[[Q]] : tensor<2x4x4x16xf32>)
  // CHECK-NOT: shard.all
  %sh = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding
  %q_s = shard.shard %q to %sh : tensor<2x8x4x16xf32>
  %e = tensor.empty() : tensor<2x8x4x16xf32>
  %pe = tensor.empty() : tensor<2x8xi64>
  %p = rope.positions offset(%off) outs(%pe : tensor<2x8xi64>)
  %f = rope.inv_freq freqs(#rope.default<base = 10000.0>) : tensor<8xf64>
  %te = tensor.empty() : tensor<2x8x8xf32>
  %cos, %sin = rope.cos_sin positions(%p : tensor<2x8xi64>) inv_freq(%f : tensor<8xf64>)
      outs(%te, %te : tensor<2x8x8xf32>, tensor<2x8x8xf32>)
  %r = rope.apply half bshd ins(%q_s : tensor<2x8x4x16xf32>) outs(%e : tensor<2x8x4x16xf32>)
      cos_sin(%cos, %sin : tensor<2x8x8xf32>, tensor<2x8x8xf32>)
  %gc, %gs = rope.gather positions(%p : tensor<2x8xi64>) tables(%c, %s : tensor<64x8xf32>, tensor<64x8xf32>)
      outs(%te, %te : tensor<2x8x8xf32>, tensor<2x8x8xf32>)
  %r2 = rope.apply half bshd ins(%q_s : tensor<2x8x4x16xf32>) outs(%e : tensor<2x8x4x16xf32>)
      cos_sin(%gc, %gs : tensor<2x8x8xf32>, tensor<2x8x8xf32>)
  %r_s = shard.shard %r to %sh : tensor<2x8x4x16xf32>
  %r2_s = shard.shard %r2 to %sh : tensor<2x8x4x16xf32>
  return %r_s, %r2_s : tensor<2x8x4x16xf32>, tensor<2x8x4x16xf32>
}

// -----

// A gathered cache that arrives split by rows is gathered whole first.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @cache_rows
// CHECK-SAME: %[[C:[^:]*]]: tensor<32x8xf32>, %[[S:[^:]*]]: tensor<32x8xf32>
func.func @cache_rows(%q: tensor<8x4x16xf32>, %pos: tensor<8xi64>, %c: tensor<64x8xf32>,
                      %s: tensor<64x8xf32>) -> tensor<8x4x16xf32> {
  // CHECK-DAG: %[[GS:.*]] = shard.all_gather %[[S]] on @grid grid_axes = [0] gather_axis = 0 : tensor<32x8xf32> -> tensor<64x8xf32>
  // CHECK-DAG: %[[GC:.*]] = shard.all_gather %[[C]] on @grid grid_axes = [0] gather_axis = 0 : tensor<32x8xf32> -> tensor<64x8xf32>
  // CHECK: rope.rotate half thd {{.*}} cache(%{{.*}}, %{{.*}} : tensor<64x8xf32>, tensor<64x8xf32>)
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %c_s = shard.shard %c to %rows : tensor<64x8xf32>
  %s_s = shard.shard %s to %rows : tensor<64x8xf32>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %r = rope.rotate half thd ins(%q : tensor<8x4x16xf32>) outs(%e : tensor<8x4x16xf32>)
      positions(%pos : tensor<8xi64>) cache(%c_s, %s_s : tensor<64x8xf32>, tensor<64x8xf32>)
  return %r : tensor<8x4x16xf32>
}

// -----

// Dynamic NTK frequencies read all positions: token-split positions are
// gathered for rope.inv_freq.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @inv_freq_positions
// CHECK-SAME: (%[[P:.*]]: tensor<4xi64>)
func.func @inv_freq_positions(%pos: tensor<8xi64>) -> tensor<8xf64> {
  // CHECK: %[[G:.*]] = shard.all_gather %[[P]] on @grid grid_axes = [0] gather_axis = 0 : tensor<4xi64> -> tensor<8xi64>
  // CHECK: %[[GC:.*]] = tensor.cast %[[G]]
  // CHECK: rope.inv_freq {{.*}} positions(%[[GC]] : tensor<8xi64>)
  %sh = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %p_s = shard.shard %pos to %sh : tensor<8xi64>
  %f = rope.inv_freq freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4>)
      positions(%p_s : tensor<8xi64>) : tensor<8xf64>
  return %f : tensor<8xf64>
}
