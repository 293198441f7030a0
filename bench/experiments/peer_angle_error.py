"""cos/sin error of the f32 angle that common RoPE implementations form.

HF transformers (`position_ids.float() @ inv_freq.float()`), vLLM
(`cos_sin_cache` from `torch.arange(...).float()` times `inv_freq`) and
llama.cpp (`theta = p * theta_scale^i` in float) form the angle p * f in
f32 before cos/sin. This measures that step alone (cos/sin then taken in
float64, the best case for them) against the exact angle, per position
range, for f = 1 (the first frequency). rope-mlir's figures come from
test/Integration/CPU/accuracy-sweep.test.

Usage: /usr/bin/python3 bench/experiments/peer_angle_error.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test", "lib"))
import rope_ref as ref  # noqa: E402

rng = np.random.default_rng(0)
edges = [0] + [2 ** k for k in range(10, 31, 2)] + [2 ** 31]
freqs = [1.0, 500000.0 ** (-2.0 / 128)]  # f_0 and f_1 of Llama-3
print("|position| range          f32 angle: max |cos/sin error|  (f = 1, f = %.4f)" % freqs[1])
for lo, hi in zip(edges[:-1], edges[1:]):
    p = rng.integers(lo, hi, size=4000).astype(np.int64)
    row = []
    for f in freqs:
        exact = ref.reduced_angles(p, np.full(p.shape, f))
        f32 = (p.astype(np.float32) * np.float32(f)).astype(np.float64)
        err = max(np.abs(np.cos(f32) - np.cos(exact)).max(),
                  np.abs(np.sin(f32) - np.sin(exact)).max())
        row.append(err)
    print("[%10d, %10d)  %.2e  %.2e" % (lo, hi, row[0], row[1]))
