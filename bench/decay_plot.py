"""Plots RoFormer's long-term decay bound against the distance m - n for the
frequencies our compiler computes (rope.inv_freq run by rope-run): default,
linear (position interpolation), dynamic NTK, YaRN at base 10000 and
default, linear and Llama 3.1 at base 500000, head_dim 128 (make plots).

    decay_plot.py --rope-run build/bin/rope-run [--out bench/results/decay.png]

B(d) = mean_j |sum_{i<j} e^{i d f_i}| (test/lib/rope_properties.py, which
the lit test test/Integration/CPU/long-term-decay.test checks): the mean of
B over each octave of distances for every method, and B itself at every
distance sampled for the default frequencies (gray). Prints the octave
means as a table too.
"""
import argparse
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "lib"))
import rope_properties as rp  # noqa: E402

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PANELS = [
    ("base 10000", [("default", "k"), ("linear", "tab:blue"),
                    ("dynamic_ntk", "tab:green"), ("yarn", "tab:red")]),
    ("base 500000", [("default-500k", "k"), ("linear-500k", "tab:blue"),
                     ("llama3", "tab:purple")]),
]
NAMES = {
    "default": "default", "default-500k": "default",
    "linear": "linear x4 (position interpolation)",
    "linear-500k": "linear x8 (position interpolation)",
    "dynamic_ntk": "dynamic NTK x4, n = 4 L0 = %d" % rp.NTK_N,
    "yarn": "YaRN x4, L0 = 4096",
    "llama3": "Llama 3.1 x8, L0 = 8192",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--out", default=os.path.join(HERE, "results", "decay.png"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = rp.decay_data(a.rope_run, tmp)
    h = rp.DECAY_R // 2
    floor = rp.random_phase_level(h)
    d = np.unique(np.round(np.logspace(0, np.log10(2.0 ** rp.OCTAVES), 4000)))
    centres = 2.0 ** (np.arange(rp.OCTAVES) + 0.5)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True)
    for ax, (title, curves) in zip(axes, PANELS):
        ref = data[curves[0][0]]
        ax.plot(d, rp.decay_bound(ref["f"], d), color="0.6", lw=0.4, alpha=0.5,
                label="default, every distance sampled")
        for label, colour in curves:
            ax.plot(centres, data[label]["means"], color=colour, lw=2.2,
                    marker="o", ms=2.5, label=NAMES[label] + " (octave means)")
        ax.axhline(floor, color="gray", ls=":", lw=1,
                   label="random phases (%.2f)" % floor)
        ax.set_xscale("log")
        ax.set_xlabel("relative distance m - n")
        ax.set_title("RoFormer decay bound, head_dim %d, %s" % (rp.DECAY_R, title))
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8, loc="upper right")
    axes[0].set_ylabel("mean_j |sum_{i<j} exp(i (m-n) f_i)|")
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    fig.savefig(a.out, dpi=110)
    labels = [label for _, curves in PANELS for label, _ in curves]
    print("octave means of B (head_dim %d; B(0) = %.1f, random phases %.2f)" % (
        rp.DECAY_R, (h + 1) / 2.0, floor))
    print("%-10s " % "distance" + " ".join("%12s" % label for label in labels))
    for k in range(rp.OCTAVES):
        print("%-10s " % ("2^%d" % k) + " ".join("%12.2f" % data[label]["means"][k]
                                                  for label in labels))
    print("wrote %s" % a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
