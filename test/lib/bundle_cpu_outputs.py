"""Writes the GPU check bundle's outputs with the CPU pipeline instead of the
GPU (rope-run on each case's case.mlir and inputs), so that check.py can be
tested where there is no GPU. With --corrupt NAME, one element of that
case's first output is changed afterwards (the checker must fail it).

Usage: bundle_cpu_outputs.py --rope-run PATH BUNDLE OUTDIR [--corrupt NAME]
"""
import argparse
import os
import subprocess
import sys

import numpy as np

import fused_graphs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("bundle")
    ap.add_argument("outdir")
    ap.add_argument("--corrupt", default="")
    a = ap.parse_args()
    with open(os.path.join(a.bundle, "cases.txt")) as f:
        lines = [l.split() for l in f if l.strip() and not l.startswith("#")]
    with open(os.path.join(a.bundle, "specs.txt")) as f:
        specs = dict(l.split(None, 1) for l in f if l.strip())
    for name, _, nout, *args in lines:
        out = os.path.join(a.outdir, name)
        os.makedirs(out, exist_ok=True)
        ys = [os.path.join(out, "y%d.npy" % k) for k in range(int(nout))]
        results = ys
        if specs[name].startswith("fused "):
            # Every result, the caches updated in place (u<k>) among them.
            fresh, caches, results = iter(ys), 0, []
            for r in fused_graphs.outputs(specs[name].split()[1]):
                if r in ("kc2", "vc2"):
                    results.append(os.path.join(out, "u%d.npy" % caches))
                    caches += 1
                else:
                    results.append(next(fresh))
        cmd = [a.rope_run, os.path.join(a.bundle, "cases", name, "case.mlir"),
               "-i", ",".join(os.path.join(a.bundle, x[2:]) for x in args if x[0] != "o"),
               "-o", ",".join(results)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print("rope-run failed on %s: %s" % (name, proc.stderr))
            return 1
        if name == a.corrupt:
            y = np.load(ys[0])
            flat = y.reshape(-1)
            if flat.dtype.kind in "ui":
                flat[flat.size // 2] ^= 0x40
            else:
                flat[flat.size // 2] += 0.25
            np.save(ys[0], y)
    print("wrote CPU outputs of %d cases" % len(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
