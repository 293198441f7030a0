"""Checks scripts/hf-config-to-rope.py on a model's config.json against the
hand-written example of the same model: both are canonicalized by rope-opt
(frequencies folded to #rope.inv_freqs in float64) and their rope.rotate
ops, printed with generic value names, must be identical: pairing, layout,
types, positions, every frequency, attention factor, rotary_dim, mrope.

Usage: hf_config_check.py --rope-opt PATH --script PATH CONFIG EXAMPLE [ARGS...]
(ARGS go to the converter). Prints 'PASS ...' (exit 0) or 'FAIL ...' (exit 1).
"""
import argparse
import os
import subprocess
import sys


def rotate_op(rope_opt, text, what):
    proc = subprocess.run([rope_opt, "-canonicalize", "-"], input=text,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s does not verify: %s" % (what, proc.stderr[:2000]))
    lines = [l.strip() for l in proc.stdout.splitlines() if "rope.rotate" in l]
    if len(lines) != 1:
        raise RuntimeError("%s: expected one rope.rotate, got %d" % (what, len(lines)))
    return lines[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-opt", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("config")
    ap.add_argument("example")
    a, a.args = ap.parse_known_args()
    name = os.path.basename(a.config)
    gen = subprocess.run([sys.executable, a.script, a.config] + a.args,
                         capture_output=True, text=True)
    if gen.returncode != 0:
        print("FAIL %s: converter exited %d: %s" % (name, gen.returncode, gen.stderr))
        return 1
    try:
        got = rotate_op(a.rope_opt, gen.stdout, "generated IR")
        with open(a.example) as f:
            want = rotate_op(a.rope_opt, f.read(), a.example)
    except RuntimeError as e:
        print("FAIL %s: %s" % (name, e))
        return 1
    if got != want:
        print("FAIL %s: generated\n  %s\nexample\n  %s" % (name, got, want))
        return 1
    print("PASS %s: same rope.rotate as %s" % (name, os.path.basename(a.example)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
