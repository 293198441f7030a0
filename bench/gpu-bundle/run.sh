#!/bin/sh
# The GPU check bundle, on CUDA device 0, in one go (about 7 minutes at most):
# the execution forms against float64 numpy, then the timings (our kernels,
# the same-bytes copy, an empty launch, PyTorch eager and torch.compile).
# Everything lands in results/; summary.txt first.
# REPEAT (default 20): timed runs per case; PYTHON (default python3): one
# with numpy (and torch).
cd "$(dirname "$0")" || exit 1
REPEAT=${REPEAT:-20}
PYTHON=${PYTHON:-python3}
mkdir -p results out
: > results/summary.txt
say() { echo "$*" | tee -a results/summary.txt; }
(nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv) > results/device.txt 2>&1
say "device: $(head -1 results/device.txt)"
timeout 20 ./rope-gpu-runner info >> results/summary.txt 2>&1
timeout 60 ./rope-gpu-runner check cases.txt out > results/runner-check.txt 2>&1
say "runner check: exit $?"
timeout 60 $PYTHON check.py . out > results/check.txt 2>&1
say "float64 check: exit $? ($(tail -1 results/check.txt))"
grep -E "^FAIL" results/check.txt >> results/summary.txt
timeout 60 ./rope-gpu-runner bench bench.txt results/rope-bench.json $REPEAT > results/rope-bench.txt 2>&1
say "rope bench: exit $?"
timeout 100 $PYTHON torch_gpu.py bench.txt results/torch.json $REPEAT > results/torch.txt 2>&1
say "torch bench: exit $?"
timeout 40 ./rope-gpu-runner bench-fused fused-bench.txt results/fused-bench.json $REPEAT > results/fused-bench.txt 2>&1
say "fused bench: exit $?"
timeout 100 $PYTHON torch_gpu.py --fused fused-bench.txt results/torch-fused.json $REPEAT > results/torch-fused.txt 2>&1
say "torch fused bench: exit $?"
$PYTHON summarize.py results/rope-bench.json results/torch.json > results/performance.txt 2>&1
$PYTHON summarize.py --fused results/fused-bench.json results/torch-fused.json >> results/performance.txt 2>&1
cat results/performance.txt >> results/summary.txt
cat results/summary.txt
