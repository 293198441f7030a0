"""Joins the runner's and PyTorch's timings: per case, our kernel against
the same-bytes device copy, PyTorch eager and torch.compile, and the decode
case against an empty kernel launch; the targets of issue 16 beside them.

    summarize.py ROPE.json [TORCH.json]
"""
import json
import sys


def main():
    rope = json.load(open(sys.argv[1]))
    torch = {}
    if len(sys.argv) > 2:
        try:
            torch = {c["label"]: c for c in json.load(open(sys.argv[2]))["cases"]}
        except (OSError, ValueError) as e:
            print("no PyTorch timings: %s" % e)
    print("device: %s; empty kernel launch %.2f us" % (rope["device"], rope["empty_launch_us"]))
    print("%-32s %10s %10s %8s %8s %10s %10s" % (
        "case", "kernel us", "copy us", "of copy", "GB/s", "eager/ours", "compile/ours"))
    for c in rope["cases"]:
        t = torch.get(c["label"], {})
        eager = "%.2f" % (t["eager_us"] / c["kernel_us"]) if t else "-"
        comp = "%.2f" % (t["compile_us"] / c["kernel_us"]) if t else "-"
        print("%-32s %10.2f %10.2f %8.3f %8.0f %10s %10s" % (
            c["label"], c["kernel_us"], c["copy_us"], c["copy_over_kernel"],
            c["kernel_gb_s"], eager, comp))
    print("targets (H100/H200): >= 0.90 of copy at >= 32768 tokens (aim 0.95), "
          ">= 0.75 at 4096, 1 token within 2 us of an empty launch, faster than "
          "torch.compile everywhere")


if __name__ == "__main__":
    main()
