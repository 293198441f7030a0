// RUN: rope-opt --split-input-file --pass-pipeline="builtin.module(func.func(sharding-propagation{traversal=forward-backward},cse))" %s | FileCheck %s

// Heads split for q (8 heads) carries over to k (4 heads, GQA): one head
// loop, each process gets 4 q heads and the 2 k heads of their groups.
// Positions, indexed by token, are replicated.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @heads
func.func @heads(%q: tensor<16x8x16xf32>, %k: tensor<16x4x16xf32>,
                 %pos: tensor<16xi64>) -> (tensor<16x8x16xf32>, tensor<16x4x16xf32>) {
  // CHECK-DAG: %[[H:.*]] = shard.sharding @grid split_axes = {{\[\[}}], [0]] : !shard.sharding
  // CHECK-DAG: %[[R:.*]] = shard.sharding @grid split_axes = {{\[\[}}]] : !shard.sharding
  // CHECK-DAG: %[[Q:.*]] = shard.shard %{{.*}} to %[[H]] annotate_for_users : tensor<16x8x16xf32>
  // CHECK-DAG: %[[K:.*]] = shard.shard %arg1 to %[[H]] annotate_for_users : tensor<16x4x16xf32>
  // CHECK-DAG: %[[P:.*]] = shard.shard %arg2 to %[[R]] annotate_for_users : tensor<16xi64>
  // CHECK: rope.rotate half thd ins(%[[Q]], %[[K]] : {{.*}} positions(%[[P]] : tensor<16xi64>)
  // CHECK-DAG: shard.shard %{{.*}}#0 to %[[H]] : tensor<16x8x16xf32>
  // CHECK-DAG: shard.shard %{{.*}}#1 to %[[H]] : tensor<16x4x16xf32>
  %s = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<16x8x16xf32>
  %eq = tensor.empty() : tensor<16x8x16xf32>
  %ek = tensor.empty() : tensor<16x4x16xf32>
  %q1, %k1 = rope.rotate half thd ins(%q_s, %k : tensor<16x8x16xf32>, tensor<16x4x16xf32>)
      outs(%eq, %ek : tensor<16x8x16xf32>, tensor<16x4x16xf32>)
      positions(%pos : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  return %q1, %k1 : tensor<16x8x16xf32>, tensor<16x4x16xf32>
}

// -----

// A split of head_dim is not taken: the op asks for its input replicated
// along head_dim (a resharding), and its result is replicated.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @head_dim
func.func @head_dim(%q: tensor<16x4x16xf32>, %pos: tensor<16xi64>) -> tensor<16x4x16xf32> {
  // CHECK: %[[D:.*]] = shard.sharding @grid split_axes = {{\[\[}}], [], [0]] : !shard.sharding
  // CHECK: %[[QD:.*]] = shard.shard %arg0 to %[[D]] : tensor<16x4x16xf32>
  // CHECK: %[[R:.*]] = shard.sharding @grid split_axes = {{\[\[}}]] : !shard.sharding
  // CHECK: %[[Q:.*]] = shard.shard %[[QD]] to %[[R]] annotate_for_users : tensor<16x4x16xf32>
  // CHECK: %[[Y:.*]] = rope.rotate half thd ins(%[[Q]] :
  // CHECK: shard.shard %[[Y]] to %[[R]] : tensor<16x4x16xf32>
  %s = shard.sharding @grid split_axes = [[], [], [0]] : !shard.sharding
  %q_s = shard.shard %q to %s : tensor<16x4x16xf32>
  %e = tensor.empty() : tensor<16x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<16x4x16xf32>) outs(%e : tensor<16x4x16xf32>)
      positions(%pos : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  return %r : tensor<16x4x16xf32>
}

// -----

// Sequence split in bshd: positions split with the tokens, the cos/sin
// cache (gathered by position) replicated.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @gathered_cache
func.func @gathered_cache(%q: tensor<2x8x4x16xf32>, %pos: tensor<2x8xi64>,
                          %c: tensor<64x8xf32>, %s: tensor<64x8xf32>) -> tensor<2x8x4x16xf32> {
  // CHECK-DAG: %[[S:.*]] = shard.sharding @grid split_axes = {{\[\[}}], [0]] : !shard.sharding
  // CHECK-DAG: %[[R:.*]] = shard.sharding @grid split_axes = {{\[\[}}]] : !shard.sharding
  // CHECK-DAG: %[[P:.*]] = shard.shard %arg1 to %[[S]] annotate_for_users : tensor<2x8xi64>
  // CHECK-DAG: %[[C:.*]] = shard.shard %arg2 to %[[R]] annotate_for_users : tensor<64x8xf32>
  // CHECK-DAG: %[[SN:.*]] = shard.shard %arg3 to %[[R]] annotate_for_users : tensor<64x8xf32>
  // CHECK: rope.rotate half bshd {{.*}} positions(%[[P]] : tensor<2x8xi64>) cache(%[[C]], %[[SN]] :
  %sh = shard.sharding @grid split_axes = [[], [0]] : !shard.sharding
  %q_s = shard.shard %q to %sh : tensor<2x8x4x16xf32>
  %e = tensor.empty() : tensor<2x8x4x16xf32>
  %r = rope.rotate half bshd ins(%q_s : tensor<2x8x4x16xf32>) outs(%e : tensor<2x8x4x16xf32>)
      positions(%pos : tensor<2x8xi64>) cache(%c, %s : tensor<64x8xf32>, tensor<64x8xf32>)
  return %r : tensor<2x8x4x16xf32>
}

// -----

// A per-token cache (no positions) is split with the tokens; its width is
// whole.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @per_token_cache
func.func @per_token_cache(%q: tensor<8x4x16xf32>, %c: tensor<8x8xf32>,
                           %s: tensor<8x8xf32>) -> tensor<8x4x16xf32> {
  // CHECK-DAG: %[[T:.*]] = shard.sharding @grid split_axes = {{\[\[}}0]] : !shard.sharding
  // CHECK-DAG: %[[C:.*]] = shard.shard %arg1 to %[[T]] annotate_for_users : tensor<8x8xf32>
  // CHECK-DAG: %[[SN:.*]] = shard.shard %arg2 to %[[T]] annotate_for_users : tensor<8x8xf32>
  // CHECK: rope.rotate half thd {{.*}} cache(%[[C]], %[[SN]] :
  %sh = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q_s = shard.shard %q to %sh : tensor<8x4x16xf32>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<8x4x16xf32>) outs(%e : tensor<8x4x16xf32>)
      cache(%c, %s : tensor<8x8xf32>, tensor<8x8xf32>)
  return %r : tensor<8x4x16xf32>
}

