// RUN: rope-opt %s --rope-gpu-tile-to-threads -split-input-file -verify-diagnostics | FileCheck %s

// A token tile's elementwise op over 128 threads: 8 bf16 (16 bytes) of the
// contiguous dimension a thread, so 16 threads along it, and the 32 rows
// over the 8 threads left, four rows a thread; vectorized.
// CHECK-LABEL: func.func @token_tile
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (32, 128) step (4, 8)
// CHECK: vector.transfer_read {{.*}} vector<4x8xbf16>
// CHECK: arith.mulf {{.*}} : vector<4x8xbf16>
// CHECK: } {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
// CHECK: } {mapping = [#gpu.block<linear_dim_0>]}
#id = affine_map<(t, h, d) -> (t, h, d)>
func.func @token_tile(%x: tensor<?x32x128xbf16>, %init: tensor<?x32x128xbf16>) -> tensor<?x32x128xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x32x128xbf16>
  %r = scf.forall (%i) in (%t) shared_outs(%o = %init) -> tensor<?x32x128xbf16> {
    %xs = tensor.extract_slice %x[%i, 0, 0] [1, 32, 128] [1, 1, 1] : tensor<?x32x128xbf16> to tensor<1x32x128xbf16>
    %os = tensor.extract_slice %o[%i, 0, 0] [1, 32, 128] [1, 1, 1] : tensor<?x32x128xbf16> to tensor<1x32x128xbf16>
    %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
        ins(%xs : tensor<1x32x128xbf16>) outs(%os : tensor<1x32x128xbf16>) {
    ^bb0(%a: bf16, %b: bf16):
      %m = arith.mulf %a, %a : bf16
      linalg.yield %m : bf16
    } -> tensor<1x32x128xbf16>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %y into %o[%i, 0, 0] [1, 32, 128] [1, 1, 1] : tensor<1x32x128xbf16> into tensor<?x32x128xbf16>
    }
  } {mapping = [#gpu.block<linear_dim_0>]}
  return %r : tensor<?x32x128xbf16>
}

// -----

// An op outside every token loop: a block loop of its own (over its
// outermost parallel dimension), then over the threads. A block's temporary
// is workgroup memory.
// CHECK-LABEL: func.func @loose
// CHECK: scf.forall (%{{.*}}) = (0) to (16) step (4)
// CHECK: } {mapping = [#gpu.thread<linear_dim_0>]}
// CHECK: } {mapping = [#gpu.block<linear_dim_0>]}
func.func @loose(%x: tensor<?x16xf32>, %init: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(t, d) -> (t, d)>, affine_map<(t, d) -> (t, d)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x16xf32>) outs(%init : tensor<?x16xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.addf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// CHECK-LABEL: func.func @temporary
// CHECK: bufferization.alloc_tensor() {memory_space = #gpu.address_space<workgroup>} : tensor<1x64xf32>
func.func @temporary(%x: tensor<?x64xf32>, %init: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x64xf32>
  %r = scf.forall (%i) in (%t) shared_outs(%o = %init) -> tensor<?x64xf32> {
    %xs = tensor.extract_slice %x[%i, 0] [1, 64] [1, 1] : tensor<?x64xf32> to tensor<1x64xf32>
    %e = tensor.empty() : tensor<1x64xf32>
    %sq = linalg.mul ins(%xs, %xs : tensor<1x64xf32>, tensor<1x64xf32>) outs(%e : tensor<1x64xf32>) -> tensor<1x64xf32>
    %os = tensor.extract_slice %o[%i, 0] [1, 64] [1, 1] : tensor<?x64xf32> to tensor<1x64xf32>
    %y = linalg.add ins(%sq, %xs : tensor<1x64xf32>, tensor<1x64xf32>) outs(%os : tensor<1x64xf32>) -> tensor<1x64xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %y into %o[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<?x64xf32>
    }
  } {mapping = [#gpu.block<linear_dim_0>]}
  return %r : tensor<?x64xf32>
}

// -----

// A dynamic size inside a block has no static thread mapping: named.
func.func @dynamic_inside(%x: tensor<?x?xf32>, %init: tensor<?x?xf32>, %n: index) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x?xf32>
  %r = scf.forall (%i) in (%t) shared_outs(%o = %init) -> tensor<?x?xf32> {
    %xs = tensor.extract_slice %x[%i, 0] [1, %n] [1, 1] : tensor<?x?xf32> to tensor<1x?xf32>
    %os = tensor.extract_slice %o[%i, 0] [1, %n] [1, 1] : tensor<?x?xf32> to tensor<1x?xf32>
    // expected-error @+1 {{cannot be lowered by rope-gpu-pipeline: the dimensions inside a block must be static}}
    %y = linalg.copy ins(%xs : tensor<1x?xf32>) outs(%os : tensor<1x?xf32>) -> tensor<1x?xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %y into %o[%i, 0] [1, %n] [1, 1] : tensor<1x?xf32> into tensor<?x?xf32>
    }
  } {mapping = [#gpu.block<linear_dim_0>]}
  return %r : tensor<?x?xf32>
}
