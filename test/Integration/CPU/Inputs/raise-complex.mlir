// Input of raise-complex.test: Meta's apply_rotary_emb in the complex dialect
// (view_as_complex, a multiply by freqs_cis = complex(cos, sin), view_as_real).
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @complex_mul(%x: tensor<?x2x8xf32>, %cos: tensor<?x4xf32>, %sin: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %xv = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [%t, 2, 4, 2] : tensor<?x2x8xf32> into tensor<?x2x4x2xf32>
  %xr = tensor.extract_slice %xv[0, 0, 0, 0] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %xi = tensor.extract_slice %xv[0, 0, 0, 1] [%t, 2, 4, 1] [1, 1, 1, 1] : tensor<?x2x4x2xf32> to tensor<?x2x4xf32>
  %ez = tensor.empty(%t) : tensor<?x2x4xcomplex<f32>>
  %z = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xr, %xi : tensor<?x2x4xf32>, tensor<?x2x4xf32>) outs(%ez : tensor<?x2x4xcomplex<f32>>) {
  ^bb0(%a: f32, %b: f32, %o: complex<f32>):
    %c = complex.create %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x2x4xcomplex<f32>>
  %ef = tensor.empty(%t) : tensor<?x4xcomplex<f32>>
  %f = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%cos, %sin : tensor<?x4xf32>, tensor<?x4xf32>) outs(%ef : tensor<?x4xcomplex<f32>>) {
  ^bb0(%a: f32, %b: f32, %o: complex<f32>):
    %c = complex.create %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x4xcomplex<f32>>
  %p = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z, %f : tensor<?x2x4xcomplex<f32>>, tensor<?x4xcomplex<f32>>) outs(%ez : tensor<?x2x4xcomplex<f32>>) {
  ^bb0(%a: complex<f32>, %b: complex<f32>, %o: complex<f32>):
    %c = complex.mul %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  } -> tensor<?x2x4xcomplex<f32>>
  %eh = tensor.empty(%t) : tensor<?x2x4xf32>
  %re = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<?x2x4xcomplex<f32>>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%a: complex<f32>, %o: f32):
    %c = complex.re %a : complex<f32>
    linalg.yield %c : f32
  } -> tensor<?x2x4xf32>
  %im = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<?x2x4xcomplex<f32>>) outs(%eh : tensor<?x2x4xf32>) {
  ^bb0(%a: complex<f32>, %o: f32):
    %c = complex.im %a : complex<f32>
    linalg.yield %c : f32
  } -> tensor<?x2x4xf32>
  %re1 = tensor.expand_shape %re [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %im1 = tensor.expand_shape %im [[0], [1], [2, 3]] output_shape [%t, 2, 4, 1] : tensor<?x2x4xf32> into tensor<?x2x4x1xf32>
  %st = tensor.concat dim(3) %re1, %im1 : (tensor<?x2x4x1xf32>, tensor<?x2x4x1xf32>) -> tensor<?x2x4x2xf32>
  %y = tensor.collapse_shape %st [[0], [1], [2, 3]] : tensor<?x2x4x2xf32> into tensor<?x2x8xf32>
  return %y : tensor<?x2x8xf32>
}
