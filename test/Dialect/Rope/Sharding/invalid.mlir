// RUN: rope-opt --split-input-file --verify-diagnostics --pass-pipeline="builtin.module(func.func(sharding-propagation{traversal=forward}))" %s

// Grouped-query attention: 2 key heads do not split over 4 processes with
// the 8 query heads.
shard.grid @grid(shape = 4)
func.func @gqa_uneven(%q: tensor<16x8x16xf32>, %k: tensor<16x2x16xf32>,
                      %pos: tensor<16xi64>) -> (tensor<16x8x16xf32>, tensor<16x2x16xf32>) {
  %s = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<16x8x16xf32>
  %eq = tensor.empty() : tensor<16x8x16xf32>
  %ek = tensor.empty() : tensor<16x2x16xf32>
  // expected-error@+2 {{'rope.rotate' op cannot split dimension 1 of operand #1 (size 2) evenly over 4 processes of grid @grid; with grouped-query attention the key/value head count must be a multiple of the process count of a head split}}
  // expected-error@+1 {{fail to get sharding option}}
  %q1, %k1 = rope.rotate half thd ins(%q_s, %k : tensor<16x8x16xf32>, tensor<16x2x16xf32>)
      outs(%eq, %ek : tensor<16x8x16xf32>, tensor<16x2x16xf32>)
      positions(%pos : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  return %q1, %k1 : tensor<16x8x16xf32>, tensor<16x2x16xf32>
}

// -----

// 6 tokens over 4 processes.
shard.grid @grid(shape = 4)
func.func @tokens_uneven(%q: tensor<6x4x16xf32>, %off: index) -> tensor<6x4x16xf32> {
  %s = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<6x4x16xf32>
  %e = tensor.empty() : tensor<6x4x16xf32>
  // expected-error@+2 {{cannot split dimension 0 of operand #0 (size 6) evenly over 4 processes}}
  // expected-error@+1 {{fail to get sharding option}}
  %r = rope.rotate half thd ins(%q_s : tensor<6x4x16xf32>) outs(%e : tensor<6x4x16xf32>)
      offset(%off) freqs(#rope.default<base = 10000.0>)
  return %r : tensor<6x4x16xf32>
}
