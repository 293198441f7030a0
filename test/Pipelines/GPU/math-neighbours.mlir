// A neighbour with a transcendental function NVPTX has no instruction for
// (the pipeline links no libdevice): an error at the op that names it, not
// an LLVM instruction selection failure. A square root is lowered.
// RUN: not rope-opt %s -split-input-file --rope-gpu-pipeline="chip=sm_90 format=isa" 2>&1 | FileCheck %s

// CHECK: math-neighbours.mlir:[[@LINE+11]]:{{[0-9]+}}: error: 'math.tanh' op has no NVPTX lowering in rope-gpu-pipeline
// CHECK-SAME: write it with arithmetic, or lower this function with rope-cpu-pipeline
#id3 = affine_map<(t, h, d) -> (t, h, d)>
func.func @tanh_after_rope(%x: tensor<4x2x8xf32>, %p: tensor<4xi64>) -> tensor<4x2x8xf32> {
  %o = tensor.empty() : tensor<4x2x8xf32>
  %r = rope.rotate half thd ins(%x : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  %e = tensor.empty() : tensor<4x2x8xf32>
  %t = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r : tensor<4x2x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %y = math.tanh %a : f32
    linalg.yield %y : f32
  } -> tensor<4x2x8xf32>
  return %t : tensor<4x2x8xf32>
}

// -----

// CHECK-NOT: error: 'math.sqrt'
// CHECK: gpu.binary
#id3 = affine_map<(t, h, d) -> (t, h, d)>
func.func @sqrt_after_rope(%x: tensor<4x2x8xf32>, %p: tensor<4xi64>) -> tensor<4x2x8xf32> {
  %o = tensor.empty() : tensor<4x2x8xf32>
  %r = rope.rotate half thd ins(%x : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  %e = tensor.empty() : tensor<4x2x8xf32>
  %t = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r : tensor<4x2x8xf32>) outs(%e : tensor<4x2x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %y = math.sqrt %a : f32
    linalg.yield %y : f32
  } -> tensor<4x2x8xf32>
  return %t : tensor<4x2x8xf32>
}
