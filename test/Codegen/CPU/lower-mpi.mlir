// RUN: rope-opt --split-input-file --rope-lower-mpi %s | FileCheck %s

// The rank query convert-shard-to-mpi writes, for OpenMPI: its
// communicator is the address of ompi_mpi_comm_world.
module attributes {dlti.map = #dlti.map<"MPI:Implementation" = "OpenMPI">} {
  // CHECK: llvm.func @MPI_Comm_rank(!llvm.ptr, !llvm.ptr) -> i32
  // CHECK-LABEL: func.func @rank
  func.func @rank() -> i32 {
    // CHECK: llvm.mlir.addressof @ompi_mpi_comm_world : !llvm.ptr
    // CHECK: %[[SLOT:.*]] = llvm.alloca
    // CHECK: llvm.call @MPI_Comm_rank(%{{.*}}, %[[SLOT]]) : (!llvm.ptr, !llvm.ptr) -> i32
    // CHECK: %[[R:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> i32
    // CHECK-NOT: mpi.
    // CHECK: return %[[R]]
    %w = mpi.comm_world : !mpi.comm
    %e, %r = mpi.comm_rank(%w) : !mpi.retval, i32
    return %r : i32
  }
}

// -----

// Without MPI ops (nor the dialect loaded), nothing changes.
// CHECK-LABEL: func.func @none
// CHECK-NEXT: arith.constant 0 : i32
// CHECK-NEXT: return
func.func @none() -> i32 {
  %c = arith.constant 0 : i32
  return %c : i32
}
