"""Execution test of a mixed module: linalg.matmul -> rope.rotate ->
linalg.batch_matmul in one function, through the CPU pipeline.

The function projects activations a [T, 64] by w [64, H*D] into q [T, H, D],
rotates q (Llama-style half pairing, base 10000, explicit positions), moves
heads first and multiplies by v [H, T, D] transposed: scores [H, T, T]. It
runs with rope-run and is compared with the same computation in float64
numpy. Usage: mixed_module.py --rope-run PATH --tmp DIR [PIPELINE_OPTIONS]
Prints 'PASS ...' (exit 0) or 'FAIL ...' (exit 1).
"""
import argparse
import os
import subprocess
import sys

import numpy as np

T, H, D, E = 16, 4, 64, 64

IR = """func.func @main(%a: tensor<{T}x{E}xf32>, %w: tensor<{E}x{HD}xf32>, %pos: tensor<{T}xi64>, %v: tensor<{H}x{T}x{D}xf32>) -> tensor<{H}x{T}x{T}xf32> {{
  %z = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<{T}x{HD}xf32>
  %f0 = linalg.fill ins(%z : f32) outs(%e0 : tensor<{T}x{HD}xf32>) -> tensor<{T}x{HD}xf32>
  %x = linalg.matmul ins(%a, %w : tensor<{T}x{E}xf32>, tensor<{E}x{HD}xf32>) outs(%f0 : tensor<{T}x{HD}xf32>) -> tensor<{T}x{HD}xf32>
  %x3 = tensor.expand_shape %x [[0], [1, 2]] output_shape [{T}, {H}, {D}] : tensor<{T}x{HD}xf32> into tensor<{T}x{H}x{D}xf32>
  %e1 = tensor.empty() : tensor<{T}x{H}x{D}xf32>
  %r = rope.rotate half thd ins(%x3 : tensor<{T}x{H}x{D}xf32>) outs(%e1 : tensor<{T}x{H}x{D}xf32>)
      positions(%pos : tensor<{T}xi64>) freqs(#rope.default<base = 10000.0>)
  %e2 = tensor.empty() : tensor<{H}x{T}x{D}xf32>
  %q = linalg.transpose ins(%r : tensor<{T}x{H}x{D}xf32>) outs(%e2 : tensor<{H}x{T}x{D}xf32>) permutation = [1, 0, 2]
  %e3 = tensor.empty() : tensor<{H}x{D}x{T}xf32>
  %vt = linalg.transpose ins(%v : tensor<{H}x{T}x{D}xf32>) outs(%e3 : tensor<{H}x{D}x{T}xf32>) permutation = [0, 2, 1]
  %e4 = tensor.empty() : tensor<{H}x{T}x{T}xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<{H}x{T}x{T}xf32>) -> tensor<{H}x{T}x{T}xf32>
  %s = linalg.batch_matmul ins(%q, %vt : tensor<{H}x{T}x{D}xf32>, tensor<{H}x{D}x{T}xf32>) outs(%f4 : tensor<{H}x{T}x{T}xf32>) -> tensor<{H}x{T}x{T}xf32>
  return %s : tensor<{H}x{T}x{T}xf32>
}}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("options", nargs="?", default="")
    a = ap.parse_args()
    name = "mixed-matmul-rope-batch-matmul" + ("-" + a.options if a.options else "")
    tmp = os.path.join(a.tmp, name.replace(" ", "_").replace("=", "_"))
    os.makedirs(tmp, exist_ok=True)
    rng = np.random.default_rng(1)
    act = rng.standard_normal((T, E)).astype(np.float32)
    w = (rng.standard_normal((E, H * D)) / 8).astype(np.float32)
    pos = rng.integers(0, 8192, T).astype(np.int64)
    v = rng.standard_normal((H, T, D)).astype(np.float32)
    case = os.path.join(tmp, "case.mlir")
    with open(case, "w") as f:
        f.write(IR.format(T=T, E=E, H=H, D=D, HD=H * D))
    paths = [os.path.join(tmp, n) for n in ("a.npy", "w.npy", "p.npy", "v.npy", "s.npy")]
    for p, arr in zip(paths, (act, w, pos, v)):
        np.save(p, arr)
    cmd = [a.rope_run, case, "-i", ",".join(paths[:4]), "-o", paths[4]]
    if a.options:
        cmd.append("--cpu-pipeline-options=" + a.options)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print("FAIL %s: rope-run exited %d: %s" % (name, proc.returncode,
                                                   proc.stderr.strip()[:2000]))
        return 1
    got = np.load(paths[4]).astype(np.float64)
    # The same function in float64.
    x = (act.astype(np.float64) @ w.astype(np.float64)).reshape(T, H, D)
    inv = 1.0 / 10000.0 ** (np.arange(0, D, 2, dtype=np.float64) / D)
    ang = pos.astype(np.float64)[:, None] * inv[None, :]
    c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    x1, x2 = x[..., :D // 2], x[..., D // 2:]
    r = np.concatenate([x1 * c - x2 * s, x2 * c + x1 * s], axis=-1)
    ref = np.einsum("htd,hsd->hts", r.transpose(1, 0, 2), v.astype(np.float64))
    err = np.abs(got - ref).max() / np.abs(ref).max()
    # f32 matmuls of length 64 and the rotation: a few float32 ulp of the
    # largest score.
    limit = 1e-5
    verdict = "PASS" if err <= limit else "FAIL"
    print("%s %s: max_err/max|ref|=%.3g (limit %.3g)" % (verdict, name, err, limit))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
