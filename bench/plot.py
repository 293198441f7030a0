"""Plots bench/results/cpu.json: GB/s against tokens for the kernel, the copy
roofline and the scalar reference (Llama-3-8B q+k cases)."""
import json
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

src = sys.argv[1] if len(sys.argv) > 1 else "bench/results/cpu.json"
dst = sys.argv[2] if len(sys.argv) > 2 else "bench/results/cpu.png"
data = json.load(open(src))
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
for ax, dtype in zip(axes, ["bf16", "f32"]):
    cases = sorted((c for c in data["cases"]
                    if c["name"].startswith("llama3-8b-qk-" + dtype)),
                   key=lambda c: c["tokens"])
    if not cases:
        continue
    t = [c["tokens"] for c in cases]
    ax.plot(t, [c["copy_gb_s"] for c in cases], "k--o", label="same-bytes copy")
    ax.plot(t, [c["kernel_gb_s"] for c in cases], "b-o", label="rope-mlir kernel")
    ax.plot(t, [c["scalar_gb_s"] for c in cases], "r-.o", label="scalar C++ (1 thread)")
    if any("torch_gb_s" in c for c in cases):
        tc = [c for c in cases if "torch_gb_s" in c]
        ax.plot([c["tokens"] for c in tc], [c["torch_gb_s"] for c in tc],
                "g:o", label="PyTorch eager")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("tokens")
    ax.set_title("Llama-3-8B q+k (32/8 heads, D=128), %s" % dtype)
    ax.grid(True, alpha=0.3)
axes[0].set_ylabel("GB/s (bytes read + written / time)")
axes[0].legend(loc="upper left", fontsize=8)
fig.suptitle("%s, %d threads" % (data.get("host", "?"), data.get("threads", 0)))
fig.tight_layout()
fig.savefig(dst, dpi=110)
print("wrote " + dst)
