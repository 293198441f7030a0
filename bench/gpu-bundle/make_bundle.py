"""Builds the GPU check bundle (make gpu-bundle): everything the GPU machine
runs, prepared here where there is no GPU.

    make_bundle.py --build BUILD_DIR --out BUNDLE_DIR --cxx CLANG++ --cuda-include DIR

Writes into BUNDLE_DIR:
  rope-gpu-runner  one executable: every kernel (rope-aot --target=cuda:
                   host code plus PTX for sm_90, caller-provided device
                   buffers), the mgpu* runtime with the CUDA driver loaded at
                   run time (dlopen libcuda.so.1), libstdc++ linked in
                   (needs glibc 2.34 or newer)
  cases/NAME/      the execution-test forms: case.mlir, inputs (.npy)
  cases.txt        one check case per line: kernel, outputs, arguments
  specs.txt        the rope_exec.py spec of each check case (the reference),
                   or 'properties DTYPE CONFIG' (rope_properties.py: norm kept,
                   scores invariant under shifts up to 2^30, relative rotation)
  bench.txt        the timing cases (Llama-3-8B q+k, 1 .. 131072 tokens)
  fused-bench.txt  rope with its neighbours (fused_graphs.py, one kernel
                   each) at Llama-3-8B shapes, 16 / 512 / 4096 tokens
  check.py, rope_exec.py, rope_ref.py, npy_util.py, rope_properties.py,
  fused_graphs.py, fused_neighbours.py, fp8_check.py, gpu_tiled.py
                   the float64 checker (cases 'fused GRAPH DTYPE FMT': the
                   fused graphs against fused_neighbours.compare)
  torch_gpu.py     PyTorch eager / torch.compile timings of the same cases
  summarize.py, run.sh   one script running it all, results in results/
"""
import argparse
import os
import shutil
import subprocess
import sys

import numpy as np

# rope-aot of a sanitized build (make test-sanitized) runs with the options
# of the sanitized suite: libMLIR's BumpPtrAllocator poisoning is not ours to
# report (docs/fuzzing.md). No effect on an ordinary build.
os.environ["ASAN_OPTIONS"] = ":".join(
    filter(None, [os.environ.get("ASAN_OPTIONS", ""), "allow_user_poisoning=0"]))

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "test", "lib"))
import fused_graphs  # noqa: E402
import fused_neighbours  # noqa: E402
import rope_exec  # noqa: E402
import rope_properties  # noqa: E402

# Every form test/Integration/CUDA/forms.test executes (a Llama-sized case
# at 512 tokens instead of 4096, to keep the bundle small), and the accuracy
# sweep: |p| < 2^31 at every scale, reported by position range.
CHECK_CASES = [
    "name=half-thd",
    "name=inter-bshd pairing=interleaved layout=bshd tokens=2,7",
    "name=partial-bhsd rotary=16 layout=bhsd tokens=2,5 dtype=f16",
    "name=offset pos=offset offset=1000 layout=bshd tokens=2,5",
    "name=llama-qk-bf16 heads=32,8 dim=128 dtype=bf16 tokens=512 freqs=llama3 base=500000.0 factor=8.0 l0=8192",
    "name=yarn freqs=yarn factor=40.0",
    "name=cache freqs=cache cache_rows=64 pos_max=64",
    "name=per-token freqs=pertoken pos=none layout=bshd tokens=2,5",
    "name=mrope mrope=16,24,24 dim=128 heads=4,2",
    "name=mrope-interleaved mrope=24,20,20 mrope_interleaved=1 dim=128 heads=4,2",
    "name=inverse-roundtrip roundtrip=1 heads=4,2",
    "name=tokens-1 tokens=1 heads=32,8 dim=128",
    "name=ntk-at-l0 freqs=dynamic_ntk factor=2.0 pos_pattern=arange pos_stride=585 tokens=8",
    "name=ntk-above freqs=dynamic_ntk factor=2.0 pos_pattern=arange pos_stride=586 tokens=8",
    "name=ntk-offset freqs=dynamic_ntk factor=2.0 pos=offset offset=9000 layout=bshd tokens=1,4",
    "name=longrope-dyn-short freqs=longrope pos_max=4096",
    "name=longrope-dyn-long freqs=longrope pos_max=20000",
    "name=sweep base=500000.0 dim=8 heads=1 pos_pattern=sampled tokens=65536 report=1",
    "name=sweep-ntk freqs=dynamic_ntk factor=2.0 dim=16 heads=1 pos_pattern=sampled tokens=4096 report=1",
    "name=sweep-longrope freqs=longrope dim=16 heads=1 pos_pattern=sampled tokens=4096 report=1",
    "name=sweep-bf16 base=500000.0 dim=128 heads=2 dtype=bf16 pos_pattern=sampled tokens=2048",
]

