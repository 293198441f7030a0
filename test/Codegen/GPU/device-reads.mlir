// RUN: rope-opt %s --rope-gpu-device-reads -split-input-file -verify-diagnostics | FileCheck %s

// A cache offset read out of a device buffer and used only by the kernel:
// the load and its index arithmetic move into the launch, none is left on
// the host.
// CHECK-LABEL: func.func @offset
// CHECK-NOT: memref.load
// CHECK: gpu.launch
// CHECK: %[[O:.*]] = memref.load %arg1[%{{.*}}] : memref<1xi64>
// CHECK: %[[I:.*]] = arith.index_cast %[[O]] : i64 to index
// CHECK: %[[R:.*]] = arith.addi %[[I]], %{{.*}} : index
// CHECK: memref.store %{{.*}}, %arg0[%[[R]]] : memref<64xf32>
func.func @offset(%cache: memref<64xf32>, %offs: memref<1xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = arith.constant 1.0 : f32
  %o64 = memref.load %offs[%c0] : memref<1xi64>
  %o = arith.index_cast %o64 : i64 to index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %r = arith.addi %o, %bx : index
    memref.store %v, %cache[%r] : memref<64xf32>
    gpu.terminator
  }
  return
}

// -----

// The host needs the value (a grid size): an error naming the read and its
// host use.
func.func @grid(%offs: memref<1xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+2 {{'memref.load' op reads device memory on the host}}
  // expected-note @+1 {{pass the value as a scalar argument}}
  %n64 = memref.load %offs[%c0] : memref<1xi64>
  // expected-note @+1 {{used here on the host}}
  %n = arith.index_cast %n64 : i64 to index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    gpu.terminator
  }
  return
}
