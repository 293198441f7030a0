// RUN: rope-opt %s -rope-decompose-rotate -canonicalize -rope-tile-and-fuse="token-tile=16 min-tiles=1" -rope-fuse-sibling-copies -canonicalize -cse -split-input-file | FileCheck %s

// k rotated into its cache, v (input data) copied into its cache: the copy
// runs in the rope op's token loop, into the cache slice.
// CHECK-LABEL: func @v_into_cache
// CHECK: %[[VS:.*]] = tensor.extract_slice %arg3[%arg4, 0, 0] [64, 2, 8]
// CHECK: %[[L:.*]]:2 = scf.forall (%[[T:.*]]) = (0) to (64) step (16) shared_outs(%{{.*}} = %{{.*}}, %[[O:.*]] = %[[VS]])
// CHECK:   rope.apply
// CHECK:   %[[VT:.*]] = tensor.extract_slice %arg1[%[[T]], 0, 0] [16, 2, 8]
// CHECK:   %[[OT:.*]] = tensor.extract_slice %[[O]][%[[T]], 0, 0] [16, 2, 8]
// CHECK:   linalg.copy {rope.lowering = #rope.lowering<role = copy>} ins(%[[VT]] : {{.*}}) outs(%[[OT]] : {{.*}})
// CHECK: } {rope.lowering
// CHECK: tensor.insert_slice %[[L]]#0 into %arg2
// CHECK: tensor.insert_slice %[[L]]#1 into %arg3[%arg4, 0, 0] [64, 2, 8]
func.func @v_into_cache(%k: tensor<64x2x8xf32>, %v: tensor<64x2x8xf32>, %kc: tensor<256x2x8xf32>, %vc: tensor<256x2x8xf32>, %off: index, %p: tensor<64xi64>) -> (tensor<256x2x8xf32>, tensor<256x2x8xf32>) {
  %e = tensor.empty() : tensor<64x2x8xf32>
  %k1 = rope.rotate half thd ins(%k : tensor<64x2x8xf32>) outs(%e : tensor<64x2x8xf32>)
      positions(%p : tensor<64xi64>) freqs(#rope.default<base = 10000.0>)
  %kc1 = tensor.insert_slice %k1 into %kc[%off, 0, 0] [64, 2, 8] [1, 1, 1] : tensor<64x2x8xf32> into tensor<256x2x8xf32>
  %vc1 = tensor.insert_slice %v into %vc[%off, 0, 0] [64, 2, 8] [1, 1, 1] : tensor<64x2x8xf32> into tensor<256x2x8xf32>
  return %kc1, %vc1 : tensor<256x2x8xf32>, tensor<256x2x8xf32>
}

// -----

// A computed value (not input data), a copy over other tokens, or one whose
// offset is computed after the loop: each stays a slice insertion.
// CHECK-LABEL: func @negative_not_copies
// CHECK: scf.forall
// CHECK-NOT: linalg.copy
// CHECK: tensor.insert_slice %{{.*}} into %arg3
// CHECK: tensor.insert_slice %arg1 into %arg3
// CHECK: tensor.insert_slice %arg0 into %arg3
func.func @negative_not_copies(%k: tensor<64x2x8xf32>, %v: tensor<32x2x8xf32>, %p: tensor<64xi64>, %vc: tensor<256x2x8xf32>) -> (tensor<64x2x8xf32>, tensor<256x2x8xf32>, tensor<256x2x8xf32>, tensor<256x2x8xf32>) {
  %e = tensor.empty() : tensor<64x2x8xf32>
  %k1 = rope.rotate half thd ins(%k : tensor<64x2x8xf32>) outs(%e : tensor<64x2x8xf32>)
      positions(%p : tensor<64xi64>) freqs(#rope.default<base = 10000.0>)
  %n = arith.negf %k : tensor<64x2x8xf32>
  %a = tensor.insert_slice %n into %vc[0, 0, 0] [64, 2, 8] [1, 1, 1] : tensor<64x2x8xf32> into tensor<256x2x8xf32>
  %b = tensor.insert_slice %v into %vc[0, 0, 0] [32, 2, 8] [1, 1, 1] : tensor<32x2x8xf32> into tensor<256x2x8xf32>
  %c0 = arith.constant 0 : index
  %x = tensor.extract %p[%c0] : tensor<64xi64>
  %o = arith.index_cast %x : i64 to index
  %c = tensor.insert_slice %k into %vc[%o, 0, 0] [64, 2, 8] [1, 1, 1] : tensor<64x2x8xf32> into tensor<256x2x8xf32>
  return %k1, %a, %b, %c : tensor<64x2x8xf32>, tensor<256x2x8xf32>, tensor<256x2x8xf32>, tensor<256x2x8xf32>
}
