// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2})" -split-input-file | FileCheck %s --check-prefix=TILED
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2})" -split-input-file | FileCheck %s --check-prefix=ONCE
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2},rope-bufferization-stage,rope-cpu-parallel-stage{min-tiles=2})" -split-input-file | FileCheck %s --check-prefix=PAR
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2},rope-bufferization-stage,rope-cpu-parallel-stage{min-tiles=2 cpu=sapphirerapids})" -split-input-file | FileCheck %s --check-prefix=WALK
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2},rope-bufferization-stage,rope-cpu-parallel-stage{min-tiles=2 cpu=znver4})" -split-input-file | FileCheck %s --check-prefix=NOWALK
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2},rope-bufferization-stage,rope-cpu-parallel-stage{min-tiles=2 cpu=x86-64-v4})" -split-input-file | FileCheck %s --check-prefix=NOWALK
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-tiled-stage{vector-width=16 min-tiles=2 cpu-features=+avx512f,+avx512bw,+avx512vbmi2},rope-bufferization-stage,rope-cpu-parallel-stage{min-tiles=2 cpu=znver4 page-walk-rows=4})" -split-input-file | FileCheck %s --check-prefix=WALK

// Llama-3-8B q+k, bf16, 16 f32 lanes (AVX-512).
// Token tiles of 16 run in parallel (fewer tokens per tile below 32 tokens,
// so that there are at least 2 tiles: min-tiles); each tile computes cos/sin for its
// tokens (up to 16: the rows of a static 16 x 64 table that it uses) x 64
// frequencies once (vector<16xf32>), then rotates 32 query heads
// and 8 key heads reading that table: 64-byte vectors of 32 bf16, 64 / 32 =
// 2 chunks per half, no remainder loop. bf16 vectors are split into even and
// odd lanes (16 f32 each; rope-expand-bf16 makes the split a shift and a
// mask of 32-bit words) and merged back before the store.
// TILED-LABEL: func @llama_qk
// TILED: %[[HALF:.*]] = arith.ceildivui %[[T:.*]], %c2
// TILED: %[[MIN:.*]] = arith.minui %[[HALF]], %c16
// TILED: %[[STEP:.*]] = arith.maxui %[[MIN]], %c1
// TILED: scf.forall (%{{.*}}) = (0) to (%[[T]]) step (%[[STEP]])
// TILED: %[[N:.*]] = affine.min
// TILED: bufferization.alloc_tensor() : tensor<16x64xf32>
// TILED: tensor.extract_slice {{.*}}[0, 0] [%[[N]], 64] [1, 1] : tensor<16x64xf32> to tensor<?x64xf32>
// TILED: scf.for %{{.*}} = %c0 to %[[N]] step %c1
// TILED: scf.for %{{.*}} = %c0 to %c64 step %c16
// TILED: math.roundeven %{{.*}} : vector<16xf64>
// The loop over a row's 2 chunks is unrolled, so each token's table row is
// read (and split into even/odd lanes) once, outside the loop over heads.
// TILED: scf.for %{{.*}} = %c0 to %[[N]] step %c1
// TILED-COUNT-4: vector.deinterleave %{{.*}} : vector<32xf32> -> vector<16xf32>
// TILED-NEXT: scf.for %{{.*}} = %c0 to %c32 step %c1
// TILED-NOT: vector<32xf32>
// TILED: vector.transfer_read %arg0[{{.*}}, %c0]{{.*}} : tensor<?x32x128xbf16>, vector<32xbf16>
// TILED: vector.deinterleave %{{.*}} : vector<32xbf16> -> vector<16xbf16>
// TILED: vector.transfer_read %arg0[{{.*}}, %c64]{{.*}} : tensor<?x32x128xbf16>, vector<32xbf16>
// TILED: math.fma %{{.*}} : vector<16xf32>
// TILED: vector.interleave %{{.*}} : vector<16xbf16> -> vector<32xbf16>
// TILED: vector.transfer_write %{{.*}} : vector<32xbf16>, tensor<1x1x2x32xbf16>
// TILED-NOT: vector<32xf32>
// TILED: vector.transfer_read %arg0[{{.*}}, %c32]{{.*}} : tensor<?x32x128xbf16>, vector<32xbf16>
// TILED: vector.transfer_read %arg0[{{.*}}, %c96]{{.*}} : tensor<?x32x128xbf16>, vector<32xbf16>
// TILED-NOT: vector<32xf32>
// TILED: scf.yield
// TILED-NEXT: }
// TILED-NEXT: scf.yield
// TILED: scf.for %{{.*}} = %c0 to %[[N]] step %c1
// TILED-COUNT-4: vector.deinterleave %{{.*}} : vector<32xf32> -> vector<16xf32>
// TILED-NEXT: scf.for %{{.*}} = %c0 to %c8 step %c1
// TILED: vector.transfer_read %arg1{{.*}} : tensor<?x8x128xbf16>, vector<32xbf16>
// TILED: scf.forall.in_parallel

