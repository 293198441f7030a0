"""Randomized differential test of rope-raise: decomposed RoPE programs as
frontends write them in linalg/tensor ops, over every form the pass raises,
and mutated near misses. For each program:
  * `rope-opt --rope-raise` raises every valid program to rope.apply (with
    rope.gather when cos/sin are gathered by position, rope.cos_sin when they
    are computed from positions and an inv_freq constant, rotary_dim = R for
    partial rotary) and no near miss (whose `not raised` remark must name the
    mutation);
  * rope-run runs it with raising on and off, and both agree with a float64
    numpy evaluation of the program (built op by op next to the IR; for a
    valid program also checked against the rotation formula itself).

Forms (x is [T, H, D] thd, [B, S, H, D] bshd or [B, H, S, D] bhsd):
  rotate_half  x * cos + cat(-x2, x1) * sin (inverse cat(x2, -x1)); halves
               by tensor.concat or insert_slices; partial rotary
               cat(rope(x[..., :R]), x[..., R:])
  expanded     cat(x1 c - x2 s, x2 c + x1 s), shared half-width or four
               separate tables
  every_two    GPT-J: x * cos + stack(-x[1::2], x[::2]).flatten * sin
               (strided slices, unsqueeze + concat, collapse); tables per
               element or repeat_interleave'd from one entry per pair
  meta         Meta's complex multiply in real arithmetic over the
               [..., D/2, 2] view (or strided slices), stack + flatten
  deepseek     x de-interleaved (view [..., D/2, 2], transpose, reshape),
               then rotate_half; optionally cat(x_nope, rope(x_pe))
each with operand orders, negf / named / times -1, forward and inverse, and
sometimes q and k (different head counts) rotated by the same tables.
cos/sin sources: args (per token, or cat(lo, hi) of two arguments),
broadcast ([S, W] by maps), unsqueezed (expand_shape + constant-0 map),
gathered ([P, W] caches by position ids, half of them with torch-mlir's
negative-index wrap), computed (sitofp positions times an HF float32 inv_freq
constant by a mulf generic or a unit-K (batch_)matmul, cat(f, f) /
repeat_interleave, math.cos / math.sin, an attention factor), sincos (GPT-J:
one gathered cat(sin, cos) cache, or cat(cos, sin), split by windows); 4-d
tables over (B, S), S only, or [1, S] read at 0. dtypes: f32, and f16 / bf16
storage with HF autocast (extf, f32 math, truncf). Near misses: MISSES.

    raise_random.py --rope-run PATH --rope-opt PATH --tmp DIR --cases N --seed S
                    [--miss-rate F]

Prints a line per failure and a summary 'raise: N passed, N failed (V valid
raised, M near misses kept)', then the counts per form, source, pairing,
dtype and near-miss kind; exit 1 on any failure.
"""
import argparse
import os
import subprocess
import sys
from collections import Counter

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from npy_util import bf16_bits_to_f64  # noqa: E402
from raise_programs import DTYPES, FORMS, MISSES, MISS_KINDS, SOURCES, \
    Program, choice  # noqa: E402


def load_output(path, dtype):
    a = np.load(path)
    if dtype == "bf16":
        return bf16_bits_to_f64(a)
    return a.astype(np.float64)


