"""Scale-out benchmark: Llama-3-8B q+k rope over MPI processes.

The same rope.rotate (bench/scale-out/rope.mlir.in, bf16, 32 and 8 heads,
head_dim 128) at --tokens tokens, partitioned by upstream
sharding-propagation + shard-partition for 1 or 2 processes, lowered with
convert-shard-to-mpi and rope-aot, timed by bench/scale-out/main.c: a
step is the slowest process's kernel time between barriers, best of
--iters; the baseline is a memcpy of the same bytes in the same run (per
process: its shard; on the OpenMP threads in the threaded configuration). Configurations: one process with one thread, one
process with OpenMP threads (rope-cpu-pipeline's default parallel loops),
two processes splitting the tokens (context parallel: offsets moved by
the partitioner), two processes splitting the heads (tensor parallel).
"""
import argparse
import json
import os
import platform
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "test", "lib"))
from mpi_build import mpi_env, partition, run  # noqa: E402

SPLITS = {"tokens": "[[0]]", "heads": "[[], [0]]"}
HQ, HK = 32, 8


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def build(args, name, nproc, split, parallel):
    work = os.path.join(args.tmp, name)
    os.makedirs(work, exist_ok=True)
    src_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "scale-out")
    part, _ = partition(
        args.rope_opt, os.path.join(src_dir, "rope.mlir.in"),
        {"NPROC": nproc, "T": args.tokens, "SPLIT_NAME": split,
         "SPLIT": SPLITS[split]}, work)
    obj = os.path.join(work, "rope.o")
    run([args.rope_aot, part, "--cpu=host",
         "--pipeline-options=parallel=%s" % ("true" if parallel else "false"),
         "-o", obj, "--header=" + os.path.join(work, "rope.h")])
    tl = args.tokens // nproc if split == "tokens" else args.tokens
    hq = HQ // nproc if split == "heads" else HQ
    hk = HK // nproc if split == "heads" else HK
    exe = os.path.join(work, "bench")
    cmd = [args.mpicc, "-O2", "-DTL=%d" % tl, "-DHQL=%d" % hq,
           "-DHKL=%d" % hk, "-I" + work, os.path.join(src_dir, "main.c"), obj,
           "-lm", "-o", exe]
    env = None
    if parallel:
        # The kernel's OpenMP runtime is LLVM's libomp: the driver's copy
        # baseline uses the same, through clang.
        env = dict(os.environ, OMPI_CC=args.clang)
        cmd += ["-fopenmp=libomp", "-L" + args.omp_lib_dir,
                "-Wl,-rpath," + args.omp_lib_dir]
    run(cmd, env=env)
    return exe


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rope-opt", required=True)
    p.add_argument("--rope-aot", required=True)
    p.add_argument("--mpicc", default="mpicc")
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--omp-lib-dir", default="/usr/lib/llvm-22/lib")
    p.add_argument("--clang", default="/usr/lib/llvm-22/bin/clang")
    p.add_argument("--tokens", type=int, default=32768)
    p.add_argument("--threads", type=int, default=2,
                   help="OpenMP threads of the one-process parallel run")
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--tmp", required=True)
    p.add_argument("--json")
    args = p.parse_args()

    configs = [
        ("1 process, 1 thread", 1, "tokens", False, 1),
        ("1 process, %d OpenMP threads" % args.threads, 1, "tokens", True,
         args.threads),
        ("2 processes, tokens split", 2, "tokens", False, 1),
        ("2 processes, heads split", 2, "heads", False, 1),
    ]
    mib = args.tokens * (HQ + HK) * 128 * 2 * 2 / 2**20
    print("# scale_out_bench.py: host %s, %d CPUs; Llama-3-8B q+k bf16, "
          "%d tokens (%.0f MiB read + written); time of a step = slowest "
          "process, best of %d; copy = memcpy of the same bytes, same run"
          % (cpu_name(), os.cpu_count(), args.tokens, mib, args.iters))
    print("%-32s %12s %12s %10s" % ("configuration", "kernel_us", "copy_us",
                                    "copy/kern"))
    rows = []
    for i, (label, nproc, split, parallel, threads) in enumerate(configs):
        exe = build(args, "c%d" % i, nproc, split, parallel)
        cenv = mpi_env(OMP_NUM_THREADS=str(threads))
        out = run([args.mpirun, "--oversubscribe", "--bind-to", "none",
                   "-n", str(nproc), exe, str(args.iters)], env=cenv)
        fields = out.split()
        kern = float(fields[fields.index("kernel_us") + 1])
        copy = float(fields[fields.index("copy_us") + 1])
        rows.append({"configuration": label, "processes": nproc,
                     "split": split if nproc > 1 else None,
                     "threads_per_process": threads, "tokens": args.tokens,
                     "kernel_us": kern, "copy_us": copy})
        print("%-32s %12.1f %12.1f %10.2f" % (label, kern, copy, copy / kern))
    base = rows[0]["kernel_us"]
    print("speed-up over 1 process, 1 thread: " + ", ".join(
        "%s %.2fx" % (r["configuration"], base / r["kernel_us"])
        for r in rows[1:]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"host": cpu_name(), "cpus": os.cpu_count(),
                       "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
