// RUN: rope-opt --split-input-file --verify-diagnostics --pass-pipeline="builtin.module(func.func(shard-partition))" %s

// Shardings given to shard-partition directly (no propagation) that split
// what a rotation cannot.

shard.grid @grid(shape = 2)
func.func @head_dim(%q: tensor<16x4x16xf32>, %pos: tensor<16xi64>) -> tensor<16x4x16xf32> {
  %s = shard.sharding @grid split_axes = [[], [], [0]] : !shard.sharding
  %r0 = shard.sharding @grid split_axes = [[]] : !shard.sharding
  %q0 = shard.shard %q to %s : tensor<16x4x16xf32>
  %q_s = shard.shard %q0 to %s annotate_for_users : tensor<16x4x16xf32>
  %e = tensor.empty() : tensor<16x4x16xf32>
  %e0 = shard.shard %e to %s : tensor<16x4x16xf32>
  %e_s = shard.shard %e0 to %s annotate_for_users : tensor<16x4x16xf32>
  %p0 = shard.shard %pos to %r0 : tensor<16xi64>
  %p_s = shard.shard %p0 to %r0 annotate_for_users : tensor<16xi64>
  // expected-error@+1 {{'rope.rotate' op cannot be partitioned along head_dim (the rotary pairs); reshard that dimension to replicated}}
  %r = rope.rotate half thd ins(%q_s : tensor<16x4x16xf32>) outs(%e_s : tensor<16x4x16xf32>)
      positions(%p_s : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  %r_s = shard.shard %r to %s : tensor<16x4x16xf32>
  return %r_s : tensor<16x4x16xf32>
}

// -----

shard.grid @grid(shape = 3)
func.func @mrope_axes(%q: tensor<8x4x16xf32>, %pos: tensor<3x8xi64>) -> tensor<8x4x16xf32> {
  %r0 = shard.sharding @grid split_axes = [[]] : !shard.sharding
  %a = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q0 = shard.shard %q to %r0 : tensor<8x4x16xf32>
  %q_s = shard.shard %q0 to %r0 annotate_for_users : tensor<8x4x16xf32>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %e0 = shard.shard %e to %r0 : tensor<8x4x16xf32>
  %e_s = shard.shard %e0 to %r0 annotate_for_users : tensor<8x4x16xf32>
  %p0 = shard.shard %pos to %a : tensor<3x8xi64>
  %p_s = shard.shard %p0 to %a annotate_for_users : tensor<3x8xi64>
  // expected-error@+1 {{'rope.rotate' op cannot be partitioned along the position axes of multimodal RoPE; reshard that dimension to replicated}}
  %r = rope.rotate half thd ins(%q_s : tensor<8x4x16xf32>) outs(%e_s : tensor<8x4x16xf32>)
      positions(%p_s : tensor<3x8xi64>) freqs(#rope.default<base = 10000.0>)
      mrope_section = [4, 2, 2]
  %r_s = shard.shard %r to %r0 : tensor<8x4x16xf32>
  return %r_s : tensor<8x4x16xf32>
}

// -----

// Implicit positions over a sequence of dynamic size: a process's first
// token is not known to be i * (its own size).
shard.grid @grid(shape = 4)
func.func @dynamic_sequence(%q: tensor<?x4x16xf32>, %e: tensor<?x4x16xf32>, %off: index) -> tensor<?x4x16xf32> {
  %s = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q0 = shard.shard %q to %s : tensor<?x4x16xf32>
  %q_s = shard.shard %q0 to %s annotate_for_users : tensor<?x4x16xf32>
  %e0 = shard.shard %e to %s : tensor<?x4x16xf32>
  %e_s = shard.shard %e0 to %s annotate_for_users : tensor<?x4x16xf32>
  // expected-error@+1 {{'rope.rotate' op cannot move the implicit positions (offset) of a sequence of dynamic size split over processes: give the sequence a static size or the op explicit positions}}
  %r = rope.rotate half thd ins(%q_s : tensor<?x4x16xf32>) outs(%e_s : tensor<?x4x16xf32>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  %r_s = shard.shard %r to %s : tensor<?x4x16xf32>
  return %r_s : tensor<?x4x16xf32>
}

// -----

// A gathered cache split by rows: each process would gather rows of its own part.
shard.grid @grid(shape = 2)
func.func @cache_split(%q: tensor<8x4x16xf32>, %pos: tensor<8xi64>, %c: tensor<64x8xf32>, %s: tensor<64x8xf32>) -> tensor<8x4x16xf32> {
  %r0 = shard.sharding @grid split_axes = [[]] : !shard.sharding
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q0 = shard.shard %q to %r0 : tensor<8x4x16xf32>
  %q_s = shard.shard %q0 to %r0 annotate_for_users : tensor<8x4x16xf32>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %e0 = shard.shard %e to %r0 : tensor<8x4x16xf32>
  %e_s = shard.shard %e0 to %r0 annotate_for_users : tensor<8x4x16xf32>
  %p0 = shard.shard %pos to %r0 : tensor<8xi64>
  %p_s = shard.shard %p0 to %r0 annotate_for_users : tensor<8xi64>
  %c0 = shard.shard %c to %rows : tensor<64x8xf32>
  %c_s = shard.shard %c0 to %rows annotate_for_users : tensor<64x8xf32>
  %s0 = shard.shard %s to %rows : tensor<64x8xf32>
  %s_s = shard.shard %s0 to %rows annotate_for_users : tensor<64x8xf32>
  // expected-error@+1 {{'rope.rotate' op cannot be partitioned along dimension 0 of operand #3, which it uses whole}}
  %r = rope.rotate half thd ins(%q_s : tensor<8x4x16xf32>) outs(%e_s : tensor<8x4x16xf32>)
      positions(%p_s : tensor<8xi64>) cache(%c_s, %s_s : tensor<64x8xf32>, tensor<64x8xf32>)
  %r_s = shard.shard %r to %r0 : tensor<8x4x16xf32>
  return %r_s : tensor<8x4x16xf32>
}

// -----

// Full-width tables split along their width.
shard.grid @grid(shape = 2)
func.func @apply_width(%q: tensor<8x4x16xf32>, %c: tensor<8x16xf32>, %s: tensor<8x16xf32>) -> tensor<8x4x16xf32> {
  %r0 = shard.sharding @grid split_axes = [[]] : !shard.sharding
  %w = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding
  %q0 = shard.shard %q to %r0 : tensor<8x4x16xf32>
  %q_s = shard.shard %q0 to %r0 annotate_for_users : tensor<8x4x16xf32>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %e0 = shard.shard %e to %r0 : tensor<8x4x16xf32>
  %e_s = shard.shard %e0 to %r0 annotate_for_users : tensor<8x4x16xf32>
  %c0 = shard.shard %c to %w : tensor<8x16xf32>
  %c_s = shard.shard %c0 to %w annotate_for_users : tensor<8x16xf32>
  %s0 = shard.shard %s to %w : tensor<8x16xf32>
  %s_s = shard.shard %s0 to %w annotate_for_users : tensor<8x16xf32>
  // expected-error@+1 {{'rope.apply' op cannot be partitioned along dimension 1 of operand #2, which it uses whole}}
  %r = rope.apply interleaved thd ins(%q_s : tensor<8x4x16xf32>) outs(%e_s : tensor<8x4x16xf32>)
      cos_sin(%c_s, %s_s : tensor<8x16xf32>, tensor<8x16xf32>)
  %r_s = shard.shard %r to %r0 : tensor<8x4x16xf32>
  return %r_s : tensor<8x4x16xf32>
}

// -----

// Uneven split (sharded_dims_offsets): the first token of a process is not i * its size.
shard.grid @grid(shape = 2)
func.func @uneven_offsets(%q: tensor<16x4x16xf32>, %off: index) -> tensor<16x4x16xf32> {
  %s = shard.sharding @grid split_axes = [[0]] sharded_dims_offsets = [0, 4, 16] : !shard.sharding
  %q0 = shard.shard %q to %s : tensor<16x4x16xf32>
  %q_s = shard.shard %q0 to %s annotate_for_users : tensor<16x4x16xf32>
  %e = tensor.empty() : tensor<16x4x16xf32>
  %e0 = shard.shard %e to %s : tensor<16x4x16xf32>
  %e_s = shard.shard %e0 to %s annotate_for_users : tensor<16x4x16xf32>
  // expected-error@+1 {{'rope.rotate' op takes even splits only: operand #0 has sharded_dims_offsets or halo_sizes; reshard it to an even split}}
  %r = rope.rotate half thd ins(%q_s : tensor<16x4x16xf32>) outs(%e_s : tensor<16x4x16xf32>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  %r_s = shard.shard %r to %s : tensor<16x4x16xf32>
  return %r_s : tensor<16x4x16xf32>
}

// -----

// Halos: a process's rows start before its first own token.
shard.grid @grid(shape = 2)
func.func @halo(%q: tensor<16x4x16xf32>, %off: index) -> tensor<16x4x16xf32> {
  %s = shard.sharding @grid split_axes = [[0]] halo_sizes = [1, 1] : !shard.sharding
  %q0 = shard.shard %q to %s : tensor<16x4x16xf32>
  %q_s = shard.shard %q0 to %s annotate_for_users : tensor<16x4x16xf32>
  %e = tensor.empty() : tensor<16x4x16xf32>
  %e0 = shard.shard %e to %s : tensor<16x4x16xf32>
  %e_s = shard.shard %e0 to %s annotate_for_users : tensor<16x4x16xf32>
  // expected-error@+1 {{'rope.rotate' op takes even splits only: operand #0 has sharded_dims_offsets or halo_sizes}}
  %r = rope.rotate half thd ins(%q_s : tensor<16x4x16xf32>) outs(%e_s : tensor<16x4x16xf32>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  %r_s = shard.shard %r to %s : tensor<16x4x16xf32>
  return %r_s : tensor<16x4x16xf32>
}
