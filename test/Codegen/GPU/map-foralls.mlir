// RUN: rope-opt %s --rope-gpu-map-foralls -split-input-file -verify-diagnostics | FileCheck %s

// A block loop with a run-time trip count: a gpu.launch of that many
// blocks of 128 threads; its workgroup buffer an attribution; the thread
// loops on thread ids (the one of 16 iterations guarded), a barrier after
// each.
// CHECK-LABEL: func.func @blocks
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c128{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%[[WG:.*]] : memref<16xf32, #gpu.address_space<workgroup>>)
// CHECK-NOT: memref.alloc
// CHECK: %[[OFF:.*]] = arith.muli %[[BX]], %{{.*}} : index
// CHECK: %[[T:.*]] = arith.addi %{{.*}}, %[[OFF]] : index
// CHECK: scf.if
// CHECK: memref.store %{{.*}}, %[[WG]][%{{.*}}]
// CHECK: gpu.barrier
// CHECK: memref.load %[[WG]]
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[T]], %{{.*}}] : memref<?x128xf32>
// CHECK: gpu.barrier
// CHECK-NOT: scf.forall
func.func @blocks(%x: memref<?x128xf32>, %n: index) {
  %c15 = arith.constant 15 : index
  %one = arith.constant 1.0 : f32
  scf.forall (%t) in (%n) {
    %wg = memref.alloc() : memref<16xf32, #gpu.address_space<workgroup>>
    scf.forall (%i) in (16) {
      memref.store %one, %wg[%i] : memref<16xf32, #gpu.address_space<workgroup>>
    } {mapping = [#gpu.thread<linear_dim_0>]}
    scf.forall (%j) in (128) {
      %k = arith.andi %j, %c15 : index
      %v = memref.load %wg[%k] : memref<16xf32, #gpu.address_space<workgroup>>
      memref.store %v, %x[%t, %j] : memref<?x128xf32>
    } {mapping = [#gpu.thread<linear_dim_0>]}
    memref.dealloc %wg : memref<16xf32, #gpu.address_space<workgroup>>
  } {mapping = [#gpu.block<linear_dim_0>]}
  return
}

// -----

// More thread iterations than threads in a block: named.
func.func @too_many_threads(%x: memref<?x512xf32>, %n: index) {
  %one = arith.constant 1.0 : f32
  // expected-error @+1 {{could not map its thread loops to threads}}
  scf.forall (%t) in (%n) {
    // expected-error @+1 {{the number of required parallel resources (blocks or threads) 512 overflows the number of available resources 128}}
    scf.forall (%j) in (512) {
      memref.store %one, %x[%t, %j] : memref<?x512xf32>
    } {mapping = [#gpu.thread<linear_dim_0>]}
  } {mapping = [#gpu.block<linear_dim_0>]}
  return
}