// -----

// Multimodal RoPE: the token split moves to dim 1 of the [3, tokens]
// positions; the position axes stay whole.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @mrope
func.func @mrope(%q: tensor<8x4x16xf32>, %pos: tensor<3x8xi64>) -> tensor<8x4x16xf32> {
  // CHECK-DAG: %[[P:.*]] = shard.sharding @grid split_axes = {{\[\[}}], [0]] : !shard.sharding
  // CHECK-DAG: %[[PS:.*]] = shard.shard %arg1 to %[[P]] annotate_for_users : tensor<3x8xi64>
  // CHECK: rope.rotate half thd {{.*}} positions(%[[PS]] : tensor<3x8xi64>)
  %sh = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q_s = shard.shard %q to %sh : tensor<8x4x16xf32>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<8x4x16xf32>) outs(%e : tensor<8x4x16xf32>)
      positions(%pos : tensor<3x8xi64>) freqs(#rope.default<base = 10000.0>)
      mrope_section = [4, 2, 2] mrope_interleaved
  return %r : tensor<8x4x16xf32>
}

// -----

// Dynamic NTK reads max(positions): a token split would give each process
// its own frequencies, so the op takes its tokens whole (resharding).
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @dynamic_ntk
func.func @dynamic_ntk(%q: tensor<8x4x16xf32>, %pos: tensor<8xi64>) -> tensor<8x4x16xf32> {
  // CHECK-DAG: %[[R:.*]] = shard.sharding @grid split_axes = {{\[\[}}]] : !shard.sharding
  // CHECK-DAG: %[[P:.*]] = shard.shard %arg1 to %[[R]] annotate_for_users : tensor<8xi64>
  // CHECK: %[[Y:.*]] = rope.rotate half thd {{.*}} positions(%[[P]] : tensor<8xi64>)
  // CHECK: shard.shard %[[Y]] to %[[R]] : tensor<8x4x16xf32>
  %sh = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %q_s = shard.shard %q to %sh : tensor<8x4x16xf32>
  %e = tensor.empty() : tensor<8x4x16xf32>
  %r = rope.rotate half thd ins(%q_s : tensor<8x4x16xf32>) outs(%e : tensor<8x4x16xf32>)
      positions(%pos : tensor<8xi64>)
      freqs(#rope.dynamic_ntk<base = 10000.0, factor = 2.0, original_max_position = 4>)
  return %r : tensor<8x4x16xf32>
}

// -----

// The decomposed form: the table ops take the token split of their
// positions, the frequencies and the gathered tables stay replicated.
shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @decomposed
func.func @decomposed(%q: tensor<2x8x4x16xf32>, %off: index, %c: tensor<64x8xf32>,
                      %s: tensor<64x8xf32>) -> (tensor<2x8x4x16xf32>, tensor<2x8x4x16xf32>) {
  // CHECK: %[[S:.*]] = shard.sharding @grid split_axes = {{\[\[}}], [0]] : !shard.sharding
  // CHECK: %[[P:.*]] = rope.positions offset(%arg1)
  // CHECK: shard.shard %[[P]] to %[[S]] : tensor<2x8xi64>
  // CHECK: %[[F:.*]] = rope.inv_freq
  // CHECK: %[[R:.*]] = shard.sharding @grid split_axes = {{\[\[}}]] : !shard.sharding
  // CHECK: shard.shard %[[F]] to %[[R]] : tensor<8xf64>
  // CHECK: %[[COS:.*]], %[[SIN:.*]] = rope.cos_sin
  // CHECK-DAG: shard.shard %[[SIN]] to %[[S]] : tensor<2x8x8xf32>
  // CHECK-DAG: shard.shard %[[COS]] to %[[S]] : tensor<2x8x8xf32>
  // CHECK: rope.apply half bshd
  // CHECK-DAG: shard.shard %arg2 to %[[R]] annotate_for_users : tensor<64x8xf32>
  // CHECK-DAG: shard.shard %arg3 to %[[R]] annotate_for_users : tensor<64x8xf32>
  // CHECK: %[[GC:.*]], %[[GS:.*]] = rope.gather
  // CHECK-DAG: shard.shard %[[GS]] to %[[S]] : tensor<2x8x8xf32>
  // CHECK-DAG: shard.shard %[[GC]] to %[[S]] : tensor<2x8x8xf32>
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
  return %r, %r2 : tensor<2x8x4x16xf32>, tensor<2x8x4x16xf32>
}
