// The GPU pipeline raises first: RoPE written out with cos/sin computed from
// positions and inv_freq compiles to one kernel; with raise=false the
// decomposed ops stay, and the one no kernel is made of (tensor.concat of
// rotate_half) is refused by name.
// RUN: rope-opt %s --rope-gpu-pipeline | FileCheck %s
// RUN: not rope-opt %s --rope-gpu-pipeline=raise=false 2>&1 | FileCheck %s --check-prefix=UNRAISED
// UNRAISED: 'tensor.concat' op cannot be lowered by rope-gpu-pipeline
// CHECK: gpu.binary @computed_generic_kernel

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @computed_generic(%x: tensor<?x2x8xf32>, %ids: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %e2 = tensor.empty(%t) : tensor<?x8xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty(%t) : tensor<?x4xf32>
  %inv_a = arith.constant dense<[1.0, 0.10000000149011612, 0.009999999776482582, 0.0010000000474974513]> : tensor<4xf32>
  %fr_a = linalg.generic {indexing_maps = [#row, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%pf, %inv_a : tensor<?xf32>, tensor<4xf32>) outs(%e4 : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %emb_a = tensor.concat dim(1) %fr_a, %fr_a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.cos %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_cos = arith.constant 1.25 : f32
  %cos = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_cos : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %sin0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%emb_a : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.sin %a : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %k_sin = arith.constant 1.25 : f32
  %sin = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%sin0 : tensor<?x8xf32>) outs(%e2 : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.mulf %a, %k_sin : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %x2 = tensor.extract_slice %x[0, 0, 4] [%t, 2, 4] [1, 1, 1] : tensor<?x2x8xf32> to tensor<?x2x4xf32>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %n = linalg.negf ins(%x2 : tensor<?x2x4xf32>) outs(%eh : tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<?x2x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x2x8xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x2x8xf32>
  %y = linalg.add ins(%a, %b : tensor<?x2x8xf32>, tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}

