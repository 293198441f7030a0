// RUN: rope-opt %s -rope-sequential-single-tile | FileCheck %s

// The forall stays parallel when it has more than one iteration; with one,
// the same body runs as an scf.for.
// CHECK-LABEL: func @tiles
// CHECK-SAME: (%[[M:.*]]: memref<?xf32>, %[[N:.*]]: index)
// CHECK: %[[T:.*]] = arith.ceildivsi
// CHECK: %[[NT:.*]] = arith.maxsi %[[T]], %c0
// CHECK: %[[MANY:.*]] = arith.cmpi sgt, %[[NT]], %c1
// CHECK: scf.if %[[MANY]] {
// CHECK: scf.forall (%{{.*}}) = (0) to (%[[N]]) step (16)
// CHECK: memref.store
// CHECK: } else {
// CHECK-NOT: scf.forall
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK: memref.store
func.func @tiles(%m: memref<?xf32>, %n: index) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%i) = (0) to (%n) step (16) {
    memref.store %cst, %m[%i] : memref<?xf32>
  }
  return
}
