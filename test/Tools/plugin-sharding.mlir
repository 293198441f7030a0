// Debian's stock mlir-opt with the plugin partitions rope ops: the dialect
// half registers their sharding models (docs/scale-out.md).
// UNSUPPORTED: sanitized
// RUN: mlir-opt %s --load-dialect-plugin=%rope_plugin --pass-pipeline="builtin.module(func.func(sharding-propagation{traversal=forward-backward},shard-partition))" | FileCheck %s

// CHECK-LABEL: func.func @heads(%arg0: tensor<16x4x16xf32>, %arg1: tensor<16x2x16xf32>, %arg2: tensor<16xi64>) -> (tensor<16x4x16xf32>, tensor<16x2x16xf32>)
// CHECK: rope.rotate half thd ins(%arg0, %arg1 : tensor<16x4x16xf32>, tensor<16x2x16xf32>)
shard.grid @grid(shape = 2)
func.func @heads(%q: tensor<16x8x16xf32>, %k: tensor<16x4x16xf32>, %pos: tensor<16xi64>)
    -> (tensor<16x8x16xf32>, tensor<16x4x16xf32>) {
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
