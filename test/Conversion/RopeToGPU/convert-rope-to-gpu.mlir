// RUN: rope-opt %s --convert-rope-to-gpu | FileCheck %s
// RUN: rope-opt %s --convert-rope-to-gpu=block-size=64 | FileCheck %s --check-prefix=B64

// One gpu.launch per rope.rotate: a block per token (and work group), the
// token's cos/sin computed once into workgroup memory, a barrier, then
// 16-byte vectors of the heads; the result in a gpu.alloc buffer, the
// dynamic sizes checked on the host first.
// CHECK-LABEL: func.func @rotate
// CHECK: cf.assert
// CHECK: %[[OUT:.*]] = gpu.alloc
// CHECK: gpu.launch blocks({{.*}}) threads({{.*}}) in (%{{.*}} = %c128{{.*}}) workgroup(%[[COS:.*]] : memref<32xf32, #gpu.address_space<workgroup>>, %[[SIN:.*]] : memref<32xf32, #gpu.address_space<workgroup>>)
// CHECK: memref.store {{.*}}, %[[COS]]
// CHECK: gpu.barrier
// CHECK: vector.load %[[COS]]{{.*}} vector<4xf32>
// CHECK-NOT: rope.rotate
// B64: threads({{.*}}) in (%{{.*}} = %c64
func.func @rotate(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}
