// Pipeline options are range-checked for every driver, and a pipeline of
// module passes refuses a pass manager nested below the module: errors
// naming the option or the nesting, a non-zero exit, never an abort.
// RUN: not rope-opt %s --pass-pipeline='builtin.module(rope-gpu-pipeline{block-size=0})' 2>&1 | FileCheck %s --check-prefix=BLOCK0
// RUN: not rope-opt %s --pass-pipeline='builtin.module(rope-gpu-pipeline{block-size=100000})' 2>&1 | FileCheck %s --check-prefix=BLOCKBIG
// RUN: not rope-opt %s --pass-pipeline='builtin.module(rope-gpu-pipeline{format=bogus})' 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not rope-opt %s --rope-gpu-tile-to-threads=block-size=-1 2>&1 | FileCheck %s --check-prefix=PASSBLOCK
// RUN: not rope-opt %s --pass-pipeline='builtin.module(func.func(rope-cpu-pipeline))' 2>&1 | FileCheck %s --check-prefix=NESTED
// RUN: not rope-opt %s --pass-pipeline='builtin.module(func.func(rope-gpu-pipeline))' 2>&1 | FileCheck %s --check-prefix=NESTEDGPU
// RUN: not rope-opt %s --pass-pipeline='builtin.module(rope-cpu-pipeline{token-tile=5000})' 2>&1 | FileCheck %s --check-prefix=TILE
// RUN: not rope-opt %s --pass-pipeline='builtin.module(rope-gpu-pipeline{chip=sm_100})' 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not rope-opt %s --pass-pipeline='builtin.module(rope-gpu-pipeline{chip=sm_1000 features=+ptx60})' 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not rope-opt %s --rope-page-walk="rows-per-iteration=4 page-bytes=0" 2>&1 | FileCheck %s --check-prefix=WALK
// RUN: not rope-opt %s --rope-prefetch="distance=64 line-bytes=0" 2>&1 | FileCheck %s --check-prefix=PREFETCH
// RUN: not rope-opt %s --pass-pipeline='builtin.module(rope-cpu-pipeline{page-walk-rows=-2})' 2>&1 | FileCheck %s --check-prefix=WALKROWS
// WALKROWS: error: rope-cpu-pipeline: page-walk-rows=-2 is out of range: expected -1..64
// PTX: error: rope-gpu-pipeline: features='+ptx80': sm_100 needs PTX ISA 8.6 or newer (+ptx86)
// CHIP: error: rope-gpu-pipeline: chip='sm_1000': expected an SM LLVM knows
// WALK: error: rope-page-walk: expected rows-per-iteration in 2..64, page-bytes a power of two
// PREFETCH: error: rope-prefetch: expected line-bytes a power of two
// RUN: not rope-opt %s --pass-pipeline='builtin.module(rope-cpu-pipeline{cpu=not-a-cpu prefetch-distance=-5})' 2>&1 | FileCheck %s --check-prefix=TWO
// PASSBLOCK: error: rope-gpu-tile-to-threads: block-size -1 is out of range: expected 1..1024
// BLOCK0: error: rope-gpu-pipeline: block-size=0 is out of range: expected 1..1024
// BLOCKBIG: error: rope-gpu-pipeline: block-size=100000 is out of range
// FORMAT: error: rope-gpu-pipeline: format='bogus': expected isa, bin or fatbin
// NESTED: error: rope-cpu-pipeline runs on a builtin.module (its passes transform whole modules), not nested on 'func.func'
// NESTEDGPU: error: rope-gpu-pipeline runs on a builtin.module
// TILE: error: rope-cpu-pipeline: token-tile=5000 is out of range: expected 0..4096
// TWO: error: rope-cpu-pipeline: prefetch-distance=-5 is out of range
// TWO-NEXT: cpu: 'not-a-cpu' is not a CPU LLVM knows
//
// A tile's cos/sin tables stay on the stack whatever token-tile asks
// (rotary dim 32: 1024 tokens of tables would be 128 KiB): no malloc.
// RUN: rope-opt %s --pass-pipeline='builtin.module(rope-cpu-pipeline{token-tile=1024 parallel=false destination-results=true})' | FileCheck %s --check-prefix=STACK
// STACK-NOT: @malloc
// STACK-LABEL: llvm.func @rope
// STACK-NOT: @malloc
// STACK: llvm.alloca
// STACK-NOT: @malloc

func.func @rope(%x: tensor<?x8x32xf32>, %p: tensor<?xi64>) -> tensor<?x8x32xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8x32xf32>
  %e = tensor.empty(%t) : tensor<?x8x32xf32>
  %y = rope.rotate half thd ins(%x : tensor<?x8x32xf32>) outs(%e : tensor<?x8x32xf32>)
      positions(%p : tensor<?xi64>) freqs(#rope.default<base = 10000.0>)
  return %y : tensor<?x8x32xf32>
}
