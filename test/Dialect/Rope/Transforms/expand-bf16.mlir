// RUN: rope-opt %s -rope-expand-bf16 -split-input-file | FileCheck %s

// truncf f32 -> bf16: 32-bit rounding to nearest even, NaN select on i32.
// CHECK-LABEL: func @trunc
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK-DAG: %[[C16:.*]] = arith.constant dense<16> : vector<16xi32>
// CHECK-DAG: %[[BITS:.*]] = arith.bitcast %[[X]] : vector<16xf32> to vector<16xi32>
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]]
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %{{.*}}, %{{.*}} : vector<16xi1>, vector<16xi32>
// CHECK: %[[HI:.*]] = arith.shrui %[[R]], %[[C16]]
// CHECK: %[[T:.*]] = arith.trunci %[[HI]] : vector<16xi32> to vector<16xi16>
// CHECK: arith.bitcast %[[T]] : vector<16xi16> to vector<16xbf16>
// CHECK-NOT: arith.truncf
func.func @trunc(%x: vector<16xf32>) -> vector<16xbf16> {
  %y = arith.truncf %x : vector<16xf32> to vector<16xbf16>
  return %y : vector<16xbf16>
}

// -----

// extf of a deinterleave: the 32-bit words hold the pairs; even elements are
// word << 16, odd elements word & 0xffff0000. No shuffle remains.
// CHECK-LABEL: func @deinterleave
// CHECK-SAME: (%[[V:.*]]: vector<64xbf16>)
// CHECK-DAG: %[[C16:.*]] = arith.constant dense<16> : vector<32xi32>
// CHECK-DAG: %[[MASK:.*]] = arith.constant dense<-65536> : vector<32xi32>
// CHECK: %[[W:.*]] = vector.bitcast %[[V]] : vector<64xbf16> to vector<32xi32>
// CHECK: %[[E:.*]] = arith.shli %[[W]], %[[C16]]
// CHECK: %[[O:.*]] = arith.andi %[[W]], %[[MASK]]
// CHECK: %[[EF:.*]] = arith.bitcast %[[E]] : vector<32xi32> to vector<32xf32>
// CHECK: %[[OF:.*]] = arith.bitcast %[[O]] : vector<32xi32> to vector<32xf32>
// CHECK: return %[[EF]], %[[OF]]
// CHECK-NOT: vector.deinterleave
func.func @deinterleave(%v: vector<64xbf16>) -> (vector<32xf32>, vector<32xf32>) {
  %e, %o = vector.deinterleave %v : vector<64xbf16> -> vector<32xbf16>
  %ef = arith.extf %e : vector<32xbf16> to vector<32xf32>
  %of = arith.extf %o : vector<32xbf16> to vector<32xf32>
  return %ef, %of : vector<32xf32>, vector<32xf32>
}

// -----

// A deinterleave with a use other than extf to f32 is left alone.
// CHECK-LABEL: func @deinterleave_other_use
// CHECK: vector.deinterleave
func.func @deinterleave_other_use(%v: vector<64xbf16>) -> (vector<32xbf16>, vector<32xf32>) {
  %e, %o = vector.deinterleave %v : vector<64xbf16> -> vector<32xbf16>
  %of = arith.extf %o : vector<32xbf16> to vector<32xf32>
  return %e, %of : vector<32xbf16>, vector<32xf32>
}

// -----

// interleave of two truncf: each word is round(b) & 0xffff0000 | round(a) >> 16.
// CHECK-LABEL: func @interleave
// CHECK-SAME: (%[[A:.*]]: vector<32xf32>, %[[B:.*]]: vector<32xf32>)
// CHECK-DAG: %[[C16:.*]] = arith.constant dense<16> : vector<32xi32>
// CHECK-DAG: %[[MASK:.*]] = arith.constant dense<-65536> : vector<32xi32>
// CHECK: %[[RA:.*]] = arith.select {{.*}} : vector<32xi1>, vector<32xi32>
// CHECK: %[[LO:.*]] = arith.shrui %[[RA]], %[[C16]]
// CHECK: %[[RB:.*]] = arith.select {{.*}} : vector<32xi1>, vector<32xi32>
// CHECK: %[[HI:.*]] = arith.andi %[[RB]], %[[MASK]]
// CHECK: %[[W:.*]] = arith.ori %[[LO]], %[[HI]]
// CHECK: %[[R:.*]] = vector.bitcast %[[W]] : vector<32xi32> to vector<64xbf16>
// CHECK: return %[[R]]
// CHECK-NOT: vector.interleave
func.func @interleave(%a: vector<32xf32>, %b: vector<32xf32>) -> vector<64xbf16> {
  %ta = arith.truncf %a : vector<32xf32> to vector<32xbf16>
  %tb = arith.truncf %b : vector<32xf32> to vector<32xbf16>
  %r = vector.interleave %ta, %tb : vector<32xbf16> -> vector<64xbf16>
  return %r : vector<64xbf16>
}
