// RUN: rope-opt %s --rope-flatten-strided-gathers --canonicalize | FileCheck %s

// The flat view starts at the gather's first element (offset 1 + i * 64);
// indices step by the table's stride 2.
// CHECK-LABEL: func.func @strided(
// CHECK-SAME: %[[T:[^:]*]]: memref<100x32xf32, strided<[64, 2], offset: 1>>, %[[I:[^:]*]]: index, %[[IDX:[^:]*]]: vector<16xindex>
// CHECK-DAG: %[[TWO:.*]] = arith.constant dense<2> : vector<16xindex>
// CHECK-DAG: %[[ROW:.*]] = arith.muli %[[I]], %c64
// CHECK: %[[START:.*]] = arith.addi %[[ROW]], %c1
// CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[T]] to offset: [%[[START]]], sizes: [%{{.*}}], strides: [1] : {{.*}} to memref<?xf32, strided<[1], offset: ?>>
// CHECK: %[[SCALED:.*]] = arith.muli %[[IDX]], %[[TWO]] : vector<16xindex>
// CHECK: vector.gather %[[FLAT]][%{{.*}}] [%[[SCALED]]]
func.func @strided(%t: memref<100x32xf32, strided<[64, 2], offset: 1>>, %i: index, %idx: vector<16xindex>, %m: vector<16xi1>, %p: vector<16xf32>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %v = vector.gather %t[%i, %c0] [%idx], %m, %p : memref<100x32xf32, strided<[64, 2], offset: 1>>, vector<16xindex>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  return %v : vector<16xf32>
}

// Unit-stride tables are LLVM's already.
// CHECK-LABEL: func.func @contiguous(
// CHECK-NOT: reinterpret_cast
// CHECK: vector.gather %arg0
func.func @contiguous(%t: memref<100x32xf32>, %idx: vector<16xindex>, %m: vector<16xi1>, %p: vector<16xf32>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %v = vector.gather %t[%c0, %c0] [%idx], %m, %p : memref<100x32xf32>, vector<16xindex>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  return %v : vector<16xf32>
}