# Timing forms (one kernel each, dynamic token count) and token counts.
BENCH_FORMS = [
    ("llama-bf16", "heads=32,8 dim=128 dtype=bf16 freqs=llama3 base=500000.0 factor=8.0 l0=8192",
     [1, 16, 512, 4096, 32768, 131072]),
    ("llama-f32", "heads=32,8 dim=128 dtype=f32 freqs=llama3 base=500000.0 factor=8.0 l0=8192",
     [1, 4096, 32768]),
    ("llama-bf16-interleaved", "heads=32,8 dim=128 dtype=bf16 pairing=interleaved base=500000.0",
     [1, 4096, 32768]),
    ("llama-bf16-cache", "heads=32,8 dim=128 dtype=bf16 freqs=cache cache_dtype=f32 cache_rows=131072 pos_max=131072",
     [1, 4096, 32768]),
]


# rope with its neighbours (test/lib/fused_graphs.py), GPU kernels from the
# tiled form: checked at the CPU test's shapes, timed at Llama-3-8B
# shapes (q 32 heads, k and v 8, bf16) at 16, 512 and 4096 tokens beside
# rope alone from the same form.
FUSED_CHECK = [("rope-only", "bf16", "f8E4M3FN"), ("qk-norm", "bf16", "f8E4M3FN"),
               ("kv-cache", "bf16", "f8E4M3FN"), ("fp8", "f32", "f8E5M2"),
               ("qkv-split", "bf16", "f8E4M3FN"), ("chain", "bf16", "f8E4M3FN"),
               ("paged", "bf16", "f8E4M3FN")]
FUSED_BENCH = ["rope-only", "qk-norm", "kv-cache", "fp8", "qkv-split", "chain"]
FUSED_BENCH_TOKENS = [16, 512, 4096]
GPU_OPTIONS = "chip=sm_90 format=isa"


def fused_outputs(graph, ins):
    """(name, template array) of each result that is not a cache updated in
    place, in result order."""
    a = dict(ins)
    like = {"rq": "q", "rk": "k"}
    res = []
    for out in fused_graphs.outputs(graph):
        if out in ("kc2", "vc2"):
            continue
        if out == "q8":
            res.append((out, np.zeros(a["q"].shape, np.uint8)))
        elif graph == "qkv-split":
            T = a["qkv"].shape[0]
            res.append((out, np.zeros((T, fused_neighbours.HQ, fused_neighbours.D),
                                      a["qkv"].dtype)))
        else:
            res.append((out, np.zeros_like(a[like[out]])))
    return res


def fused_bench_args(graph, e):
    """The runner's argument specs of a fused graph at Llama-3-8B shapes:
    KIND:TYPE:DIMS (t input, c cache, o output; T the token count)."""
    HQ, HK, D, P = 32, 8, 128, 8192
    act = lambda h: "t:%s:T,%d,%d" % (e, h, D)
    cache = "c:%s:%d,%d,%d" % (e, P, HK, D)
    cache8 = "c:i8:%d,%d,%d" % (P, HK, D)
    w, pos, offs, scale = "t:f32:%d" % D, "t:i64:T", "t:i64:1", "t:f32:1"
    q_out, k_out, q8 = "o:%s:T,%d,%d" % (e, HQ, D), "o:%s:T,%d,%d" % (e, HK, D), \
        "o:f8:T,%d,%d" % (HQ, D)
    return {
        "rope-only": [act(HQ), act(HK), pos, q_out, k_out],
        "qk-norm": [act(HQ), act(HK), w, w, pos, q_out, k_out],
        "kv-cache": [act(HQ), act(HK), act(HK), cache, cache, pos, offs, q_out],
        "qkv-split": ["t:%s:T,%d" % (e, (HQ + 2 * HK) * D), cache, cache, pos, offs, q_out],
        "fp8": [act(HQ), act(HK), pos, scale, cache8, offs, q8],
        "chain": [act(HQ), act(HK), act(HK), w, w, pos, scale, cache8, cache8, offs, q8],
    }[graph]


def kernel_name(name):
    return "rope_" + name.replace("-", "_")


def arg_kinds(files):
    """t: a tensor (descriptor pointer), i: an index scalar."""
    return ["i" if os.path.basename(f) == "off.npy" else "t" for f in files]


