// RUN: rope-opt %s --rope-align-workgroup-memory | FileCheck %s
// RUN: rope-opt %s --rope-align-workgroup-memory=alignment=64 | FileCheck %s --check-prefix=A64

// Workgroup attributions get at least the alignment; a larger one stays.
// CHECK-LABEL: gpu.func @kernel
// CHECK-SAME: workgroup(%{{.*}} : memref<32xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 32 : i64})
// A64-LABEL: gpu.func @kernel
// A64-SAME: {llvm.align = 64 : i64}, %{{.*}} : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 64 : i64})
gpu.module @kernels {
  gpu.func @kernel(%a: memref<32xf32>)
      workgroup(%w: memref<32xf32, #gpu.address_space<workgroup>>,
                %v: memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 32 : i64})
      kernel {
    gpu.return
  }
}
