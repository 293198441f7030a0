// RUN: rope-opt %s -rope-bf16-vector-memory-as-i16 | FileCheck %s

// CHECK-LABEL: llvm.func @store
// CHECK-SAME: (%[[V:.*]]: vector<32xbf16>, %[[P:.*]]: !llvm.ptr)
// CHECK: %[[I:.*]] = llvm.bitcast %[[V]] : vector<32xbf16> to vector<32xi16>
// CHECK: llvm.store %[[I]], %[[P]] {alignment = 64 : i64, nontemporal} : vector<32xi16>, !llvm.ptr
llvm.func @store(%v: vector<32xbf16>, %p: !llvm.ptr) {
  llvm.store %v, %p {alignment = 64 : i64, nontemporal} : vector<32xbf16>, !llvm.ptr
  llvm.return
}

// CHECK-LABEL: llvm.func @load
// CHECK: %[[L:.*]] = llvm.load %{{.*}} {alignment = 2 : i64} : !llvm.ptr -> vector<32xi16>
// CHECK: %[[B:.*]] = llvm.bitcast %[[L]] : vector<32xi16> to vector<32xbf16>
// CHECK: llvm.return %[[B]]
llvm.func @load(%p: !llvm.ptr) -> vector<32xbf16> {
  %v = llvm.load %p {alignment = 2 : i64} : !llvm.ptr -> vector<32xbf16>
  llvm.return %v : vector<32xbf16>
}

// Scalars and other element types are left alone.
// CHECK-LABEL: llvm.func @others
// CHECK-NOT: llvm.bitcast
// CHECK: llvm.store %{{.*}} : bf16, !llvm.ptr
// CHECK: llvm.store %{{.*}} : vector<16xf32>, !llvm.ptr
llvm.func @others(%s: bf16, %v: vector<16xf32>, %p: !llvm.ptr) {
  llvm.store %s, %p : bf16, !llvm.ptr
  llvm.store %v, %p : vector<16xf32>, !llvm.ptr
  llvm.return
}