// One sin/cos evaluation per token and frequency: a single range reduction,
// in the table loop, none in the per-head loops.
// ONCE-LABEL: func @llama_qk
// ONCE: math.roundeven
// ONCE-NOT: math.roundeven
// ONCE: scf.forall.in_parallel

// After bufferization: token tiles on OpenMP threads, a block of tiles per
// thread and its tables allocated once (rope-forall-to-openmp; only when there is
// more than one tile: a decode step runs as a plain loop on the caller,
// rope-sequential-single-tile), the tables on the
// stack, results written with aligned streaming stores when the outputs are
// 64-byte aligned (checked at run time), inputs prefetched ahead, each
// head's loop loading the next head's row before storing (iter_args carry
// the loaded vectors, as i16), no copies, no other allocations.
// PAR-LABEL: func @llama_qk
// PAR: memref.alloc(
// PAR: memref.alloc(
// PAR-NOT: memref.alloc(
// PAR-NOT: memref.copy
// PAR: memref.extract_aligned_pointer_as_index
// PAR: scf.if
// PAR: %[[MANY:.*]] = arith.cmpi sgt, %{{.*}}, %c1
// PAR: scf.if %[[MANY]]
// PAR: omp.parallel
// PAR: func.call @omp_get_thread_num()
// PAR: memref.alloca() {alignment = 64 : i64} : memref<16x64xf32>
// PAR: memref.alloca() {alignment = 64 : i64} : memref<16x64xf32>
// PAR: scf.for
// PAR-NOT: memref.alloca
// PAR: memref.prefetch %{{.*}}, read, locality<3>, data : memref<?xbf16>
// PAR: scf.for {{.*}} iter_args({{.*}}) -> (vector<32xi16>
// PAR: vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} {{.*}} vector<32xbf16>
// PAR: } else {
// PAR-NOT: omp.parallel
// PAR: scf.for
// PAR: vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} {{.*}} vector<32xbf16>
// PAR: } else {
// PAR: omp.parallel
// PAR-NOT: memref.copy

