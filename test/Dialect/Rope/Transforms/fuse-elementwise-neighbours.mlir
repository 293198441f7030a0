// RUN: rope-opt %s -split-input-file -pass-pipeline="builtin.module(func.func(rope-fuse-elementwise-neighbours),canonicalize,cse)" | FileCheck %s

// RMSNorm written op by op (upcast used twice, square, row sum, rsqrt,
// broadcasts, products, downcast): a row-sum generic reading the input and
// one elementwise generic reading the input, the sums and the weight.
// CHECK-LABEL: func @named_norm
// CHECK-SAME: (%[[X:.*]]: tensor<4x2x8xbf16>, %[[W:.*]]: tensor<8xf32>
// CHECK: %[[SS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]] : tensor<4x2x8xbf16>)
// CHECK:   arith.extf
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[SS]], %[[W]] : tensor<4x2x8xbf16>, tensor<4x2xf32>, tensor<8xf32>)
// CHECK:   math.rsqrt
// CHECK:   arith.truncf
// CHECK-NOT: linalg.generic
// CHECK: rope.rotate half thd ins(%[[N]]
func.func @named_norm(%x: tensor<4x2x8xbf16>, %w: tensor<8xf32>, %p: tensor<4xi64>) -> tensor<4x2x8xbf16> {
  %zero = arith.constant 0.0 : f32
  %dimf = arith.constant 8.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %ef = tensor.empty() : tensor<4x2x8xf32>
  %xf = linalg.map ins(%x : tensor<4x2x8xbf16>) outs(%ef : tensor<4x2x8xf32>)
    (%in: bf16, %o: f32) {
      %y = arith.extf %in : bf16 to f32
      linalg.yield %y : f32
    }
  %sq = linalg.mul ins(%xf, %xf : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%ef : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %ss = linalg.reduce ins(%sq : tensor<4x2x8xf32>) outs(%z : tensor<4x2xf32>) dimensions = [2]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  %r = linalg.map ins(%ss : tensor<4x2xf32>) outs(%e2 : tensor<4x2xf32>)
    (%s: f32, %o: f32) {
      %m = arith.divf %s, %dimf : f32
      %me = arith.addf %m, %eps : f32
      %q = math.rsqrt %me : f32
      linalg.yield %q : f32
    }
  %rb = linalg.broadcast ins(%r : tensor<4x2xf32>) outs(%ef : tensor<4x2x8xf32>) dimensions = [2]
  %xn = linalg.mul ins(%xf, %rb : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%ef : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %wb = linalg.broadcast ins(%w : tensor<8xf32>) outs(%ef : tensor<4x2x8xf32>) dimensions = [0, 1]
  %y = linalg.mul ins(%xn, %wb : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%ef : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %eb = tensor.empty() : tensor<4x2x8xbf16>
  %n = linalg.map ins(%y : tensor<4x2x8xf32>) outs(%eb : tensor<4x2x8xbf16>)
    (%in: f32, %o: bf16) {
      %t = arith.truncf %in : f32 to bf16
      linalg.yield %t : bf16
    }
  %o = tensor.empty() : tensor<4x2x8xbf16>
  %rot = rope.rotate half thd ins(%n : tensor<4x2x8xbf16>) outs(%o : tensor<4x2x8xbf16>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  return %rot : tensor<4x2x8xbf16>
}

// -----

// Consumers of the rope result fuse the same way (a scale, then a
// downcast: one generic).
// CHECK-LABEL: func @after_rope
// CHECK: %[[R:.*]] = rope.rotate
// CHECK: linalg.generic {{.*}} ins(%[[R]] : tensor<4x2x8xf32>)
// CHECK:   arith.mulf
// CHECK:   arith.truncf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @after_rope(%x: tensor<4x2x8xf32>, %p: tensor<4xi64>) -> tensor<4x2x8xbf16> {
  %c = arith.constant 0.5 : f32
  %o = tensor.empty() : tensor<4x2x8xf32>
  %rot = rope.rotate half thd ins(%x : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  %s = linalg.map ins(%rot : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>)
    (%in: f32, %init: f32) {
      %m = arith.mulf %in, %c : f32
      linalg.yield %m : f32
    }
  %eb = tensor.empty() : tensor<4x2x8xbf16>
  %t = linalg.map ins(%s : tensor<4x2x8xf32>) outs(%eb : tensor<4x2x8xbf16>)
    (%in: f32, %init: bf16) {
      %y = arith.truncf %in : f32 to bf16
      linalg.yield %y : bf16
    }
  return %t : tensor<4x2x8xbf16>
}

// -----

// Left as written: a producer with two uses that computes (exp) stays one
// op, stored once; an op not connected to a rope op (the add); a matmul,
// a fill and a copy (named ops other passes take as they are).
// CHECK-LABEL: func @negative
// CHECK: linalg.matmul
// CHECK: %[[E:.*]] = linalg.generic
// CHECK:   math.exp
// CHECK: linalg.generic {{.*}} ins(%[[E]], %[[E]] :
// CHECK: rope.rotate
// CHECK: linalg.copy
// CHECK: linalg.add
func.func @negative(%a: tensor<32x8xf32>, %b: tensor<8x8xf32>, %u: tensor<4x4xf32>, %p: tensor<4xi64>) -> (tensor<4x2x8xf32>, tensor<4x2x8xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<32x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e0 : tensor<32x8xf32>) -> tensor<32x8xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<32x8xf32>, tensor<8x8xf32>) outs(%f : tensor<32x8xf32>) -> tensor<32x8xf32>
  %x = tensor.expand_shape %mm [[0, 1], [2]] output_shape [4, 8, 8] : tensor<32x8xf32> into tensor<4x8x8xf32>
  %xs = tensor.extract_slice %x[0, 0, 0] [4, 2, 8] [1, 1, 1] : tensor<4x8x8xf32> to tensor<4x2x8xf32>
  %o = tensor.empty() : tensor<4x2x8xf32>
  %ex = linalg.exp ins(%xs : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %sq = linalg.mul ins(%ex, %ex : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %rot = rope.rotate half thd ins(%sq : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  %cp = linalg.copy ins(%rot : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %add = linalg.add ins(%u, %u : tensor<4x4xf32>, tensor<4x4xf32>) outs(%u : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %rot, %cp, %add : tensor<4x2x8xf32>, tensor<4x2x8xf32>, tensor<4x4xf32>
}

// -----

// An upcast also returned: its consumer reads the input (a copy of the
// upcast fused into it); the returned one stays.
// CHECK-LABEL: func @upcast_returned
// CHECK-SAME: (%[[X:.*]]: tensor<4x2x8xbf16>
// CHECK: %[[UP:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x2x8xbf16>) outs(%{{.*}} : tensor<4x2x8xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   arith.extf
// CHECK-NEXT:   linalg.yield
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x2x8xbf16>) outs(%{{.*}} : tensor<4x2x8xbf16>)
// CHECK: rope.rotate half thd ins(%[[N]]
// CHECK: return %{{.*}}, %[[UP]]
func.func @upcast_returned(%x: tensor<4x2x8xbf16>, %p: tensor<4xi64>) -> (tensor<4x2x8xbf16>, tensor<4x2x8xf32>) {
  %c = arith.constant 2.0 : f32
  %ef = tensor.empty() : tensor<4x2x8xf32>
  %xf = linalg.map ins(%x : tensor<4x2x8xbf16>) outs(%ef : tensor<4x2x8xf32>)
    (%in: bf16, %o: f32) {
      %y = arith.extf %in : bf16 to f32
      linalg.yield %y : f32
    }
  %eb = tensor.empty() : tensor<4x2x8xbf16>
  %n = linalg.map ins(%xf : tensor<4x2x8xf32>) outs(%eb : tensor<4x2x8xbf16>)
    (%in: f32, %o: bf16) {
      %m = arith.mulf %in, %c : f32
      %t = arith.truncf %m : f32 to bf16
      linalg.yield %t : bf16
    }
  %o = tensor.empty() : tensor<4x2x8xbf16>
  %rot = rope.rotate half thd ins(%n : tensor<4x2x8xbf16>) outs(%o : tensor<4x2x8xbf16>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  return %rot, %xf : tensor<4x2x8xbf16>, tensor<4x2x8xf32>
}

// -----

// linalg.powf by a filled tensor (a frontend's pow(x, 2.0)): the fill is
// read as its scalar, then fused with the upcast.
// CHECK-LABEL: func @filled_exponent
// CHECK-SAME: (%[[X:.*]]: tensor<4x2x8xbf16>
// CHECK: %[[TWO:.*]] = arith.constant 2.0
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x2x8xbf16>)
// CHECK:   arith.extf
// CHECK:   math.powf %{{.*}}, %[[TWO]] : f32
// CHECK: rope.rotate half thd ins(%[[N]]
func.func @filled_exponent(%x: tensor<4x2x8xbf16>, %p: tensor<4xi64>) -> tensor<4x2x8xf32> {
  %two = arith.constant 2.0 : f32
  %ef = tensor.empty() : tensor<4x2x8xf32>
  %xf = linalg.map ins(%x : tensor<4x2x8xbf16>) outs(%ef : tensor<4x2x8xf32>)
    (%in: bf16, %o: f32) {
      %y = arith.extf %in : bf16 to f32
      linalg.yield %y : f32
    }
  %twos = linalg.fill ins(%two : f32) outs(%ef : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %sq = linalg.powf ins(%xf, %twos : tensor<4x2x8xf32>, tensor<4x2x8xf32>) outs(%ef : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %o = tensor.empty() : tensor<4x2x8xf32>
  %rot = rope.rotate half thd ins(%sq : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  return %rot : tensor<4x2x8xf32>
}

// -----

// A scale made a 0-d tensor and clamp bounds as splat constants, read by
// linalg.elementwise through () maps: read as scalars, the tensors gone.
// CHECK-LABEL: func @scalar_tensors
// CHECK-SAME: (%[[X:.*]]: tensor<4x2x8xf32>, %[[S:.*]]: f32
// CHECK-NOT: tensor.from_elements
// CHECK: %[[R:.*]] = rope.rotate
// CHECK: linalg.generic {{.*}} ins(%[[R]] : tensor<4x2x8xf32>)
// CHECK:   arith.divf %{{.*}}, %[[S]] : f32
// CHECK:   arith.maximumf %{{.*}}, %[[LO:.*]] : f32
// CHECK-NOT: linalg.generic
#id3 = affine_map<(t, h, d) -> (t, h, d)>
#sc3 = affine_map<(t, h, d) -> ()>
func.func @scalar_tensors(%x: tensor<4x2x8xf32>, %s: f32, %p: tensor<4xi64>) -> tensor<4x2x8xf32> {
  %o = tensor.empty() : tensor<4x2x8xf32>
  %rot = rope.rotate half thd ins(%x : tensor<4x2x8xf32>) outs(%o : tensor<4x2x8xf32>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  %st = tensor.from_elements %s : tensor<f32>
  %lo = arith.constant dense<-448.0> : tensor<f32>
  %e1 = tensor.empty() : tensor<4x2x8xf32>
  %d = linalg.elementwise kind=#linalg.elementwise_kind<div> indexing_maps = [#id3, #sc3, #id3]
      ins(%rot, %st : tensor<4x2x8xf32>, tensor<f32>) outs(%e1 : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  %e2 = tensor.empty() : tensor<4x2x8xf32>
  %m = linalg.elementwise kind=#linalg.elementwise_kind<max_signed> indexing_maps = [#id3, #sc3, #id3]
      ins(%d, %lo : tensor<4x2x8xf32>, tensor<f32>) outs(%e2 : tensor<4x2x8xf32>) -> tensor<4x2x8xf32>
  return %m : tensor<4x2x8xf32>
}

// -----

// A bias added to a fused QKV output before q, k and v are sliced from it:
// each slice's part of the addition is computed on the slices of its
// operands, in the rope op's shape (upstream replaceExtractSliceWithTiledProducer,
// propagation by expansion), so that it is the rope op's producer; the
// whole-output addition goes.
// CHECK-LABEL: func @biased_qkv
// CHECK-SAME: (%[[QKV:.*]]: tensor<4x32xbf16>, %[[B:.*]]: tensor<32xf32>
// CHECK-NOT: } -> tensor<4x32xbf16>
// CHECK: %[[QS:.*]] = tensor.extract_slice %[[QKV]][0, 0] [4, 16]
// CHECK: %[[Q:.*]] = tensor.expand_shape %[[QS]]
// CHECK: %[[BQ:.*]] = tensor.expand_shape {{.*}} output_shape [2, 8]
// CHECK: %[[NQ:.*]] = linalg.generic {{.*}} ins(%[[Q]], %[[BQ]] : tensor<4x2x8xbf16>, tensor<2x8xf32>)
// CHECK: %[[VS:.*]] = tensor.extract_slice %[[QKV]][0, 24] [4, 8]
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<4x1x8xbf16>, tensor<1x8xf32>)
// CHECK: rope.rotate half thd ins(%[[NQ]]
#qkv = affine_map<(t, c) -> (t, c)>
#col = affine_map<(t, c) -> (c)>
func.func @biased_qkv(%qkv: tensor<4x32xbf16>, %b: tensor<32xf32>, %vc: tensor<16x1x8xbf16>, %off: index, %p: tensor<4xi64>) -> (tensor<4x2x8xbf16>, tensor<4x1x8xbf16>, tensor<16x1x8xbf16>) {
  %e = tensor.empty() : tensor<4x32xbf16>
  %x = linalg.generic {indexing_maps = [#qkv, #col, #qkv], iterator_types = ["parallel", "parallel"]}
      ins(%qkv, %b : tensor<4x32xbf16>, tensor<32xf32>) outs(%e : tensor<4x32xbf16>) {
  ^bb0(%a: bf16, %c: f32, %o: bf16):
    %af = arith.extf %a : bf16 to f32
    %s = arith.addf %af, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<4x32xbf16>
  %qf = tensor.extract_slice %x[0, 0] [4, 16] [1, 1] : tensor<4x32xbf16> to tensor<4x16xbf16>
  %q = tensor.expand_shape %qf [[0], [1, 2]] output_shape [4, 2, 8] : tensor<4x16xbf16> into tensor<4x2x8xbf16>
  %kf = tensor.extract_slice %x[0, 16] [4, 8] [1, 1] : tensor<4x32xbf16> to tensor<4x8xbf16>
  %k = tensor.expand_shape %kf [[0], [1, 2]] output_shape [4, 1, 8] : tensor<4x8xbf16> into tensor<4x1x8xbf16>
  %vf = tensor.extract_slice %x[0, 24] [4, 8] [1, 1] : tensor<4x32xbf16> to tensor<4x8xbf16>
  %v = tensor.expand_shape %vf [[0], [1, 2]] output_shape [4, 1, 8] : tensor<4x8xbf16> into tensor<4x1x8xbf16>
  %oq = tensor.empty() : tensor<4x2x8xbf16>
  %rq = rope.rotate half thd ins(%q : tensor<4x2x8xbf16>) outs(%oq : tensor<4x2x8xbf16>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  %ok = tensor.empty() : tensor<4x1x8xbf16>
  %rk = rope.rotate half thd ins(%k : tensor<4x1x8xbf16>) outs(%ok : tensor<4x1x8xbf16>)
      positions(%p : tensor<4xi64>) freqs(#rope.default<base = 10000.0>)
  %vc2 = tensor.insert_slice %v into %vc[%off, 0, 0] [4, 1, 8] [1, 1, 1] : tensor<4x1x8xbf16> into tensor<16x1x8xbf16>
  return %rq, %rk, %vc2 : tensor<4x2x8xbf16>, tensor<4x1x8xbf16>, tensor<16x1x8xbf16>
}
