// RUN: rope-opt --split-input-file --pass-pipeline="builtin.module(func.func(sharding-propagation{traversal=forward-backward},shard-partition,cse,canonicalize))" %s | FileCheck %s

// Rope between matmuls as a tensor-parallel attention block writes it:
// column-parallel q/k/v projections (weights split by heads), rope on each
// process's heads, row-parallel output projection (its reduction over the
// heads is the block's one collective, after it). k and v leave as the
// process's part of the KV cache.
#x = affine_map<(t, h, d, c) -> (t, c)>
#w = affine_map<(t, h, d, c) -> (c, h, d)>
#o = affine_map<(t, h, d, c) -> (t, h, d)>
#a = affine_map<(t, n, h, d) -> (t, h, d)>
#b = affine_map<(t, n, h, d) -> (h, d, n)>
#y = affine_map<(t, n, h, d) -> (t, n)>
shard.grid @tp(shape = 4)
// CHECK-LABEL: func.func @tensor_parallel
// CHECK-SAME: %[[X:.*]]: tensor<16x64xf32>, %[[WQ:.*]]: tensor<64x2x16xf32>, %[[WK:.*]]: tensor<64x1x16xf32>, %[[WV:.*]]: tensor<64x1x16xf32>, %[[WO:.*]]: tensor<2x16x64xf32>, %[[P:.*]]: tensor<16xi64>
// CHECK-SAME: -> (tensor<16x64xf32>, tensor<16x1x16xf32>, tensor<16x1x16xf32>)
func.func @tensor_parallel(%x: tensor<16x64xf32>, %wq: tensor<64x8x16xf32>,
    %wk: tensor<64x4x16xf32>, %wv: tensor<64x4x16xf32>, %wo: tensor<8x16x64xf32>,
    %pos: tensor<16xi64>)
    -> (tensor<16x64xf32>, tensor<16x4x16xf32>, tensor<16x4x16xf32>) {
  // CHECK-NOT: shard.
  // CHECK: %[[Q:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[WQ]] : tensor<16x64xf32>, tensor<64x2x16xf32>)
  // CHECK-NOT: shard.
  // CHECK: %[[K:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[WK]] : tensor<16x64xf32>, tensor<64x1x16xf32>)
  // CHECK-NOT: shard.
  // CHECK: %[[V:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[WV]] : tensor<16x64xf32>, tensor<64x1x16xf32>)
  // CHECK-NOT: shard.
  // CHECK: %[[R:.*]]:2 = rope.rotate half thd ins(%[[Q]], %[[K]] : tensor<16x2x16xf32>, tensor<16x1x16xf32>) {{.*}} positions(%[[P]] : tensor<16xi64>)
  // CHECK-NOT: shard.
  // CHECK: %[[O:.*]] = linalg.generic {{.*}} ins(%[[R]]#0, %[[WO]] : tensor<16x2x16xf32>, tensor<2x16x64xf32>)
  // CHECK-NEXT: ^bb
  // CHECK: %[[Y:.*]] = shard.all_reduce %[[O]] on @tp grid_axes = [0] : tensor<16x64xf32> -> tensor<16x64xf32>
  // CHECK-NOT: shard.
  // CHECK: return %[[Y]], %[[R]]#1, %[[V]]
  %heads = shard.sharding @tp split_axes = [[], [0]] : !shard.sharding
  %wq_s = shard.shard %wq to %heads : tensor<64x8x16xf32>
  %wk_s = shard.shard %wk to %heads : tensor<64x4x16xf32>
  %wv_s = shard.shard %wv to %heads : tensor<64x4x16xf32>
  %rows = shard.sharding @tp split_axes = [[0]] : !shard.sharding
  %wo_s = shard.shard %wo to %rows : tensor<8x16x64xf32>
  %zero = arith.constant 0.0 : f32
  %eq = tensor.empty() : tensor<16x8x16xf32>
  %fq = linalg.fill ins(%zero : f32) outs(%eq : tensor<16x8x16xf32>) -> tensor<16x8x16xf32>
  %q = linalg.generic {indexing_maps = [#x, #w, #o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %wq_s : tensor<16x64xf32>, tensor<64x8x16xf32>) outs(%fq : tensor<16x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x8x16xf32>
  %ek = tensor.empty() : tensor<16x4x16xf32>
  %fk = linalg.fill ins(%zero : f32) outs(%ek : tensor<16x4x16xf32>) -> tensor<16x4x16xf32>
  %k = linalg.generic {indexing_maps = [#x, #w, #o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %wk_s : tensor<16x64xf32>, tensor<64x4x16xf32>) outs(%fk : tensor<16x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x4x16xf32>
  %v = linalg.generic {indexing_maps = [#x, #w, #o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %wv_s : tensor<16x64xf32>, tensor<64x4x16xf32>) outs(%fk : tensor<16x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x4x16xf32>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<16x8x16xf32>, tensor<16x4x16xf32>)
      outs(%eq, %ek : tensor<16x8x16xf32>, tensor<16x4x16xf32>)
      positions(%pos : tensor<16xi64>) freqs(#rope.default<base = 10000.0>)
  %ey = tensor.empty() : tensor<16x64xf32>
  %fy = linalg.fill ins(%zero : f32) outs(%ey : tensor<16x64xf32>) -> tensor<16x64xf32>
  %y = linalg.generic {indexing_maps = [#a, #b, #y],
      iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%q1, %wo_s : tensor<16x8x16xf32>, tensor<8x16x64xf32>) outs(%fy : tensor<16x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %kc = shard.shard %k1 to %heads : tensor<16x4x16xf32>
  %vc = shard.shard %v to %heads : tensor<16x4x16xf32>
  return %y, %kc, %vc : tensor<16x64xf32>, tensor<16x4x16xf32>, tensor<16x4x16xf32>
}

// -----

// The token-split (context-parallel) variant: activations split by tokens,
// weights replicated, positions implicit; each process rotates its tokens
// by their global positions. No collective anywhere.
#x = affine_map<(t, h, d, c) -> (t, c)>
#w = affine_map<(t, h, d, c) -> (c, h, d)>
#o = affine_map<(t, h, d, c) -> (t, h, d)>
#a = affine_map<(t, n, h, d) -> (t, h, d)>
#b = affine_map<(t, n, h, d) -> (h, d, n)>
#y = affine_map<(t, n, h, d) -> (t, n)>
shard.grid @cp(shape = 4)
// CHECK-LABEL: func.func @context_parallel
// CHECK-SAME: %[[X:.*]]: tensor<4x64xf32>, %[[WQ:.*]]: tensor<64x8x16xf32>, %[[WK:.*]]: tensor<64x4x16xf32>, %[[WO:.*]]: tensor<8x16x64xf32>, %[[OFF:.*]]: index
// CHECK-SAME: -> (tensor<4x64xf32>, tensor<4x4x16xf32>)
func.func @context_parallel(%x: tensor<16x64xf32>, %wq: tensor<64x8x16xf32>,
    %wk: tensor<64x4x16xf32>, %wo: tensor<8x16x64xf32>, %off: index)
    -> (tensor<16x64xf32>, tensor<16x4x16xf32>) {
  // CHECK-NOT: shard.all
  // CHECK: %[[I:.*]] = shard.process_multi_index on @cp axes = [0] : index
  // CHECK: %[[FIRST:.*]] = arith.muli %[[I]], %{{.*}} : index
  // CHECK: %[[POS0:.*]] = arith.addi %[[OFF]], %[[FIRST]] : index
  // CHECK: rope.rotate half thd ins(%{{.*}}, %{{.*}} : tensor<4x8x16xf32>, tensor<4x4x16xf32>) {{.*}} offset(%[[POS0]])
  // CHECK-NOT: shard.all
  // CHECK: return
  %tokens = shard.sharding @cp split_axes = [[0]] : !shard.sharding
  %x_s = shard.shard %x to %tokens : tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %eq = tensor.empty() : tensor<16x8x16xf32>
  %fq = linalg.fill ins(%zero : f32) outs(%eq : tensor<16x8x16xf32>) -> tensor<16x8x16xf32>
  %q = linalg.generic {indexing_maps = [#x, #w, #o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x_s, %wq : tensor<16x64xf32>, tensor<64x8x16xf32>) outs(%fq : tensor<16x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x8x16xf32>
  %ek = tensor.empty() : tensor<16x4x16xf32>
  %fk = linalg.fill ins(%zero : f32) outs(%ek : tensor<16x4x16xf32>) -> tensor<16x4x16xf32>
  %k = linalg.generic {indexing_maps = [#x, #w, #o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x_s, %wk : tensor<16x64xf32>, tensor<64x4x16xf32>) outs(%fk : tensor<16x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x4x16xf32>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<16x8x16xf32>, tensor<16x4x16xf32>)
      outs(%eq, %ek : tensor<16x8x16xf32>, tensor<16x4x16xf32>)
      offset(%off)
      freqs(#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0,
            high_freq_factor = 4.0, original_max_position = 8192>)
  %ey = tensor.empty() : tensor<16x64xf32>
  %fy = linalg.fill ins(%zero : f32) outs(%ey : tensor<16x64xf32>) -> tensor<16x64xf32>
  %y = linalg.generic {indexing_maps = [#a, #b, #y],
      iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%q1, %wo : tensor<16x8x16xf32>, tensor<8x16x64xf32>) outs(%fy : tensor<16x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %y_s = shard.shard %y to %tokens : tensor<16x64xf32>
  %k_s = shard.shard %k1 to %tokens : tensor<16x4x16xf32>
  return %y_s, %k_s : tensor<16x64xf32>, tensor<16x4x16xf32>
}
