// RUN: rope-opt %s --rope-destination-results -split-input-file -verify-diagnostics | FileCheck %s

// Results become trailing memref arguments written by
// materialize_in_destination; a rope op computes straight into the buffer
// (its outs); a dynamic size is checked before the op writes it. The
// inputs are only read.
// CHECK-LABEL: func.func @f(
// CHECK-SAME: %[[X:.*]]: tensor<?x8x64xf32> {bufferization.writable = false}, %[[P:.*]]: tensor<?xi64> {bufferization.writable = false}, %[[OUT:.*]]: memref<?x8x64xf32>) {
// CHECK: %[[E:.*]] = tensor.empty
// CHECK: %[[D:.*]] = tensor.dim %[[E]], %{{.*}}
// CHECK: %[[B:.*]] = memref.dim %[[OUT]], %{{.*}}
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %[[D]], %[[B]]
// CHECK: cf.assert %[[EQ]], "result 0: the caller's output buffer has another size than the result"
// CHECK: %[[B:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: %[[Y:.*]] = rope.rotate half thd ins(%[[X]] : tensor<?x8x64xf32>) outs(%[[B]] : tensor<?x8x64xf32>)
// CHECK: bufferization.materialize_in_destination %[[Y]] in restrict writable %[[OUT]]
// CHECK: return{{$}}
func.func @f(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// The in-place spelling outs(%x): a rope op overwrites its whole init, so
// the caller's buffer replaces it too (not a copy of %x).
// CHECK-LABEL: func.func @in_place(
// CHECK-SAME: %[[X:.*]]: tensor<?x8x64xf32> {bufferization.writable = false}, %{{.*}}: tensor<?xi64> {{.*}}, %[[OUT:.*]]: memref<?x8x64xf32>)
// CHECK: %[[B:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: rope.rotate half thd ins(%[[X]] : tensor<?x8x64xf32>) outs(%[[B]] : tensor<?x8x64xf32>)
func.func @in_place(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%x : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}

// A cache with rows inserted (an update of the argument) stays a result,
// marked as the update of its argument (rope-drop-in-place-results drops it
// after bufferization), with no output of its own; the argument stays
// writable, the others are only read.
// CHECK-LABEL: func.func @cache(
// CHECK-SAME: %{{.*}}: tensor<2x4xf32> {bufferization.writable = false}, %[[C:[^:]*]]: tensor<8x4xf32>, %{{.*}}: index) -> (tensor<8x4xf32> {rope.in_place = 1 : i64})
// CHECK: %[[U:.*]] = tensor.insert_slice %{{.*}} into %[[C]]
// CHECK: return %[[U]] : tensor<8x4xf32>
func.func @cache(%k: tensor<2x4xf32>, %c: tensor<8x4xf32>, %o: index) -> tensor<8x4xf32> {
  %u = tensor.insert_slice %k into %c[%o, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<8x4xf32>
  return %u : tensor<8x4xf32>
}

// Private functions keep their results.
// CHECK-LABEL: func.func private @g(%{{.*}}: tensor<4xf32>) -> tensor<4xf32>
func.func private @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'func.func' op result of type 'f32' cannot be a caller-provided buffer: every result must be a ranked tensor}}
func.func @scalar(%x: f32) -> f32 {
  return %x : f32
}