// The token loops of q (2 pages per token) and k (a page per 2 tokens)
// walk 4 pages per iteration (the page-walk-rows of Intel cores), when the tensor holds at
// least 64 MiB (page-walk-min-bytes, checked at run time), segment by
// segment: the first 64-byte vectors of both halves of the 4 pages' rows
// (2 tokens x 2 heads) are loaded before any store, then the second ones.
// The walk is the target's (page-walk-rows=-1): Intel cores only, whose
// loads wait on 4K-aliased stores; AMD's and generic levels stream in row
// order unless page-walk-rows asks.
// NOWALK-LABEL: func @llama_qk
// NOWALK-NOT: page_walk
// WALK-LABEL: func @llama_qk
// WALK: arith.cmpi uge, %{{.*}}, %c67108864
// WALK: scf.for %{{.*}} = %c0 to %c16 step %c1 {
// WALK-COUNT-8: vector.load %arg0{{.*}} : memref<?x32x128xbf16>, vector<32xbf16>
// WALK-NOT: vector.load %arg0
// WALK-COUNT-8: vector.store {{.*}} vector<32xbf16>
// WALK-COUNT-8: vector.load %arg0{{.*}} : memref<?x32x128xbf16>, vector<32xbf16>
// WALK-NOT: vector.load %arg0
// WALK-COUNT-8: vector.store {{.*}} vector<32xbf16>
// WALK: } {rope.lowering = #rope.lowering<page_walk = 16384>}
// WALK: arith.cmpi uge, %{{.*}}, %c67108864
// WALK: } {rope.lowering = #rope.lowering<page_walk = 16384>}
func.func @llama_qk(%q: tensor<?x32x128xbf16>, %k: tensor<?x8x128xbf16>, %p: tensor<?xi64>)
    -> (tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x32x128xbf16>
  %eq = tensor.empty(%t) : tensor<?x32x128xbf16>
  %ek = tensor.empty(%t) : tensor<?x8x128xbf16>
  %q1, %k1 = rope.rotate half thd ins(%q, %k : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>)
      outs(%eq, %ek : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>) positions(%p : tensor<?xi64>)
      freqs(#rope.llama3<base = 500000.0, factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>)
  return %q1, %k1 : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>
}

// -----

// f32 head dims 64 and 256: 16 lanes divide R/2 = 32 and 128, no remainder.
// TILED-LABEL: func @head_dim_64
// TILED: scf.for %{{.*}} = %c0 to %c32 step %c16
// TILED: vector.transfer_read %arg0{{.*}} vector<16xf32>
// TILED-LABEL: func @head_dim_256
// TILED: scf.for %{{.*}} = %c0 to %c128 step %c16
// TILED: vector.transfer_read %arg0{{.*}} vector<16xf32>
// ONCE-LABEL: func @head_dim_64
// ONCE: math.roundeven
// ONCE-NOT: math.roundeven
// ONCE: scf.forall.in_parallel
// PAR-LABEL: func @head_dim_64
// PAR: omp.parallel
// PAR: func.call @omp_get_thread_num()
func.func @head_dim_64(%x: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x64xf32>
  %e = tensor.empty(%t) : tensor<?x8x64xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}
func.func @head_dim_256(%x: tensor<?x4x256xf32>, %p: tensor<?xi64>) -> tensor<?x4x256xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4x256xf32>
  %e = tensor.empty(%t) : tensor<?x4x256xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x4x256xf32>) outs(%e : tensor<?x4x256xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x4x256xf32>
}

// -----

// Interleaved pairing: one contiguous 64 x bf16 read per tile, split into
// even and odd lanes and written back re-interleaved as one contiguous
// vector; no gathers.
// TILED-LABEL: func @interleaved
// TILED-NOT: vector.gather
// TILED: vector.transfer_read %arg0{{.*}} : tensor<?x8x128xbf16>, vector<64xbf16>
// TILED: vector.deinterleave %{{.*}} : vector<64xbf16> -> vector<32xbf16>
// TILED: vector.interleave %{{.*}} : vector<32xbf16> -> vector<64xbf16>
// TILED: vector.transfer_write %{{.*}} : vector<64xbf16>, tensor<1x1x64xbf16>
// ONCE-LABEL: func @interleaved
// ONCE: math.roundeven
// ONCE-NOT: math.roundeven
// ONCE: scf.forall.in_parallel
// PAR-LABEL: func @interleaved
// PAR: vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} {{.*}} vector<64xbf16>
func.func @interleaved(%x: tensor<?x8x128xbf16>, %p: tensor<?xi64>) -> tensor<?x8x128xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x128xbf16>
  %e = tensor.empty(%t) : tensor<?x8x128xbf16>
  %y = rope.rotate interleaved thd ins(%x : tensor<?x8x128xbf16>) outs(%e : tensor<?x8x128xbf16>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x128xbf16>
}

// -----

// Partial rotary, bf16, R = 32: outputs are checked for 64-byte alignment;
// the pass-through part's whole lines are 64-byte streaming stores, the
// 32-byte rotated halves 32-byte ones.
// PAR-LABEL: func @partial_bf16
// PAR: arith.remui %{{.*}}, %c64
// PAR: scf.if
// PAR: vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} {{.*}} vector<32xbf16>
// PAR: vector.store {{.*}} {alignment = 32 : i64, nontemporal = true} {{.*}} vector<16xbf16>
// PAR: } else {
func.func @partial_bf16(%x: tensor<?x8x128xbf16>, %p: tensor<?xi64>) -> tensor<?x8x128xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x128xbf16>
  %e = tensor.empty(%t) : tensor<?x8x128xbf16>
  %y = rope.rotate half thd ins(%x : tensor<?x8x128xbf16>) outs(%e : tensor<?x8x128xbf16>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>) rotary_dim = 32
  return %y : tensor<?x8x128xbf16>
}
