// Full-width tables have no rope.rotate form: the per-op GPU lowering
// (tiled=0) names the op.
func.func @full_width(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %c: tensor<?x64xf32>, %s: tensor<?x64xf32>) -> tensor<?x8x64xf32> {
  // expected-error @+1 {{'rope.apply' op is not supported by the GPU lowering}}
  %y = rope.apply half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      cos_sin(%c, %s : tensor<?x64xf32>, tensor<?x64xf32>)
  return %y : tensor<?x8x64xf32>
}
