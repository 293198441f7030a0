// RUN: rope-opt %s --rope-cpu-pipeline="llc-bytes=1" | mlir-runner -e main -entry-point-result=void -shared-libs=%llvm_lib_dir/libmlir_c_runner_utils.so,%llvm_lib_dir/libomp.so.5 | FileCheck %s

// Outputs above llc-bytes run the streaming-store version of the tile loop
// when the buffer is 64-byte aligned. Here the rope output is a view one
// float into an aligned allocation: its rows are not line aligned, so no
// store may be an aligned streaming store (one would fault). Positions 0:
// the output equals the input, first and last element.
// CHECK: 1
// CHECK-NEXT: 1
!V = memref<4096x2x64xf32, strided<[128, 64, 1], offset: 1>>
func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c63 = arith.constant 63 : index
  %c4095 = arith.constant 4095 : index
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0 : i64
  %a = memref.alloc() {alignment = 64 : i64} : memref<524416xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<524416xf32>
  %p = memref.alloc() : memref<4096xi64>
  linalg.fill ins(%one : f32) outs(%a : memref<524416xf32>)
  linalg.fill ins(%zero : i64) outs(%p : memref<4096xi64>)
  %va = memref.reinterpret_cast %a to offset: [1], sizes: [4096, 2, 64], strides: [128, 64, 1] : memref<524416xf32> to !V
  %vb = memref.reinterpret_cast %b to offset: [1], sizes: [4096, 2, 64], strides: [128, 64, 1] : memref<524416xf32> to !V
  %tx = bufferization.to_tensor %va restrict : !V to tensor<4096x2x64xf32>
  %tp = bufferization.to_tensor %p restrict : memref<4096xi64> to tensor<4096xi64>
  %to = bufferization.to_tensor %vb restrict writable : !V to tensor<4096x2x64xf32>
  %r = rope.rotate half thd ins(%tx : tensor<4096x2x64xf32>) outs(%to : tensor<4096x2x64xf32>)
      positions(%tp : tensor<4096xi64>) freqs(#rope.default<base = 10000.0>)
  bufferization.materialize_in_destination %r in restrict writable %vb : (tensor<4096x2x64xf32>, !V) -> ()
  %first = memref.load %vb[%c0, %c0, %c0] : !V
  %last = memref.load %vb[%c4095, %c1, %c63] : !V
  vector.print %first : f32
  vector.print %last : f32
  memref.dealloc %a : memref<524416xf32>
  memref.dealloc %b : memref<524416xf32>
  memref.dealloc %p : memref<4096xi64>
  return
}
