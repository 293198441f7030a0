# Writes a decomposed HF rotate_half program (Llama q, f32 [T, 32, 128]) and
# random inputs for bench/results/raise-session10.txt: python3 raise_bench_gen.py T
import numpy as np, sys
T=int(sys.argv[1])
ir = '''#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tok = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @main(%x: tensor<?x32x128xf32>, %cos: tensor<?x128xf32>, %sin: tensor<?x128xf32>) -> tensor<?x32x128xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x32x128xf32>
  %x1 = tensor.extract_slice %x[0, 0, 0] [%t, 32, 64] [1, 1, 1] : tensor<?x32x128xf32> to tensor<?x32x64xf32>
  %x2 = tensor.extract_slice %x[0, 0, 64] [%t, 32, 64] [1, 1, 1] : tensor<?x32x128xf32> to tensor<?x32x64xf32>
  %e64 = tensor.empty(%t) : tensor<?x32x64xf32>
  %n = linalg.negf ins(%x2 : tensor<?x32x64xf32>) outs(%e64 : tensor<?x32x64xf32>) -> tensor<?x32x64xf32>
  %r = tensor.concat dim(2) %n, %x1 : (tensor<?x32x64xf32>, tensor<?x32x64xf32>) -> tensor<?x32x128xf32>
  %e = tensor.empty(%t) : tensor<?x32x128xf32>
  %a = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %cos : tensor<?x32x128xf32>, tensor<?x128xf32>) outs(%e : tensor<?x32x128xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<?x32x128xf32>
  %b = linalg.generic {indexing_maps = [#id, #tok, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r, %sin : tensor<?x32x128xf32>, tensor<?x128xf32>) outs(%e : tensor<?x32x128xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<?x32x128xf32>
  %y = linalg.add ins(%a, %b : tensor<?x32x128xf32>, tensor<?x32x128xf32>) outs(%e : tensor<?x32x128xf32>) -> tensor<?x32x128xf32>
  return %y : tensor<?x32x128xf32>
}
'''
open('k.mlir','w').write(ir)
rng=np.random.default_rng(0)
np.save('x.npy', rng.uniform(-1,1,(T,32,128)).astype(np.float32))
np.save('c.npy', rng.uniform(-1,1,(T,128)).astype(np.float32))
np.save('s.npy', rng.uniform(-1,1,(T,128)).astype(np.float32))
