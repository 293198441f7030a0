"""Fusion benchmark: each graph of test/lib/fused_graphs.py (rope with its
neighbours, Llama-3-8B q/k/v shapes: 32 and 8 heads of 128, bf16 storage,
KV caches of T + 4096 rows) fused (the default), with fusion off
(fuse-neighbours=0) and rope on q and k alone, in the same run on the same
inputs, at 16, 512 and 4096 tokens.

    fusion_bench.py --rope-run PATH --tmp DIR [--tokens 16,512,4096]
                    [--graphs ...] [--repeat 20] [--rounds 2] [--json OUT]
                    [--named-norm] [--return-rotated-k]

Times are rope-run's per-call minimum over --repeat calls, the best of
--rounds rounds in which the three variants alternate. Prints per graph and
token count the times (us) and the ratios fused/rope-alone (goal <= 1.15 at
>= 512 tokens) and unfused/fused (goal >= 2).
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "lib"))
import fused_graphs as g  # noqa: E402

HQ, HK, D = 32, 8, 128
GRAPHS = ("qk-norm", "kv-cache", "fp8", "fp8-token", "qkv-split", "qkv-bias", "chain", "paged")


def host():
    model = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d CPUs" % (model, os.cpu_count() or 0)


def prepare(tmp, graph, T, e, named_norm=False, rotated_k=False):
    d = os.path.join(tmp, "%s-%d%s%s" % (graph, T, "-named" if named_norm else "",
                                         "-rk" if rotated_k else ""))
    os.makedirs(d, exist_ok=True)
    P = T + 4096
    ins, _ = g.inputs(graph, T, HQ, HK, D, P, e, off=2048)
    case = os.path.join(d, "case.mlir")
    with open(case, "w") as f:
        text = g.ir(graph, T, HQ, HK, D, P, e, named_norm=named_norm)
        f.write(g.return_rotated_k(text, T, HK, D, e) if rotated_k else text)
    paths = []
    for n, arr in ins:
        paths.append(os.path.join(d, n + ".npy"))
        np.save(paths[-1], arr)
    outs = [os.path.join(d, "out_%s.npy" % n)
            for n in g.outputs(graph) + (("rk",) if rotated_k else ())]
    return case, paths, outs


def time_us(rope_run, case, ins, outs, options, repeat):
    cmd = [rope_run, case, "-i", ",".join(ins), "-o", ",".join(outs),
           "--repeat=%d" % repeat]
    if options:
        cmd.append("--cpu-pipeline-options=" + options)
    p = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"min ([0-9.e+-]+) us", p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.strip()[:500]))
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--tokens", default="16,512,4096")
    ap.add_argument("--graphs", default=",".join(GRAPHS))
    ap.add_argument("--dtype", default="bf16", choices=["f32", "bf16"])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--named-norm", action="store_true",
                    help="norms written in named ops (linalg.map/mul/reduce/broadcast)")
    ap.add_argument("--return-rotated-k", action="store_true",
                    help="fp8 graphs return the rotated k as well as its quantization")
    ap.add_argument("--json")
    a = ap.parse_args()
    print("# fusion_bench.py: host %s; %s storage, q %d heads, k/v %d heads, "
          "head_dim %d; rope-run default CPU pipeline (threads: OpenMP default)%s"
          % (host(), a.dtype, HQ, HK, D, ("; norms in named ops" if a.named_norm else "") +
             ("; rotated k returned too" if a.return_rotated_k else "")))
    print("%-10s %6s %10s %10s %10s %8s %9s" % ("graph", "tokens", "fused_us", "unfused_us",
                                               "rope_us", "f/rope", "unf/fused"))
    rows = []
    for T in [int(t) for t in a.tokens.split(",")]:
        rope_case = prepare(a.tmp, "rope-only", T, a.dtype)
        for graph in a.graphs.split(","):
            case = prepare(a.tmp, graph, T, a.dtype, a.named_norm, a.return_rotated_k)
            best = {"fused": float("inf"), "unfused": float("inf"), "rope": float("inf")}
            for _ in range(a.rounds):
                best["fused"] = min(best["fused"], time_us(a.rope_run, *case, "", a.repeat))
                best["unfused"] = min(best["unfused"], time_us(
                    a.rope_run, *case, "fuse-neighbours=0", max(3, a.repeat // 4)))
                best["rope"] = min(best["rope"], time_us(a.rope_run, *rope_case, "", a.repeat))
            row = dict(graph=graph, tokens=T, **{k + "_us": v for k, v in best.items()})
            row["fused_over_rope"] = best["fused"] / best["rope"]
            row["unfused_over_fused"] = best["unfused"] / best["fused"]
            rows.append(row)
            print("%-10s %6d %10.1f %10.1f %10.1f %8.2f %9.2f" % (
                graph, T, best["fused"], best["unfused"], best["rope"],
                row["fused_over_rope"], row["unfused_over_fused"]), flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"host": host(), "dtype": a.dtype, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
