func.func @affine(%x: tensor<4xf32>, %s: f32, %d: f64, %n: index) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %df = arith.truncf %d : f64 to f32
  %nf = arith.index_cast %n : index to i64
  %nff = arith.sitofp %nf : i64 to f32
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %s : f32
    %p = arith.addf %m, %df : f32
    %q = arith.addf %p, %nff : f32
    linalg.yield %q : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}
