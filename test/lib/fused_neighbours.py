"""Execution test of a neighbour fused into the rope tiles: QK RMSNorm over
head_dim (f32 math; f32 or bf16 storage, Qwen3's q_norm/k_norm), then rope
on q and k, through the CPU pipeline, against the same computation in
float64 numpy. Usage: fused_neighbours.py --rope-run PATH --tmp DIR
{f32,bf16} [PIPELINE_OPTIONS]. Prints 'PASS ...' (exit 0) or 'FAIL ...'.
With --emit-ir it prints the IR and exits (for FileCheck)."""
import argparse
import os
import subprocess
import sys

import numpy as np

from npy_util import from_storage, to_storage

T, HQ, HK, D, EPS = 37, 8, 2, 128, 1e-6

NORM = """  %z_{n} = linalg.fill ins(%zero : f32) outs(%e2_{n} : tensor<{T}x{H}xf32>) -> tensor<{T}x{H}xf32>
  %ss_{n} = linalg.generic {{indexing_maps = [#id3, #row], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%{n} : tensor<{T}x{H}x{D}x{e}>) outs(%z_{n} : tensor<{T}x{H}xf32>) {{
  ^bb0(%x: {e}, %acc: f32):
    %xf = {ext}
    %sq = arith.mulf %xf, %xf : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  }} -> tensor<{T}x{H}xf32>
  %n_{n} = linalg.generic {{indexing_maps = [#id3, #row, #dim, #id3], iterator_types = ["parallel", "parallel", "parallel"]}}
      ins(%{n}, %ss_{n}, %w{n} : tensor<{T}x{H}x{D}x{e}>, tensor<{T}x{H}xf32>, tensor<{D}xf32>) outs(%e3_{n} : tensor<{T}x{H}x{D}x{e}>) {{
  ^bb0(%x: {e}, %s: f32, %g: f32, %o: {e}):
    %xf = {ext}
    %m = arith.divf %s, %dim : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %xn = arith.mulf %xf, %r : f32
    %y = arith.mulf %xn, %g : f32
    %yt = {trunc}
    linalg.yield %yt : {e}
  }} -> tensor<{T}x{H}x{D}x{e}>
"""

IR = """#id3 = affine_map<(t, h, d) -> (t, h, d)>
#row = affine_map<(t, h, d) -> (t, h)>
#dim = affine_map<(t, h, d) -> (d)>
func.func @main(%q: tensor<{T}x{HQ}x{D}x{e}>, %k: tensor<{T}x{HK}x{D}x{e}>, %wq: tensor<{D}xf32>, %wk: tensor<{D}xf32>, %pos: tensor<{T}xi64>) -> (tensor<{T}x{HQ}x{D}x{e}>, tensor<{T}x{HK}x{D}x{e}>) {{
  %zero = arith.constant 0.0 : f32
  %dim = arith.constant {D}.0 : f32
  %eps = arith.constant {eps} : f32
  %e2_q = tensor.empty() : tensor<{T}x{HQ}xf32>
  %e2_k = tensor.empty() : tensor<{T}x{HK}xf32>
  %e3_q = tensor.empty() : tensor<{T}x{HQ}x{D}x{e}>
  %e3_k = tensor.empty() : tensor<{T}x{HK}x{D}x{e}>
{norm_q}{norm_k}  %oq = tensor.empty() : tensor<{T}x{HQ}x{D}x{e}>
  %ok = tensor.empty() : tensor<{T}x{HK}x{D}x{e}>
  %rq, %rk = rope.rotate half thd ins(%n_q, %n_k : tensor<{T}x{HQ}x{D}x{e}>, tensor<{T}x{HK}x{D}x{e}>)
      outs(%oq, %ok : tensor<{T}x{HQ}x{D}x{e}>, tensor<{T}x{HK}x{D}x{e}>)
      positions(%pos : tensor<{T}xi64>) freqs(#rope.default<base = 1000000.0>)
  return %rq, %rk : tensor<{T}x{HQ}x{D}x{e}>, tensor<{T}x{HK}x{D}x{e}>
}}
"""


