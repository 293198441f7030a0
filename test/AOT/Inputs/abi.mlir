// Input of abi.test: the C ABI's corner cases. 16-bit float scalars
// between other arguments, a static-shaped tensor, and a kernel named like
// a C library function.
func.func @scale(%x: tensor<4xf32>, %s: bf16, %h: f16, %c: f32) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %sf = arith.extf %s : bf16 to f32
    %hf = arith.extf %h : f16 to f32
    %m = arith.mulf %a, %sf : f32
    %b = arith.mulf %hf, %c : f32
    %r = arith.addf %m, %b : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

func.func @puts(%q: tensor<?x2x8xf32>, %pos: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x2x8xf32>
  %e = tensor.empty(%t) : tensor<?x2x8xf32>
  %y = rope.rotate half thd ins(%q : tensor<?x2x8xf32>) outs(%e : tensor<?x2x8xf32>)
      positions(%pos : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x2x8xf32>
}
