// RUN: rope-opt %s -rope-expand-bf16 -split-input-file | FileCheck %s
// RUN: rope-opt %s -rope-expand-bf16=default-nan-low-bits-zero=1 -split-input-file | FileCheck %s --check-prefix=LOWZERO
// RUN: rope-opt %s -rope-expand-bf16=funnel-shift-merge=1 -split-input-file | FileCheck %s --check-prefix=FUNNEL

// truncf f32 -> bf16: 32-bit rounding to nearest even (the bias is 0x8000
// when bit 16 is set, else 0x7fff), NaN select on i32.
// CHECK-LABEL: func @trunc
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK-DAG: %[[C16:.*]] = arith.constant dense<16> : vector<16xi32>
// CHECK-DAG: %[[BIT16:.*]] = arith.constant dense<65536> : vector<16xi32>
// CHECK-DAG: %[[HALF:.*]] = arith.constant dense<32768> : vector<16xi32>
// CHECK-DAG: %[[BELOW:.*]] = arith.constant dense<32767> : vector<16xi32>
// CHECK-DAG: %[[BITS:.*]] = arith.bitcast %[[X]] : vector<16xf32> to vector<16xi32>
// CHECK: %[[B16:.*]] = arith.andi %[[BITS]], %[[BIT16]]
// CHECK: %[[ODD:.*]] = arith.cmpi ne, %[[B16]]
// CHECK-DAG: %[[UP:.*]] = arith.addi %[[BITS]], %[[HALF]]
// CHECK-DAG: %[[DOWN:.*]] = arith.addi %[[BITS]], %[[BELOW]]
// CHECK: %[[RND:.*]] = arith.select %[[ODD]], %[[UP]], %[[DOWN]]
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]]
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %{{.*}}, %[[RND]] : vector<16xi1>, vector<16xi32>
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
// CHECK: %[[NANA:.*]] = arith.cmpf uno, %[[A]], %[[A]]
// CHECK: %[[RA:.*]] = arith.select %[[NANA]], {{.*}} : vector<32xi1>, vector<32xi32>
// CHECK: %[[NANB:.*]] = arith.cmpf uno, %[[B]], %[[B]]
// CHECK: %[[RB:.*]] = arith.select %[[NANB]], {{.*}} : vector<32xi1>, vector<32xi32>
// CHECK: %[[LO:.*]] = arith.shrui %[[RA]], %[[C16]]
// CHECK: %[[HI:.*]] = arith.andi %[[RB]], %[[MASK]]
// CHECK: %[[W:.*]] = arith.ori %[[LO]], %[[HI]]
// CHECK: %[[R:.*]] = vector.bitcast %[[W]] : vector<32xi32> to vector<64xbf16>
// CHECK: return %[[R]]
// CHECK-NOT: vector.interleave
// With funnel-shift-merge, the same bits come from fshr(round(b) >> 16,
// round(a), 16) (vpsrld + vpshrdd on x86 with AVX512-VBMI2, instead of the
// vpermt2w that x86 makes of the mask and the or).
// FUNNEL-LABEL: func @interleave
// FUNNEL-SAME: (%[[A:.*]]: vector<32xf32>, %[[B:.*]]: vector<32xf32>)
// FUNNEL-DAG: %[[C16:.*]] = arith.constant dense<16> : vector<32xi32>
// FUNNEL: arith.cmpf uno, %[[A]], %[[A]]
// FUNNEL: %[[RA:.*]] = arith.select %{{.*}} : vector<32xi1>, vector<32xi32>
// FUNNEL: arith.cmpf uno, %[[B]], %[[B]]
// FUNNEL: %[[RB:.*]] = arith.select %{{.*}} : vector<32xi1>, vector<32xi32>
// FUNNEL: %[[HI:.*]] = arith.shrui %[[RB]], %[[C16]]
// FUNNEL: %[[W:.*]] = llvm.intr.fshr(%[[HI]], %[[RA]], %[[C16]]) : (vector<32xi32>, vector<32xi32>, vector<32xi32>) -> vector<32xi32>
// FUNNEL: %[[R:.*]] = vector.bitcast %[[W]] : vector<32xi32> to vector<64xbf16>
// FUNNEL: return %[[R]]
func.func @interleave(%a: vector<32xf32>, %b: vector<32xf32>) -> vector<64xbf16> {
  %ta = arith.truncf %a : vector<32xf32> to vector<32xbf16>
  %tb = arith.truncf %b : vector<32xf32> to vector<32xbf16>
  %r = vector.interleave %ta, %tb : vector<32xbf16> -> vector<64xbf16>
  return %r : vector<64xbf16>
}

// -----

// Truncs marked bf16_operands (every NaN they round has zero low 16
// bits) drop the NaN case when the target's default NaN has zero low bits;
// unmarked ones keep it, and without the option marked ones keep it too.
// CHECK-LABEL: func @marked
// CHECK-COUNT-4: arith.cmpf uno
// LOWZERO-LABEL: func @marked
// LOWZERO-SAME: (%[[M:.*]]: vector<16xf32>, %[[U:.*]]: vector<16xf32>, %[[A:.*]]: vector<32xf32>, %[[B:.*]]: vector<32xf32>)
// LOWZERO-NOT: arith.cmpf uno, %[[M]]
// LOWZERO: arith.cmpf uno, %[[U]], %[[U]]
// LOWZERO-NOT: arith.cmpf
// LOWZERO: return
func.func @marked(%m: vector<16xf32>, %u: vector<16xf32>, %a: vector<32xf32>,
                  %b: vector<32xf32>) -> (vector<16xbf16>, vector<16xbf16>, vector<64xbf16>) {
  %tm = arith.truncf %m {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<16xf32> to vector<16xbf16>
  %tu = arith.truncf %u : vector<16xf32> to vector<16xbf16>
  %ta = arith.truncf %a {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<32xf32> to vector<32xbf16>
  %tb = arith.truncf %b {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<32xf32> to vector<32xbf16>
  %r = vector.interleave %ta, %tb : vector<32xbf16> -> vector<64xbf16>
  return %tm, %tu, %r : vector<16xbf16>, vector<16xbf16>, vector<64xbf16>
}
