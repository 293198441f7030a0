"""Times a PyTorch eager HF-style rotate_half RoPE on the Llama-3-8B q+k cases
of bench/results/cpu.json and adds torch time and our speed-up to it.
Runs only if `import torch` works (Debian: apt-get install python3-torch)."""
import json
import sys
import time

try:
    import torch
except ImportError:
    print("torch_bench: PyTorch not installed (apt-get install python3-torch); skipped")
    sys.exit(0)

path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/cpu.json"
data = json.load(open(path))
torch.set_num_threads(data.get("threads", 2))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def hf_rope(q, k, pos, inv_freq):
    # transformers' LlamaRotaryEmbedding + apply_rotary_pos_emb, eager.
    freqs = pos[:, None].float() * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(q.dtype)[:, None, :], emb.sin().to(q.dtype)[:, None, :]
    return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin


print("%-28s %12s %12s %9s" % ("case", "torch_us", "kernel_us", "speed-up"))
for c in data["cases"]:
    if not c["name"].startswith("llama3-8b-qk-"):
        continue
    t = c["tokens"]
    dtype = torch.bfloat16 if c["dtype"] == "bf16" else torch.float32
    q = torch.randn(t, 32, 128, dtype=dtype)
    k = torch.randn(t, 8, 128, dtype=dtype)
    pos = torch.arange(t)
    inv_freq = 1.0 / (500000.0 ** (torch.arange(0, 128, 2).float() / 128))
    with torch.no_grad():
        hf_rope(q, k, pos, inv_freq)
        times = []
        while sum(times) < 0.3 or len(times) < 3:
            s = time.perf_counter()
            hf_rope(q, k, pos, inv_freq)
            times.append(time.perf_counter() - s)
    tt = sorted(times)[len(times) // 2]
    c["torch_time_s"] = tt
    c["torch_gb_s"] = c["bytes"] / tt / 1e9
    c["speedup_vs_torch"] = tt / c["kernel_time_s"]
    print("%-28s %12.1f %12.1f %8.1fx" % (c["name"], tt * 1e6, c["kernel_time_s"] * 1e6,
                                          c["speedup_vs_torch"]))
json.dump(data, open(path, "w"), indent=1)
