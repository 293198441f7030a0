"""Runs every ONNX RotaryEmbedding-23 conformance case through rope-run.

For each case directory (case.json, input_*.npy, expected.npy) it writes the
equivalent rope.rotate function (cache form), runs it on the case's inputs
and compares with expected.npy. Prints one PASS/FAIL line per case.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

ATOL = 1e-6  # expected.npy is computed in float32 by the ONNX reference


def build_ir(case, shapes):
    attrs = case["attributes"]
    pairing = "interleaved" if attrs.get("interleaved") else "half"
    x_shape = shapes["X"]
    cos_shape = shapes["cos_cache"]
    has_ids = "position_ids" in shapes
    t = lambda s: "tensor<%sxf32>" % "x".join(map(str, s))
    args = ["%x: " + t(x_shape), "%cos: " + t(cos_shape), "%sin: " + t(cos_shape)]
    if has_ids:
        args.append("%%ids: tensor<%sxi64>" % "x".join(map(str, shapes["position_ids"])))
    lines = ["func.func @main(%s) -> %s {" % (", ".join(args), t(x_shape))]
    if len(x_shape) == 4:  # (batch, heads, seq, head_size)
        layout, xv, vshape = "bhsd", "%x", x_shape
        head_dim = x_shape[3]
    else:  # (batch, seq, heads * head_size)
        heads = attrs["num_heads"]
        head_dim = x_shape[2] // heads
        vshape = [x_shape[0], x_shape[1], heads, head_dim]
        lines.append("  %%xv = tensor.expand_shape %%x [[0], [1], [2, 3]] output_shape [%s] : %s into %s"
                     % (", ".join(map(str, vshape)), t(x_shape), t(vshape)))
        layout, xv = "bshd", "%xv"
    rotary = attrs.get("rotary_embedding_dim") or head_dim
    lines.append("  %%init = tensor.empty() : %s" % t(vshape))
    pos = "positions(%%ids : tensor<%sxi64>) " % "x".join(map(str, shapes["position_ids"])) if has_ids else ""
    lines.append("  %%y = rope.rotate %s %s ins(%s : %s) outs(%%init : %s) %scache(%%cos, %%sin : %s, %s) rotary_dim = %d"
                 % (pairing, layout, xv, t(vshape), t(vshape), pos, t(cos_shape), t(cos_shape), rotary))
    if len(x_shape) == 3:
        lines.append("  %%r = tensor.collapse_shape %%y [[0], [1], [2, 3]] : %s into %s" % (t(vshape), t(x_shape)))
        lines.append("  return %%r : %s" % t(x_shape))
    else:
        lines.append("  return %%y : %s" % t(x_shape))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--tmp", required=True)
    opts = ap.parse_args()
    os.makedirs(opts.tmp, exist_ok=True)
    names = sorted(d for d in os.listdir(opts.cases)
                   if os.path.isfile(os.path.join(opts.cases, d, "case.json")))
    if not names:
        print("FAIL: no conformance cases under " + opts.cases)
        return 1
    failures = 0
    for name in names:
        cdir = os.path.join(opts.cases, name)
        with open(os.path.join(cdir, "case.json")) as f:
            case = json.load(f)
        files, shapes = {}, {}
        for inp in case["inputs"]:
            files[inp["role"]] = os.path.join(cdir, inp["file"])
            shapes[inp["role"]] = inp["shape"]
        ir_path = os.path.join(opts.tmp, name + ".mlir")
        with open(ir_path, "w") as f:
            f.write(build_ir(case, shapes))
        out = os.path.join(opts.tmp, name + ".out.npy")
        order = ["X", "cos_cache", "sin_cache"] + (["position_ids"] if "position_ids" in files else [])
        proc = subprocess.run([opts.rope_run, ir_path, "-i", ",".join(files[r] for r in order),
                               "-o", out], capture_output=True, text=True)
        if proc.returncode != 0:
            print("FAIL %s: rope-run exited %d: %s" % (name, proc.returncode, proc.stderr.strip()))
            failures += 1
            continue
        got = np.load(out)
        expected = np.load(os.path.join(cdir, case["expected"]["file"]))
        err = float(np.abs(got.astype(np.float64) - expected).max()) if got.shape == expected.shape else float("inf")
        ok = err <= ATOL
        failures += not ok
        print("%s %s: max |y - expected| = %.3g (atol %g)" % ("PASS" if ok else "FAIL", name, err, ATOL))
    print("%d passed, %d failed" % (len(names) - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
