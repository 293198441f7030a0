"""Execution test of rope.apply with full-width (HF) cos/sin tables.

Builds a function rotating x [T, H, D] by tables [T, D] (each element its
own entry, as HF passes cat(freqs, freqs) tables, here random so that no
equality of the halves is assumed), runs it with rope-run and compares with
HF's formula in float64: x * cos + rotate(x) * sin.

Usage: full_width_tables.py --rope-run PATH --tmp DIR PAIRING DTYPE TOKEN_TILE
Prints 'PASS ...' (exit 0) or 'FAIL ...' (exit 1).
"""
import argparse
import os
import subprocess
import sys

import numpy as np

import gpu_tiled

IR = """func.func @main(%x: tensor<?x{H}x{D}x{dt}>, %c: tensor<?x{D}xf32>, %s: tensor<?x{D}xf32>) -> tensor<?x{H}x{D}x{dt}> {{
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x{H}x{D}x{dt}>
  %e = tensor.empty(%t) : tensor<?x{H}x{D}x{dt}>
  %y = rope.apply {pairing} thd ins(%x : tensor<?x{H}x{D}x{dt}>) outs(%e : tensor<?x{H}x{D}x{dt}>)
      cos_sin(%c, %s : tensor<?x{D}xf32>, tensor<?x{D}xf32>)
  return %y : tensor<?x{H}x{D}x{dt}>
}}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--gpu-tiled", default="", metavar="ROPE_OPT",
                    help="run the GPU pipeline's tiled form (gpu_tiled.py)")
    ap.add_argument("pairing", choices=["half", "interleaved"])
    ap.add_argument("dtype", choices=["f32", "bf16"])
    ap.add_argument("token_tile")
    a = ap.parse_args()
    name = "full-width-%s-%s-tile%s%s" % (a.pairing, a.dtype, a.token_tile,
                                          "-gpu-tiled" if a.gpu_tiled else "")
    tmp = os.path.join(a.tmp, name)
    os.makedirs(tmp, exist_ok=True)
    T, H, D = 19, 4, 64
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T, H, D)).astype(np.float32)
    if a.dtype == "bf16":
        bits = (x.view(np.uint32) >> 16).astype(np.uint16)
        x = (bits.astype(np.uint32) << 16).view(np.float32)
    cos = rng.standard_normal((T, D)).astype(np.float32)
    sin = rng.standard_normal((T, D)).astype(np.float32)
    with open(os.path.join(tmp, "case.mlir"), "w") as f:
        f.write(IR.format(H=H, D=D, dt=a.dtype, pairing=a.pairing))
    paths = [os.path.join(tmp, n) for n in ("x.npy", "c.npy", "s.npy", "y.npy")]
    np.save(paths[0], bits if a.dtype == "bf16" else x)
    np.save(paths[1], cos)
    np.save(paths[2], sin)
    case = os.path.join(tmp, "case.mlir")
    if a.gpu_tiled:
        tiled = os.path.join(tmp, "case-gpu-tiled.mlir")
        error = gpu_tiled.form(a.gpu_tiled, case, tiled)
        if error:
            print("FAIL %s: %s" % (name, error))
            return 1
        case = tiled
    cmd = [a.rope_run, case, "-i", ",".join(paths[:3]),
           "-o", paths[3], "--cpu-pipeline-options=token-tile=" + a.token_tile]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print("FAIL %s: rope-run exited %d: %s" % (name, proc.returncode,
                                                   proc.stderr.strip()[:2000]))
        return 1
    y = np.load(paths[3])
    if a.dtype == "bf16":
        y = (y.astype(np.uint32) << 16).view(np.float32)
    xd = x.astype(np.float64)
    c = cos.astype(np.float64)[:, None, :]
    s = sin.astype(np.float64)[:, None, :]
    rot = np.empty_like(xd)
    if a.pairing == "half":
        rot[..., :D // 2], rot[..., D // 2:] = -xd[..., D // 2:], xd[..., :D // 2]
    else:
        rot[..., 0::2], rot[..., 1::2] = -xd[..., 1::2], xd[..., 0::2]
    ref = xd * c + rot * s
    err = np.abs(y - ref).max() / np.abs(ref).max()
    # f32: a few ulp; bf16: one bf16 ulp of the largest result.
    limit = 2e-6 if a.dtype == "f32" else 2.0 ** -7
    verdict = "PASS" if err <= limit else "FAIL"
    print("%s %s: max_err/max|ref|=%.3g (limit %.3g)" % (verdict, name, err, limit))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
