// The CPU target description sets the vector width: AVX-512 16 f32 lanes,
// AVX2 8, baseline x86-64 (SSE) 4, from the CPU's features and the explicit ones; vector-width overrides it. A malformed
// feature string is an error.
// RUN: rope-opt %s --rope-cpu-tiled-stage="cpu=sapphirerapids cpu-features=+avx512f" | FileCheck %s --check-prefix=AVX512
// RUN: rope-opt %s --rope-cpu-tiled-stage="cpu=haswell cpu-features=+avx2,-avx512f" | FileCheck %s --check-prefix=AVX2
// RUN: rope-opt %s --rope-cpu-tiled-stage="cpu=x86-64 cpu-features=-avx512f,-avx2,-avx" | FileCheck %s --check-prefix=SSE
// RUN: rope-opt %s --rope-cpu-tiled-stage="cpu=x86-64 cpu-features=+avx512f vector-width=4" | FileCheck %s --check-prefix=SSE
// An x86 CPU name alone implies its features.
// RUN: rope-opt %s --rope-cpu-tiled-stage="cpu=znver4" | FileCheck %s --check-prefix=AVX512
// RUN: rope-opt %s --rope-cpu-tiled-stage="cpu=haswell" | FileCheck %s --check-prefix=AVX2
// RUN: rope-opt %s --rope-cpu-tiled-stage="cpu=x86-64" | FileCheck %s --check-prefix=SSE
// RUN: not rope-opt %s --rope-cpu-pipeline="cpu=x86-64 cpu-features=avx2" 2>&1 | FileCheck %s --check-prefix=BAD

// AVX512-LABEL: func @f
// AVX512: math.fma {{.*}} : vector<16xf32>
// AVX2-LABEL: func @f
// AVX2: math.fma {{.*}} : vector<8xf32>
// SSE-LABEL: func @f
// SSE: math.fma {{.*}} : vector<4xf32>
// BAD: error: rope-cpu-pipeline: cpu-features: feature 'avx2' must be +name or -name
func.func @f(%x: tensor<?x8x64xf32>, %e: tensor<?x8x64xf32>, %p: tensor<?xi64>) -> tensor<?x8x64xf32> {
  %y = rope.rotate half thd ins(%x : tensor<?x8x64xf32>) outs(%e : tensor<?x8x64xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x64xf32>
}
