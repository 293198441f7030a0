"""Joins the runner's and PyTorch's timings: per case, our kernel against
the same-bytes device copy, PyTorch eager and torch.compile, and the decode
case against an empty kernel launch; the targets of issue 16 beside them.

    summarize.py ROPE.json [TORCH.json]
    summarize.py --fused FUSED.json [TORCH-FUSED.json]

With --fused: each fused graph's kernel against rope alone from the same
form at the same token count (issue 25's goal: <= 1.15x at >= 512
tokens), the copy of the activations, and PyTorch.
"""
import json
import sys


def fused_main(args):
    rope = json.load(open(args[0]))
    torch = {}
    if len(args) > 1:
        try:
            torch = {c["label"]: c for c in json.load(open(args[1]))["cases"]}
        except (OSError, ValueError) as e:
            print("no PyTorch timings: %s" % e)
    alone = {c["tokens"]: c["kernel_us"] for c in rope["cases"]
             if c["label"].startswith("fused-rope-only-")}
    print("fused graphs on %s" % rope["device"])
    print("%-28s %10s %10s %8s %10s %10s %10s" % (
        "case", "kernel us", "copy us", "of copy", "/rope alone", "eager/ours", "compile/ours"))
    for c in rope["cases"]:
        t = torch.get(c["label"], {})
        a = alone.get(c["tokens"])
        print("%-28s %10.2f %10.2f %8.3f %10s %10s %10s" % (
            c["label"], c["kernel_us"], c["copy_us"], c["copy_over_kernel"],
            "%.2f" % (c["kernel_us"] / a) if a else "-",
            "%.2f" % (t["eager_us"] / c["kernel_us"]) if t else "-",
            "%.2f" % (t["compile_us"] / c["kernel_us"]) if t else "-"))
    print("goal: fused <= 1.15x rope alone at >= 512 tokens; faster than torch.compile")


def main():
    if sys.argv[1] == "--fused":
        fused_main(sys.argv[2:])
        return
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
