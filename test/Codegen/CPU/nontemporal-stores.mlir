// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=8 min-tiles=1},rope-bufferization-stage,func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=65536 max-rank-of-allocated-memref=3}),rope-nontemporal-stores{min-bytes=4096})" | FileCheck %s

// The token-tile loop is versioned: streaming stores when every output is
// 64-byte aligned and the outputs hold at least min-bytes (4096 here; the
// pipeline passes the target's L2 size), ordinary stores otherwise. The
// tables on the stack keep ordinary stores.
// CHECK-LABEL: func @f
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: %[[BIG:.*]] = arith.cmpi uge, %{{.*}}, %c4096 : index
// CHECK: %[[OK:.*]] = arith.andi %{{.*}}, %[[BIG]]
// CHECK: scf.if %[[OK]] {
// CHECK: scf.forall
// CHECK: vector.store {{.*}} {alignment = 32 : i64, nontemporal = true}
// CHECK: } else {
// CHECK: scf.forall
// CHECK-NOT: nontemporal
// CHECK: return
func.func @f(%x: tensor<?x2x64xf32>, %p: tensor<?xi64>) -> tensor<?x2x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x64xf32>
  %e = tensor.empty(%t) : tensor<?x2x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x2x64xf32>) outs(%e : tensor<?x2x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x2x64xf32>
}
