// RUN: rope-opt %s --rope-expand-f8 -split-input-file | FileCheck %s

// f32 -> f8E4M3FN: |x| plus the magic 2^(e + 20), e its exponent clamped
// below at 2^-6 (0x3c800000), rounds to the format's spacing (nearest even);
// the code is the sum's low bits plus (e - 2^-6's exponent) << 3; past 0x7e
// (overflow, infinity, NaN) NaN 0x7f; the sign or-ed in.
// CHECK-LABEL: func @scalar
// CHECK: %[[ABS:.*]] = arith.andi %{{.*}}, %c2147483647_i32
// CHECK: %[[EXP:.*]] = arith.andi %[[ABS]], %c2139095040_i32
// CHECK: %[[E:.*]] = arith.maxui %[[EXP]], %c1015021568_i32
// CHECK: %[[M:.*]] = arith.addi %[[E]], %c167772160_i32
// CHECK: arith.addf
// CHECK: arith.cmpi ugt, %{{.*}}, %c126_i32
// CHECK-NOT: arith.cmpi
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FN
// CHECK-NOT: arith.truncf
func.func @scalar(%x: f32) -> f8E4M3FN {
  %q = arith.truncf %x : f32 to f8E4M3FN
  return %q : f8E4M3FN
}

// -----

// bf16 extends to f32 exactly first; f8E5M2 overflows to infinity (0x7c)
// and keeps NaN apart (0x7e).
// CHECK-LABEL: func @vector
// CHECK: arith.extf %{{.*}} : vector<16xbf16> to vector<16xf32>
// CHECK: %[[ABS:.*]] = arith.andi %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: %[[MAX:.*]] = arith.constant dense<123> : vector<16xi32>
// CHECK: %[[OVER:.*]] = arith.cmpi ugt, %{{.*}}, %[[MAX]] : vector<16xi32>
// CHECK: %[[INF:.*]] = arith.constant dense<124> : vector<16xi32>
// CHECK: %[[CODE:.*]] = arith.select %[[OVER]], %[[INF]], %{{.*}} : vector<16xi1>, vector<16xi32>
// CHECK: %[[EXP:.*]] = arith.constant dense<2139095040> : vector<16xi32>
// CHECK: %[[ISNAN:.*]] = arith.cmpi ugt, %[[ABS]], %[[EXP]] : vector<16xi32>
// CHECK: %[[NAN:.*]] = arith.constant dense<126> : vector<16xi32>
// CHECK: arith.select %[[ISNAN]], %[[NAN]], %[[CODE]] : vector<16xi1>, vector<16xi32>
// CHECK: arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK: arith.bitcast %{{.*}} : vector<16xi8> to vector<16xf8E5M2>
func.func @vector(%x: vector<16xbf16>) -> vector<16xf8E5M2> {
  %q = arith.truncf %x : vector<16xbf16> to vector<16xf8E5M2>
  return %q : vector<16xf8E5M2>
}

// -----

// Decoding is exact into any wider float: f32 bits, then truncf to f16.
// CHECK-LABEL: func @ext
// CHECK: arith.bitcast %{{.*}} : vector<8xf8E4M3FN> to vector<8xi8>
// CHECK: arith.extui %{{.*}} : vector<8xi8> to vector<8xi32>
// CHECK: arith.uitofp
// CHECK: arith.bitcast %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
func.func @ext(%q: vector<8xf8E4M3FN>) -> vector<8xf16> {
  %x = arith.extf %q : vector<8xf8E4M3FN> to vector<8xf16>
  return %x : vector<8xf16>
}

// -----

// Constants become their bits.
// CHECK-LABEL: func @constants
// CHECK-DAG: arith.constant 126 : i8
// CHECK-DAG: arith.constant dense<[60, -64]> : vector<2xi8>
func.func @constants() -> (f8E4M3FN, vector<2xf8E5M2>) {
  %a = arith.constant 448.0 : f8E4M3FN
  %b = arith.constant dense<[1.0, -2.0]> : vector<2xf8E5M2>
  return %a, %b : f8E4M3FN, vector<2xf8E5M2>
}

// -----

// f64 would round twice through f32; other rounding modes are not this one.
// CHECK-LABEL: func @left
// CHECK: arith.truncf %{{.*}} : f64 to f8E4M3FN
// CHECK: arith.truncf %{{.*}} to_nearest_away : f32 to f8E4M3FN
func.func @left(%x: f64, %y: f32) -> (f8E4M3FN, f8E4M3FN) {
  %a = arith.truncf %x : f64 to f8E4M3FN
  %b = arith.truncf %y to_nearest_away : f32 to f8E4M3FN
  return %a, %b : f8E4M3FN, f8E4M3FN
}
