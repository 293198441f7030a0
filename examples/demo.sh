#!/usr/bin/env bash
# The main job on an example: fold, lower and run Llama-3.1-8B's RoPE.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OPT="$BUILD/bin/rope-opt"
RUN="$BUILD/bin/rope-run"
OUT="$BUILD/demo"
mkdir -p "$OUT"

echo "== 1. rope-opt -canonicalize: llama3 frequencies fold to constants"
"$OPT" "$ROOT/examples/llama-3.1-8b.mlir" -canonicalize | grep -o 'rope.rotate.*inv_freqs<values = \[[^,]*, [^,]*, [^,]*' | sed 's/$/, ...]/'

echo "== 2. rope-opt --rope-cpu-pipeline: lowered to the LLVM dialect"
"$OPT" "$ROOT/examples/llama-3.1-8b.mlir" --rope-cpu-pipeline -o "$OUT/llama-3.1-8b.llvm.mlir"
echo "   wrote $OUT/llama-3.1-8b.llvm.mlir ($(grep -c llvm. "$OUT/llama-3.1-8b.llvm.mlir") LLVM-dialect lines)"

echo "== 3. rope-run: 512 tokens of Llama-3.1-8B q/k (bf16), checked against numpy float64"
/usr/bin/python3 "$ROOT/test/lib/rope_exec.py" --rope-run "$RUN" --tmp "$OUT" \
  name=llama-3.1-8b heads=32,8 dim=128 dtype=bf16 tokens=512 pos_max=131072 \
  freqs=llama3 base=500000.0 factor=8.0 l0=8192
echo "   IR, inputs and outputs: $OUT/llama-3.1-8b/"