def compile_kernel(build, ir_text, name, workdir, out_obj, options="chip=sm_90 format=isa"):
    path = os.path.join(workdir, name + ".mlir")
    with open(path, "w") as f:
        f.write(ir_text.replace("func.func @main(", "func.func @%s(" % name, 1))
    cmd = [os.path.join(build, "bin", "rope-aot"), path, "--target=cuda",
           "--cpu=x86-64", "--gpu-pipeline-options=" + options,
           "-o", out_obj, "--header=" + os.path.join(workdir, name + ".h")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit("make_bundle: %s: rope-aot failed:\n%s" % (name, proc.stderr))


def thunk(name, kinds, nout):
    """A C++ entry taking void *args[]: descriptors by pointer, index scalars
    by value (int64_t)."""
    all_kinds = kinds + ["t"] * nout
    params = ["int64_t" if k == "i" else "void *" for k in all_kinds]
    args = ["*static_cast<int64_t *>(a[%d])" % i if k == "i" else "a[%d]" % i
            for i, k in enumerate(all_kinds)]
    return ('extern "C" void _mlir_ciface_%s(%s);\n'
            "static void call_%s(void **a) { _mlir_ciface_%s(%s); }\n"
            % (name, ", ".join(params), name, name, ", ".join(args)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--cuda-include", required=True)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "cases"))
    work = os.path.join(os.path.abspath(a.build), "gpu-bundle-work")
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)

    objects, thunks, table = [], [], []
    check_lines, spec_lines = [], []
    def add_check_case(name, spec, cdir, files, nout, kinds=None, options=GPU_OPTIONS,
                       templates=()):
        kname = kernel_name(name)
        obj = os.path.join(work, kname + ".o")
        with open(os.path.join(cdir, "case.mlir")) as f:
            compile_kernel(a.build, f.read(), kname, work, obj, options)
        objects.append(obj)
        kinds = kinds or arg_kinds(files)
        thunks.append(thunk(kname, ["i" if k == "i" else "t" for k in kinds], nout))
        table.append('  {"%s", %d, %d, call_%s},' % (kname, len(kinds), nout, kname))
        rel = [os.path.relpath(f, out) for f in list(files) + list(templates)]
        check_lines.append("%s %s %d %s" % (name, kname, nout, " ".join(
            "%s:%s" % (k, r) for k, r in zip(list(kinds) + ["o"] * len(templates), rel))))
        spec_lines.append("%s %s" % (name, spec))

    for spec in CHECK_CASES:
        case = rope_exec.Case(spec.split() + ["device=cuda"])
        name = case.s["name"]
        cdir = os.path.join(out, "cases", name)
        os.makedirs(cdir)
        _, files = case.build(cdir)
        add_check_case(name, spec, cdir, files, len(case.heads))
    # RoPE's properties (test/Integration/CPU/properties-*.test): one kernel
    # per configuration, q and k in, q and k out.
    for name, spec in rope_properties.bundle_cases():
        cdir = os.path.join(out, "cases", name)
        os.makedirs(cdir)
        files = rope_properties.write_bundle_case(spec.split(), cdir)
        add_check_case(name, spec, cdir, files, 2)

    for graph, e, fmt in FUSED_CHECK:
        name = "fused-%s-%s" % (graph, e)
        cdir = os.path.join(out, "cases", name)
        os.makedirs(cdir)
        fn = fused_neighbours
        with open(os.path.join(cdir, "case.mlir"), "w") as f:
            f.write(fused_graphs.ir(graph, fn.T, fn.HQ, fn.HK, fn.D, fn.P, e, fmt))
        ins, _ = fused_graphs.inputs(graph, fn.T, fn.HQ, fn.HK, fn.D, fn.P, e, fmt)
        files, kinds, templates = [], [], []
        for n, arr in ins:
            files.append(os.path.join(cdir, "x_%s.npy" % n))
            np.save(files[-1], arr)
            kinds.append("u" if n in ("kc", "vc") else "t")
        for n, arr in fused_outputs(graph, ins):
            templates.append(os.path.join(cdir, "o_%s.npy" % n))
            np.save(templates[-1], arr)
        add_check_case(name, "fused %s %s %s" % (graph, e, fmt), cdir, files,
                       len(templates), kinds, GPU_OPTIONS, templates)

    fused_lines = []
    for graph in FUSED_BENCH:
        text = fused_graphs.dynamic_tokens(
            fused_graphs.ir(graph, 37, 32, 8, 128, 8192, "bf16"), 37)
        kname = kernel_name("bench_fused_" + graph)
        obj = os.path.join(work, kname + ".o")
        compile_kernel(a.build, text, kname, work, obj, GPU_OPTIONS)
        objects.append(obj)
        specs = fused_bench_args(graph, "bf16")
        nout = sum(1 for x in specs if x[0] == "o")
        thunks.append(thunk(kname, ["t"] * (len(specs) - nout), nout))
        table.append('  {"%s", %d, %d, call_%s},' % (kname, len(specs) - nout, nout, kname))
        for t in FUSED_BENCH_TOKENS:
            fused_lines.append("fused-%s-%d %s %d %s" % (graph, t, kname, t, " ".join(specs)))

    bench_lines = []
    for label, spec, token_counts in BENCH_FORMS:
        case = rope_exec.Case(("name=%s tokens=1 " % label + spec).split())
        bdir = os.path.join(work, "bench-" + label)
        os.makedirs(bdir)
        _, files = case.build(bdir)
        kname = kernel_name("bench_" + label)
        obj = os.path.join(work, kname + ".o")
        with open(os.path.join(bdir, "case.mlir")) as f:
            compile_kernel(a.build, f.read(), kname, work, obj)
        objects.append(obj)
        kinds = arg_kinds(files)
        thunks.append(thunk(kname, kinds, 2))
        table.append('  {"%s", %d, %d, call_%s},' % (kname, len(kinds), 2, kname))
        form = "cache" if "freqs=cache" in spec else "explicit"
        for t in token_counts:
            bench_lines.append("%s-%d %s %s %d %d %d %d %s %s" % (
                label, t, kname, case.dtype, t, case.heads[0], case.heads[1],
                case.D, form, case.s["cache_rows"]))

    with open(os.path.join(work, "kernels.cpp"), "w") as f:
        f.write("// Generated by make_bundle.py: the bundle's kernels.\n"
                "#include \"BundleKernels.h\"\n#include <cstdint>\n\n")
        f.write("".join(thunks))
        f.write("\nconst BundleKernel kBundleKernels[] = {\n%s\n};\n"
                "const int kNumBundleKernels = %d;\n" % ("\n".join(table), len(table)))
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.write("# name kernel outputs kind:input... (t tensor, i index)\n")
        f.write("\n".join(check_lines) + "\n")
    with open(os.path.join(out, "specs.txt"), "w") as f:
        f.write("\n".join(spec_lines) + "\n")
    with open(os.path.join(out, "fused-bench.txt"), "w") as f:
        f.write("# label kernel tokens KIND:TYPE:DIMS... (t input, c cache, o output)\n")
        f.write("\n".join(fused_lines) + "\n")
    with open(os.path.join(out, "bench.txt"), "w") as f:
        f.write("# label kernel dtype tokens q_heads k_heads head_dim form cache_rows\n")
        f.write("\n".join(bench_lines) + "\n")

    runner = os.path.join(out, "rope-gpu-runner")
    cmd = [a.cxx, "-std=c++17", "-O2", "-DROPE_CUDA_DLOPEN",
           "-I" + a.cuda_include, "-I" + HERE, "-I" + os.path.join(SRC, "runtime", "cuda"),
           os.path.join(HERE, "runner.cpp"), os.path.join(work, "kernels.cpp"),
           os.path.join(SRC, "runtime", "cuda", "RopeCudaRuntime.cpp")] + objects + [
           # libstdc++ linked in; libgcc_s and glibc (2.34 or newer: the
           # unused parts of libstdc++ dropped, whose random_device wants
           # 2.36) are the GPU machine's.
           "-ldl", "-static-libstdc++", "-Wl,--gc-sections", "-o", runner]
    if os.path.exists(runner):
        os.remove(runner)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit("make_bundle: linking the runner failed:\n%s\n%s" % (
            " ".join(cmd), proc.stderr))
    for f in ("rope_exec.py", "rope_ref.py", "npy_util.py", "rope_properties.py",
              "fused_graphs.py", "fused_neighbours.py", "fp8_check.py", "gpu_tiled.py"):
        shutil.copy(os.path.join(SRC, "test", "lib", f), out)
    for f in ("check.py", "torch_gpu.py", "summarize.py", "run.sh", "README.md"):
        shutil.copy(os.path.join(HERE, f), out)
    size = sum(os.path.getsize(os.path.join(d, f))
               for d, _, fs in os.walk(out) for f in fs)
    if size > 32 << 20:
        raise SystemExit("make_bundle: the bundle is %.1f MiB, over 32 MiB" % (size / 2**20))
    print("gpu-bundle: %s, %d check cases, %d bench cases, %d fused bench cases, %.1f MiB" % (
        out, len(check_lines), len(bench_lines), len(fused_lines), size / 2**20))


if __name__ == "__main__":
    main()