def run(cmd):
    for attempt in range(10):
        try:
            return subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=300)
        except OSError:  # the binary being relinked
            import time
            time.sleep(3)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def remarks(stderr):
    return [line.split("rope-raise: not raised: ", 1)[1].strip()
            for line in stderr.splitlines() if "not raised: " in line]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--rope-opt", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--cases", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--miss-rate", type=float, default=0.35,
                    help="the share of near misses among the cases")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    passed = failed = raised = kept = 0
    counts = {k: Counter() for k in ("forms", "sources", "pairings",
                                     "dtypes", "misses")}
    for case in range(a.cases):
        miss = choice(rng, MISS_KINDS) if rng.random() < a.miss_rate \
            else None
        p = Program(rng, miss)
        d = os.path.join(a.tmp, "raise-%d" % case)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "case.mlir")
        text = p.build()
        with open(path, "w") as f:
            f.write("// %s%s\n" % (p.label(), " miss " + miss if miss else "")
                    + text)
        counts["forms"][p.form] += 1
        counts["sources"][p.source] += 1
        counts["pairings"][p.pairing] += 1
        counts["dtypes"][p.dtype] += 1
        if miss:
            counts["misses"][miss] += 1
        files = []
        for k, arr in enumerate(p.ir.data):
            files.append(os.path.join(d, "in%d.npy" % k))
            np.save(files[-1], arr)
        problems = []
        wants = [rot["y"] for rot in p.rotations]
        if miss is None:
            for rot in p.rotations:
                formula = p.formula(rot)
                if np.abs(formula - rot["y"]).max() > 1e-9 * max(
                        1.0, np.abs(formula).max()):
                    problems.append("generator: program and formula differ")
        r = run([a.rope_opt, path, "--rope-raise=remarks=1"])
        if r.returncode:
            problems.append("rope-raise failed: " + r.stderr.strip()[:300])
        else:
            why = remarks(r.stderr)
            is_raised = "rope.apply" in r.stdout
            if miss is None:
                missing = [w for w in p.expected() if w not in r.stdout]
                if missing:
                    problems.append("valid program: no %s in the output "
                                    "(remarks: %s)" % (", ".join(missing),
                                                       "; ".join(why) or
                                                       "none"))
                raised += not missing
            else:
                reasons = MISSES[miss][2]
                if is_raised:
                    done = [line.split("rope-raise: ", 1)[1].strip()
                            for line in r.stderr.splitlines()
                            if "rope-raise: raised" in line]
                    problems.append("near miss %s raised (remarks: %s)"
                                    % (miss, "; ".join(done)))
                elif not any(s in w for w in why for s in reasons):
                    problems.append("near miss %s kept without a remark "
                                    "naming it (remarks: %s)"
                                    % (miss, "; ".join(why) or "none"))
                kept += not is_raised
        tol = p.tolerance(max(np.abs(w).max() for w in wants))
        for opt in ("raise=true", "raise=false"):
            outs = [os.path.join(d, "y%d-%s.npy" % (k, opt))
                    for k in range(len(wants))]
            r = run([a.rope_run, path, "-i", ",".join(files), "-o",
                     ",".join(outs), "--cpu-pipeline-options=" + opt])
            if r.returncode:
                problems.append("%s: rope-run exited %d: %s"
                                % (opt, r.returncode, r.stderr.strip()[:300]))
                continue
            for out, want in zip(outs, wants):
                got = load_output(out, p.dtype)
                if got.shape != want.shape:
                    problems.append("%s: shape %s, expected %s"
                                    % (opt, got.shape, want.shape))
                    continue
                err = np.abs(got - want).max() if got.size else 0.0
                if not err <= tol:
                    problems.append("%s: max error %.3g (tolerance %.3g)"
                                    % (opt, err, tol))
        label = "raise-%d (%s%s)" % (case, p.label(),
                                     ", miss " + miss if miss else "")
        if problems:
            failed += 1
            print("FAIL %s: %s (%s)" % (label, "; ".join(problems), path))
        else:
            passed += 1
    print("raise: %d passed, %d failed (%d valid raised, %d near misses kept)"
          % (passed, failed, raised, kept))

    def fmt(counter, keys=None):
        keys = keys or sorted(counter)
        return " ".join("%s=%d" % (k, counter[k]) for k in keys)

    print("raise forms: %s; sources: %s; pairings: %s; dtypes: %s; "
          "misses: %s" % (fmt(counts["forms"], FORMS),
                          fmt(counts["sources"], SOURCES),
                          fmt(counts["pairings"], ["half", "interleaved"]),
                          fmt(counts["dtypes"], DTYPES),
                          fmt(counts["misses"], MISS_KINDS)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
