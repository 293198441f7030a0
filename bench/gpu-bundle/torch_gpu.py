"""PyTorch timings of the bundle's bench cases on CUDA device 0: HF-style
eager rotate_half (cos/sin tables given, as HF's apply_rotary_pos_emb takes
them) and torch.compile of the same function (Triton kernels: what a user
picks today). CUDA events, L2 flushed before every run, median of REPEAT.

    torch_gpu.py BENCH.txt OUT.json [REPEAT]
    torch_gpu.py --fused FUSED-BENCH.txt OUT.json [REPEAT]

With --fused: the graphs of rope with its neighbours (fused_graphs.py) as a
PyTorch user writes them (cos/sin from the positions in the function, the
cache written by slice assignment, fp8 by .to(float8)), eager and
torch.compile, on the shapes of each case's arguments.
"""
import json
import sys

import torch


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rotate_interleaved(x):
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def apply_half(q, k, cos, sin):
    # HF: cos/sin [T, D] (cat(freqs, freqs)), unsqueezed over heads.
    c, s = cos.unsqueeze(1), sin.unsqueeze(1)
    return q * c + rotate_half(q) * s, k * c + rotate_half(k) * s


def apply_interleaved(q, k, cos, sin):
    c, s = cos.unsqueeze(1), sin.unsqueeze(1)
    return q * c + rotate_interleaved(q) * s, k * c + rotate_interleaved(k) * s


def apply_cache(q, k, cos_cache, sin_cache, pos):
    # vLLM-style: gather [P, R/2] tables by position, then rotate_half.
    c = cos_cache[pos].to(q.dtype)
    s = sin_cache[pos].to(q.dtype)
    c, s = torch.cat((c, c), -1).unsqueeze(1), torch.cat((s, s), -1).unsqueeze(1)
    return q * c + rotate_half(q) * s, k * c + rotate_half(k) * s


def timed(fn, args, repeat, flush):
    for _ in range(3):
        fn(*args)
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        flush.zero_()
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn(*args)
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) * 1e3)
    return sorted(times)[len(times) // 2]


def time_both(fn, key, args, label, t, compiled, results, repeat, flush):
    """Eager and torch.compile (compiled once per key) times of fn(*args),
    recorded in results and printed."""
    if key not in compiled:
        compiled[key] = torch.compile(fn, dynamic=True)
    eager_us = timed(fn, args, repeat, flush)
    compile_us = timed(compiled[key], args, repeat, flush)
    results["cases"].append({"label": label, "tokens": t, "eager_us": eager_us,
                             "compile_us": compile_us})
    print("%-32s eager %9.2f us  torch.compile %9.2f us" % (label, eager_us, compile_us))
    sys.stdout.flush()


BASE, EPS = 500000.0, 1e-6


def rope_from_pos(x, pos):
    d = x.shape[-1]
    inv = 1.0 / (BASE ** (torch.arange(0, d, 2, device=x.device, dtype=torch.float32) / d))
    ang = pos.float()[:, None] * inv
    ang = torch.cat((ang, ang), -1)
    c, s = torch.cos(ang).unsqueeze(1), torch.sin(ang).unsqueeze(1)
    xf = x.float()
    return (xf * c + rotate_half(xf) * s).to(x.dtype)


def rmsnorm(x, w):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + EPS) * w).to(x.dtype)


def quant(x, scale, fp8=torch.float8_e4m3fn, top=448.0):
    return (x.float() / scale).clamp(-top, top).to(fp8)


def g_rope_only(q, k, pos):
    return rope_from_pos(q, pos), rope_from_pos(k, pos)


def g_qk_norm(q, k, wq, wk, pos):
    return rope_from_pos(rmsnorm(q, wq), pos), rope_from_pos(rmsnorm(k, wk), pos)


def g_kv_cache(q, k, v, kc, vc, pos, off):
    t = q.shape[0]
    kc[off:off + t] = rope_from_pos(k, pos)
    vc[off:off + t] = v
    return rope_from_pos(q, pos)


def g_qkv_split(qkv, kc, vc, pos, off):
    t, hk, d = qkv.shape[0], kc.shape[1], kc.shape[2]
    x = qkv.view(t, -1, d)
    hq = x.shape[1] - 2 * hk
    q, k, v = x[:, :hq], x[:, hq:hq + hk], x[:, hq + hk:]
    kc[off:off + t] = rope_from_pos(k, pos)
    vc[off:off + t] = v
    return rope_from_pos(q, pos)


