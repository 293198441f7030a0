// Each pipeline stage ends in the check of its post-condition, and x86-only
// passes run for x86 targets alone.
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-pipeline{cpu=x86-64-v3})" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefixes=CPU,X86
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-pipeline{cpu=neoverse-v2 cpu-features=+neon,+bf16})" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefixes=CPU,ARM
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-gpu-pipeline)" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=GPU

// CPU: rope-check-dialects{{.*}}input=true
// CPU: convert-rope-to-linalg
// CPU: rope-check-stage{conditions={no-rope-ops} stage=rope-to-linalg}
// CPU: rope-vectorize
// CPU: rope-check-stage{conditions={vectorized} stage=vectorization}
// CPU: one-shot-bufferize
// CPU: rope-check-stage{conditions={no-tensors} stage=bufferization}
// CPU: rope-forall-to-openmp
// CPU: rope-check-stage{conditions={no-foralls} stage=parallelization}
// CPU: convert-func-to-llvm
// X86: rope-bf16-vector-memory-as-i16
// ARM-NOT: rope-bf16-vector-memory-as-i16
// CPU: rope-check-dialects{dialects={builtin,llvm,omp} input=false

// GPU: rope-check-dialects{{.*}}input=true
// GPU: rope-check-gpu-host-ops
// GPU: rope-gpu-tile-to-threads
// GPU: rope-check-stage{conditions={no-rope-ops} stage=gpu-tiled}
// GPU: rope-gpu-map-foralls
// GPU: rope-gpu-device-reads
// GPU: rope-check-stage{conditions={no-rope-ops,no-tensors} stage=rope-to-gpu}
// GPU: rope-gpu-f64-exp-log
// GPU: rope-gpu-native-intrinsics
// GPU: rope-expand-f8
// GPU: convert-gpu-to-nvvm
// GPU: rope-check-dialects{dialects={builtin,llvm,gpu} input=false
