"""Runs a shard-partitioned layer on MPI processes (Integration/MPI).

For each process count n: the template (heads.mlir.in or tokens.mlir.in)
for a grid of n, upstream sharding-propagation + shard-partition +
convert-shard-to-mpi (rope-opt), rope-aot (rope-cpu-pipeline, one thread per
process), mpicc with layer-main.c, `mpirun -n n`. The shards the processes
write are put together and compared with the 1-process run of the same
template (bit for bit where asked) and with a float64 numpy reference of
the layer (projections, then RoPE; rope_ref.py), independent of our code.
"""
import argparse
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rope_ref as ref  # noqa: E402
from mpi_build import mpi_env, partition, run  # noqa: E402
from rope_properties import exact_angles, rotate64  # noqa: E402

T, C, HQ, HK, D = 32, 64, 8, 4, 32
POS0, POS_STEP, OFFSET = 1000, 7, 4000
# Ops that would move data between processes.
COLLECTIVES = re.compile(r"\b(shard\.(all_|broadcast|gather|recv|send|scatter|"
                         r"reduce|shift|update_halo)|mpi\.(allreduce|send|recv|"
                         r"isend|irecv|barrier|comm_split))")


# The inputs, as layer-main.c makes them (same float32 operations).
def inputs():
    t = np.arange(T)[:, None]
    c = np.arange(C)[None, :]
    x = (np.float32(1) * ((t * 131 + c * 71 + 7) % 97).astype(np.float32)
         / np.float32(97)) - np.float32(0.5)

    def w(h_count, salt):
        cc, hh, dd = np.meshgrid(np.arange(C), np.arange(h_count),
                                 np.arange(D), indexing="ij")
        v = ((cc * 37 + hh * 53 + dd * 29 + salt) % 89).astype(np.float32)
        return (v / np.float32(89) - np.float32(0.5)) * np.float32(0.25)
    return x.astype(np.float32), w(HQ, 3), w(HK, 11)


def reference(mode):
    x, wq, wk = (a.astype(np.float64) for a in inputs())
    if mode == "heads":
        pos = POS0 + POS_STEP * np.arange(T)
        f = np.array(ref.base_freqs(10000.0, D))
    else:
        pos = OFFSET + np.arange(T)
        f = np.array(ref.llama3_freqs(500000.0, 8.0, 1.0, 4.0, 8192, D))
    theta = exact_angles(pos, f)[:, None, :]
    q = np.einsum("tc,chd->thd", x, wq)
    k = np.einsum("tc,chd->thd", x, wk)
    return rotate64(q, theta, "half", D), rotate64(k, theta, "half", D)


def gather(mode, n, out):
    """The n shards of q and k, put back together."""
    parts = {}
    for name, heads in (("q", HQ), ("k", HK)):
        shards = []
        for r in range(n):
            a = np.fromfile(os.path.join(out, "%s.%d.bin" % (name, r)),
                            dtype=np.float32)
            shape = ((T, heads // n, D) if mode == "heads"
                     else (T // n, heads, D))
            shards.append(a.reshape(shape))
        parts[name] = np.concatenate(shards, axis=1 if mode == "heads" else 0)
    return parts["q"], parts["k"]


def build_and_run(args, n):
    work = os.path.join(args.tmp, "n%d" % n)
    os.makedirs(work, exist_ok=True)
    part, partitioned = partition(
        args.rope_opt, os.path.join(args.inputs, args.mode + ".mlir.in"),
        {"NPROC": n}, work)
    found = sorted(set(m.group(1) for m in COLLECTIVES.finditer(partitioned)))
    obj = os.path.join(work, "layer.o")
    run([args.rope_aot, part, "--cpu=" + args.cpu,
         "--pipeline-options=parallel=false", "-o", obj,
         "--header=" + os.path.join(work, "layer.h")])
    exe = os.path.join(work, "layer")
    split = "-DSPLIT_HEADS" if args.mode == "heads" else "-DSPLIT_TOKENS"
    run([args.mpicc, "-O1", "-DNPROC=%d" % n, split, "-I" + work,
         os.path.join(args.inputs, "layer-main.c"), obj, "-lm", "-o", exe])
    out = os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)
    print(run([args.mpirun, "--oversubscribe", "-n", str(n), exe, out],
              env=mpi_env()).strip())
    return gather(args.mode, n, out), found


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["heads", "tokens"], required=True)
    p.add_argument("--inputs", required=True)
    p.add_argument("--tmp", required=True)
    p.add_argument("--rope-opt", required=True)
    p.add_argument("--rope-aot", required=True)
    p.add_argument("--mpicc", default="mpicc")
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--cpu", default="x86-64-v3")
    p.add_argument("--nprocs", default="1,2,4")
    p.add_argument("--tolerance", type=float, default=1e-5,
                   help="max |error| / max |reference| against float64")
    args = p.parse_args()

    counts = [int(v) for v in args.nprocs.split(",")]
    assert counts[0] == 1, "the first run is the 1-process baseline"
    q_ref, k_ref = reference(args.mode)
    ok = True
    base = None
    for n in counts:
        (q, k), found = build_and_run(args, n)
        print("%s, %d processes: partitioned IR moves data: %s" %
              (args.mode, n, ", ".join(found) if found else "no"))
        ok &= not found
        err = max(np.abs(q - q_ref).max() / np.abs(q_ref).max(),
                  np.abs(k - k_ref).max() / np.abs(k_ref).max())
        good = err <= args.tolerance
        print("%s, %d processes: max error / max |float64 reference| %.2e "
              "(<= %.0e): %s" % (args.mode, n, err, args.tolerance,
                                 "PASS" if good else "FAIL"))
        ok &= good
        if base is None:
            base = (q, k)
            continue
        same = all(np.array_equal(a.view(np.uint32), b.view(np.uint32))
                   for a, b in zip((q, k), base))
        print("%s, %d processes: equal to the 1-process run bit for bit: %s" %
              (args.mode, n, "yes" if same else "no"))
        ok &= same
    print("mpi layer %s: %s" % (args.mode, "PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
