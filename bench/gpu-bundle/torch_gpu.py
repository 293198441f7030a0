"""PyTorch timings of the bundle's bench cases on CUDA device 0: HF-style
eager rotate_half (cos/sin tables given, as HF's apply_rotary_pos_emb takes
them) and torch.compile of the same function (Triton kernels: what a user
picks today). CUDA events, L2 flushed before every run, median of REPEAT.

    torch_gpu.py BENCH.txt OUT.json [REPEAT]
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


def main():
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
        key = fn.__name__
        if key not in compiled:
            compiled[key] = torch.compile(fn, dynamic=True)
        eager_us = timed(fn, args, repeat, flush)
        compile_us = timed(compiled[key], args, repeat, flush)
        results["cases"].append({"label": label, "tokens": t, "eager_us": eager_us,
                                 "compile_us": compile_us})
        print("%-32s eager %9.2f us  torch.compile %9.2f us" % (label, eager_us, compile_us))
        sys.stdout.flush()
    with open(out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