def g_fp8(q, k, pos, scale, kc, off):
    t = q.shape[0]
    kc[off:off + t] = quant(rope_from_pos(k, pos), scale).view(torch.int8)
    return quant(rope_from_pos(q, pos), scale)


def g_chain(q, k, v, wq, wk, pos, scale, kc, vc, off):
    t = q.shape[0]
    kc[off:off + t] = quant(rope_from_pos(rmsnorm(k, wk), pos), scale).view(torch.int8)
    vc[off:off + t] = quant(v, scale).view(torch.int8)
    return quant(rope_from_pos(rmsnorm(q, wq), pos), scale)


FUSED = {"rope-only": g_rope_only, "qk-norm": g_qk_norm, "kv-cache": g_kv_cache,
         "qkv-split": g_qkv_split, "fp8": g_fp8, "chain": g_chain}


def fused_main(bench, out, repeat):
    dev = torch.device("cuda")
    l2 = torch.cuda.get_device_properties(dev).L2_cache_size
    flush = torch.empty(2 * l2, dtype=torch.int8, device=dev)
    types = {"bf16": torch.bfloat16, "f32": torch.float32, "i64": torch.int64,
             "i8": torch.int8}
    results = {"device": torch.cuda.get_device_name(dev), "torch": torch.__version__,
               "cases": []}
    compiled = {}
    for line in open(bench):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, t, *specs = line.split()
        t = int(t)
        graph = label[len("fused-"):label.rindex("-")]
        args = []
        for spec in specs:
            kind, ty, dims = spec.split(":")
            if kind == "o":
                continue
            shape = [t if x == "T" else int(x) for x in dims.split(",")]
            if ty == "i64" and shape == [t]:
                args.append(torch.arange(t, device=dev))
            elif ty == "i64":
                args.append(0)  # the cache offset, a Python int for slicing
            elif ty == "f32" and shape == [1]:
                args.append(torch.tensor(1.0 / 64, device=dev))
            elif kind == "c" or ty == "i8":
                args.append(torch.zeros(shape, dtype=types[ty], device=dev))
            elif len(shape) == 1:
                args.append(torch.ones(shape, dtype=types[ty], device=dev))
            else:
                args.append(torch.rand(shape, device=dev).to(types[ty]) * 0.5 + 0.5)
        try:
            time_both(FUSED[graph], graph, args, label, t, compiled, results, repeat, flush)
        except Exception as e:  # a PyTorch without fp8 or Triton: say so, go on
            print("%-32s failed: %s" % (label, str(e).splitlines()[0] if str(e) else type(e)))
            continue
        # After each case: a run cut short by its timeout keeps what it has.
        with open(out, "w") as f:
            json.dump(results, f, indent=1)


def main():
    if sys.argv[1] == "--fused":
        fused_main(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 20)
        return
    bench, out = sys.argv[1], sys.argv[2]
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    dev = torch.device("cuda")
    l2 = torch.cuda.get_device_properties(dev).L2_cache_size
    flush = torch.empty(2 * l2, dtype=torch.int8, device=dev)
    compiled = {}
    results = {"device": torch.cuda.get_device_name(dev), "torch": torch.__version__,
               "cases": []}
    for line in open(bench):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, dtype, t, hq, hk, d, form, rows = line.split()
        t, hq, hk, d, rows = int(t), int(hq), int(hk), int(d), int(rows)
        dt = torch.bfloat16 if dtype == "bf16" else torch.float32
        q = torch.randn(t, hq, d, device=dev, dtype=dt)
        k = torch.randn(t, hk, d, device=dev, dtype=dt)
        pos = torch.arange(t, device=dev) % rows if form == "cache" else torch.arange(t, device=dev)
        inv = 1.0 / (500000.0 ** (torch.arange(0, d, 2, device=dev, dtype=torch.float32) / d))
        if form == "cache":
            ang = torch.arange(rows, device=dev, dtype=torch.float32)[:, None] * inv
            fn, args = apply_cache, (q, k, torch.cos(ang), torch.sin(ang), pos)
        else:
            ang = pos.float()[:, None] * inv
            ang = torch.cat((ang, ang), -1)
            cos, sin = torch.cos(ang).to(dt), torch.sin(ang).to(dt)
            fn = apply_interleaved if "interleaved" in label else apply_half
            args = (q, k, cos, sin)
        time_both(fn, fn.__name__, args, label, t, compiled, results, repeat, flush)
    with open(out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
