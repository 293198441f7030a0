"""Runs Inputs/pair-cache.mlir (rope.gather of strided cos/sin slices of a
[P, 32, 2] cache) with rope-run on random data and compares with a float64
reference. Prints 'PASS <name> ...' or 'FAIL <name> ...' (exit 1)."""
import argparse
import os
import subprocess
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rope-run", required=True)
    p.add_argument("--tmp", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--tokens", type=int, default=37)
    p.add_argument("--options", default="")
    p.add_argument("--name", default="pair-cache")
    p.add_argument("--form", default="pair", choices=["pair", "offset",
                                                      "strided"])
    a = p.parse_args()
    os.makedirs(a.tmp, exist_ok=True)
    rng = np.random.default_rng(3)
    T, H, D, P = a.tokens, 4, 64, 100
    x = rng.uniform(-1, 1, (T, H, D)).astype(np.float32)
    angles = np.arange(P)[:, None] * 10000.0 ** (-np.arange(32) / 32.0)
    tables = np.stack([np.cos(angles), np.sin(angles)], -1).astype(np.float32)
    # The cache as the IR takes it, and the two [rows, 32] views it reads.
    if a.form == "pair":
        cache = tables
        cos_view, sin_view = cache[:, :, 0], cache[:, :, 1]
    elif a.form == "offset":
        P = 50
        cache = rng.uniform(-1, 1, (60, 80)).astype(np.float32)
        cos_view, sin_view = cache[5:55, 4:36], cache[5:55, 40:72]
    else:
        P = 50
        cache = rng.uniform(-1, 1, (100, 128)).astype(np.float32)
        cos_view, sin_view = cache[0:100:2, 0:64:2], cache[1:100:2, 64:128:2]
    pos = rng.integers(0, P, T).astype(np.int64)
    paths = [os.path.join(a.tmp, n) for n in ("x.npy", "p.npy", "c.npy", "y.npy")]
    for path, arr in zip(paths, (x, pos, cache)):
        np.save(path, arr)
    cmd = [a.rope_run, a.input, "-i", ",".join(paths[:3]), "-o", paths[3]]
    if a.options:
        cmd.append("--cpu-pipeline-options=" + a.options)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        print("FAIL %s: rope-run exited %d: %s" % (a.name, r.returncode,
                                                   r.stderr.strip()))
        return 1
    y = np.load(paths[3]).astype(np.float64)
    cos = cos_view.astype(np.float64)[pos][:, None, :]
    sin = sin_view.astype(np.float64)[pos][:, None, :]
    x1, x2 = x[..., :32].astype(np.float64), x[..., 32:].astype(np.float64)
    want = np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)
    err = np.abs(y - want).max()
    # f32 results of products of f32 inputs: a few f32 roundings of values
    # below 2 in magnitude (random tables below 1: sums below 2).
    ok = err <= 4 * 2.0 ** -23 * 2
    print("%s %s: max abs error %.3g" % ("PASS" if ok else "FAIL", a.name, err))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