def ir(dtype):
    e = "f32" if dtype == "f32" else "bf16"
    ext = "arith.addf %x, %zero : f32" if e == "f32" else "arith.extf %x : bf16 to f32"
    trunc = "arith.addf %y, %zero : f32" if e == "f32" else "arith.truncf %y : f32 to bf16"
    norms = {n: NORM.format(n=n, T=T, H=h, D=D, e=e, ext=ext, trunc=trunc)
             for n, h in (("q", HQ), ("k", HK))}
    return IR.format(T=T, HQ=HQ, HK=HK, D=D, e=e, eps="%.1e" % EPS,
                     norm_q=norms["q"], norm_k=norms["k"])


def reference(x, w, pos):
    ms = (x * x).mean(-1, keepdims=True)
    n = x / np.sqrt(ms + EPS) * w
    inv = 1.0 / 1000000.0 ** (np.arange(0, D, 2, dtype=np.float64) / D)
    a = pos.astype(np.float64)[:, None] * inv[None, :]
    c, s = np.cos(a)[:, None, :], np.sin(a)[:, None, :]
    n1, n2 = n[..., :D // 2], n[..., D // 2:]
    return np.concatenate([n1 * c - n2 * s, n2 * c + n1 * s], axis=-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", default="")
    ap.add_argument("--tmp", default="")
    ap.add_argument("--emit-ir", action="store_true")
    ap.add_argument("dtype", choices=["f32", "bf16"])
    ap.add_argument("options", nargs="?", default="")
    a = ap.parse_args()
    if a.emit_ir:
        print(ir(a.dtype))
        return 0
    name = "qk-norm-rope-%s%s" % (a.dtype, "-" + a.options if a.options else "")
    tmp = os.path.join(a.tmp, name.replace(" ", "_").replace("=", "_"))
    os.makedirs(tmp, exist_ok=True)
    rng = np.random.default_rng(5)
    q = (rng.standard_normal((T, HQ, D)) * 3).astype(np.float32)
    k = (rng.standard_normal((T, HK, D)) * 3).astype(np.float32)
    wq = rng.uniform(0.5, 1.5, D).astype(np.float32)
    wk = rng.uniform(0.5, 1.5, D).astype(np.float32)
    pos = rng.integers(0, 32768, T).astype(np.int64)
    qs, ks = to_storage(q.astype(np.float64), a.dtype), to_storage(k.astype(np.float64), a.dtype)
    q64, k64 = from_storage(qs, a.dtype), from_storage(ks, a.dtype)
    case = os.path.join(tmp, "case.mlir")
    with open(case, "w") as f:
        f.write(ir(a.dtype))
    paths = [os.path.join(tmp, n + ".npy") for n in ("q", "k", "wq", "wk", "p", "oq", "ok")]
    for p, arr in zip(paths, (qs, ks, wq, wk, pos)):
        np.save(p, arr)
    cmd = [a.rope_run, case, "-i", ",".join(paths[:5]), "-o", ",".join(paths[5:])]
    if a.options:
        cmd.append("--cpu-pipeline-options=" + a.options)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print("FAIL %s: rope-run exited %d: %s" % (name, proc.returncode,
                                                   proc.stderr.strip()[:2000]))
        return 1
    worst = 0.0
    for out, x64, w in ((paths[5], q64, wq), (paths[6], k64, wk)):
        got = from_storage(np.load(out), a.dtype)
        ref = reference(x64, w.astype(np.float64), pos)
        worst = max(worst, np.abs(got.astype(np.float64) - ref).max() / np.abs(ref).max())
    # f32: the norm and the rotation in f32 (a few ulp); bf16: the
    # normalized values and the results rounded to bf16 (2^-9 each).
    bound = 2e-6 if a.dtype == "f32" else 8e-3
    if worst > bound:
        print("FAIL %s: max relative error %.3g > %.3g" % (name, worst, bound))
        return 1
    print("PASS %s: max relative error %.3g" % (name, worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
