// RUN: rope-opt %s --rope-gpu-native-intrinsics | FileCheck %s

// The intrinsics convert-gpu-to-nvvm would send to libdevice (and cannot,
// for vectors) as intrinsic calls NVPTX lowers itself; others untouched.
// CHECK-LABEL: llvm.func @norm
// CHECK: llvm.call_intrinsic "llvm.sqrt"(%{{.*}}) {fastmathFlags = #llvm.fastmath<afn>} : (vector<4xf32>) -> vector<4xf32>
// CHECK: llvm.call_intrinsic "llvm.sqrt"(%{{.*}}) : (f64) -> f64
// CHECK: llvm.call_intrinsic "llvm.fabs"(%{{.*}}) : (bf16) -> bf16
// CHECK: llvm.call_intrinsic "llvm.copysign"(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK: llvm.intr.fma
// CHECK-NOT: llvm.intr.sqrt
llvm.func @norm(%v: vector<4xf32>, %d: f64, %h: bf16, %a: f32, %b: f32) -> f32 {
  %0 = llvm.intr.sqrt(%v) {fastmathFlags = #llvm.fastmath<afn>} : (vector<4xf32>) -> vector<4xf32>
  %1 = llvm.intr.sqrt(%d) : (f64) -> f64
  %2 = llvm.intr.fabs(%h) : (bf16) -> bf16
  %3 = llvm.intr.copysign(%a, %b) : (f32, f32) -> f32
  %4 = llvm.intr.fma(%a, %b, %3) : (f32, f32, f32) -> f32
  llvm.return %4 : f32
}
