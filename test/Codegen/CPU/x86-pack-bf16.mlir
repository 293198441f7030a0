// RUN: rope-opt %s --rope-x86-pack-bf16 -split-input-file | FileCheck %s

// The rotation's pairs: one two-source conversion (odds, evens) and the
// interleave of its halves.
// CHECK-LABEL: func.func @pairs
// CHECK-SAME: (%[[E:.*]]: vector<16xf32>, %[[O:.*]]: vector<16xf32>)
// CHECK: %[[C:.*]] = llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"(%[[O]], %[[E]]) : (vector<16xf32>, vector<16xf32>) -> vector<32xbf16>
// CHECK: %[[P:.*]] = vector.shuffle %[[C]], %[[C]] [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31]
// CHECK: return %[[P]]
func.func @pairs(%e: vector<16xf32>, %o: vector<16xf32>) -> vector<32xbf16> {
  %a = arith.truncf %e {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<16xf32> to vector<16xbf16>
  %b = arith.truncf %o {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<16xf32> to vector<16xbf16>
  %p = vector.interleave %a, %b : vector<16xbf16> -> vector<32xbf16>
  return %p : vector<32xbf16>
}

// -----

// 32 lanes: two conversions, each on 16 of them.
// CHECK-LABEL: func.func @two_registers
// CHECK: vector.extract_strided_slice {{.*}} {offsets = [0], sizes = [16], strides = [1]}
// CHECK: llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"
// CHECK: vector.insert_strided_slice {{.*}} {offsets = [0], strides = [1]} : vector<32xbf16> into vector<64xbf16>
// CHECK: vector.extract_strided_slice {{.*}} {offsets = [16], sizes = [16], strides = [1]}
// CHECK: llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"
// CHECK: vector.insert_strided_slice {{.*}} {offsets = [32], strides = [1]} : vector<32xbf16> into vector<64xbf16>
func.func @two_registers(%e: vector<32xf32>, %o: vector<32xf32>) -> vector<64xbf16> {
  %a = arith.truncf %e {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<32xf32> to vector<32xbf16>
  %b = arith.truncf %o {rope.lowering = #rope.lowering<bf16_operands = true>} : vector<32xf32> to vector<32xbf16>
  %p = vector.interleave %a, %b : vector<32xbf16> -> vector<64xbf16>
  return %p : vector<64xbf16>
}

// -----

// Truncs the rope lowering did not mark are left alone.
// CHECK-LABEL: func.func @not_ours
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.interleave
func.func @not_ours(%e: vector<16xf32>, %o: vector<16xf32>) -> vector<32xbf16> {
  %a = arith.truncf %e : vector<16xf32> to vector<16xbf16>
  %b = arith.truncf %o : vector<16xf32> to vector<16xbf16>
  %p = vector.interleave %a, %b : vector<16xbf16> -> vector<32xbf16>
  return %p : vector<32xbf16>
}
