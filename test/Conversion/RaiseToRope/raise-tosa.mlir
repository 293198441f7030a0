// RoPE written in TOSA, lowered by upstream tosa-to-linalg: the rotation is
// raised (cos/sin [1, S, 1, D] broadcast over the heads: bshd).
// RUN: mlir-opt %s --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith,tosa-to-tensor),canonicalize)" | rope-opt --rope-raise | FileCheck %s

// CHECK-LABEL: func.func @rope
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x8x4x64xf32>, %[[C:[^:]*]]: tensor<1x8x1x64xf32>, %[[S:[^:]*]]: tensor<1x8x1x64xf32>
// CHECK: rope.apply half bshd ins(%[[X]] : tensor<1x8x4x64xf32>)
// CHECK-NOT: tensor.insert_slice
func.func @rope(%x: tensor<1x8x4x64xf32>, %cos: tensor<1x8x1x64xf32>, %sin: tensor<1x8x1x64xf32>) -> tensor<1x8x4x64xf32> {
  %start0 = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %start1 = tosa.const_shape {values = dense<[0, 0, 0, 32]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 8, 4, 32]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %x1 = tosa.slice %x, %start0, %size : (tensor<1x8x4x64xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x8x4x32xf32>
  %x2 = tosa.slice %x, %start1, %size : (tensor<1x8x4x64xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x8x4x32xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %n = tosa.negate %x2, %zp, %zp : (tensor<1x8x4x32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x4x32xf32>
  %r = tosa.concat %n, %x1 {axis = 3 : i32} : (tensor<1x8x4x32xf32>, tensor<1x8x4x32xf32>) -> tensor<1x8x4x64xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %a = tosa.mul %x, %cos, %shift : (tensor<1x8x4x64xf32>, tensor<1x8x1x64xf32>, tensor<1xi8>) -> tensor<1x8x4x64xf32>
  %b = tosa.mul %r, %sin, %shift : (tensor<1x8x4x64xf32>, tensor<1x8x1x64xf32>, tensor<1xi8>) -> tensor<1x8x4x64xf32>
  %y = tosa.add %a, %b : (tensor<1x8x4x64xf32>, tensor<1x8x4x64xf32>) -> tensor<1x8x4x64xf32>
  return %y : tensor<1x8x4x64xf32>
}
