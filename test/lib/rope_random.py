"""Randomized differential test: random valid rope.rotate configurations
through rope-run against the float64 numpy reference (rope_exec.py).

Usage: rope_random.py --rope-run PATH --tmp DIR [--cases N] [--seed S]

Each case draws pairing, layout, dtype, rotary_dim, head counts (q and k
together), a position source (explicit with repeats or values up to
2^31 - 1, offset + s, mrope, a gathered cache, a per-token cache), every
scaling type with random parameters, inverse, and token counts including
0 and 1. Prints one line per case and 'N passed, N failed'. A failure
prints a reproducer: the IR, the input files and one command that rebuilds
and reruns exactly that case.
"""
import argparse
import os
import shlex
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import rope_exec  # noqa: E402


def random_spec(rng, index):
    pick = lambda values: values[rng.integers(len(values))]  # noqa: E731
    D = 2 * int(pick([1, 2, 4, 8, 16, 32, 64, 3, 12]))
    R = 2 * int(rng.integers(1, D // 2 + 1)) if rng.random() < 0.3 else D
    half = R // 2
    layout = pick(["thd", "bshd", "bhsd"])
    if layout == "thd":
        tokens = str(int(pick([0, 1, 2, 7, 16, 33])))
    else:
        tokens = "%d,%d" % (int(pick([1, 2, 3])), int(pick([0, 1, 5, 9])))
    heads = ",".join(str(int(rng.integers(1, 5)))
                     for _ in range(int(rng.integers(1, 3))))
    spec = dict(name="random-%d" % index, layout=layout,
                pairing=pick(["half", "interleaved"]), dim=str(D),
                rotary=str(R), heads=heads, tokens=tokens,
                dtype=pick(["f32", "f16", "bf16"]), inverse=pick(["0", "1"]),
                seed=str(int(rng.integers(1 << 30))),
                token_tile=pick(["16", "16", "0", "3"]))
    source = pick(["freqs"] * 6 + ["cache", "pertoken"])
    if source == "pertoken":
        spec.update(freqs="pertoken", pos="none",
                    cache_dtype=pick(["f32", "f16", "bf16"]))
        return spec
    if source == "cache":
        rows = int(rng.integers(1, 80))
        spec.update(freqs="cache", cache_rows=str(rows), pos_max=str(rows),
                    pos_pattern=pick(["random", "repeated"]) if rows > 17
                    else "random",
                    cache_dtype=pick(["f32", "f16", "bf16"]),
                    pos_dtype=pick(["i32", "i64"]))
        return spec
    # Frequencies: every scaling type with random parameters.
    f = pick(["default", "linear", "dynamic_ntk", "yarn", "longrope", "llama3",
              "inv_freqs", "freq_factors"])
    if f == "dynamic_ntk" and R == 2:  # needs R > 2 (exponent R / (R - 2))
        f = "default"
    spec.update(freqs=f, base=repr(float(pick([10000.0, 500000.0, 1e6,
                                               float(rng.uniform(2.0, 1e7))]))),
                factor=repr(float(rng.uniform(1.0, 64.0))),
                l0=str(int(pick([16, 256, 4096, 8192]))))
    if rng.random() < 0.2:
        spec["attention"] = repr(float(rng.uniform(0.5, 2.0)))
    if f == "yarn":
        spec.update(beta_fast=repr(float(rng.uniform(8.0, 64.0))),
                    beta_slow=repr(float(rng.uniform(0.5, 4.0))),
                    truncate=pick(["true", "false"]))
        if rng.random() < 0.5:
            spec.update(mscale=repr(float(rng.uniform(0.5, 2.0))),
                        mscale_all_dim=repr(float(rng.uniform(0.5, 2.0))))
    if f == "longrope":
        spec["factors"] = pick(["", "short", "long"])
    if f == "llama3":
        spec.update(low="1.0", high=repr(float(rng.uniform(1.5, 8.0))))
    if f == "inv_freqs":
        spec["inv_freq0"] = repr(float(pick([1.0, 0.5, 64.0])))
    where = pick(["explicit"] * 3 + ["offset", "mrope"])
    if where == "offset":
        t = int(tokens.split(",")[-1])
        top = 2 ** 31 - max(t, 1)
        spec.update(pos="offset",
                    offset=str(int(pick([0, 5, int(rng.integers(0, top)), top]))))
    else:
        spec.update(pos="explicit", pos_dtype=pick(["i32", "i64"]),
                    pos_pattern=pick(["random", "repeated", "unsorted",
                                      "sampled"]),
                    pos_max=str(int(pick([16, 4096, 2 ** 31 - 1]))))
        if spec["pos_pattern"] == "unsorted":
            spec["pos_stride"] = str(int(pick([1, 3, 65537])))
        if where == "mrope":
            # 2 axes (images) or 3 (video), consecutive or interleaved
            # (Qwen3-VL): axis k >= 1 takes frequencies k, k + N, ... so at
            # most (half - 1 - k) // N + 1 of them.
            n = int(pick([2, 3, 3]))
            interleaved = bool(pick([False, True]))
            sections = []
            for k in range(1, n):
                top = ((half - 1 - k) // n + 1) if interleaved else \
                    half - sum(sections)
                sections.append(int(rng.integers(0, max(top, 0) + 1)))
            sections.insert(0, half - sum(sections))
            spec["mrope"] = ",".join(map(str, sections))
            spec["mrope_interleaved"] = "1" if interleaved else "0"
    return spec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    opts = ap.parse_args()
    rng = np.random.default_rng(opts.seed)
    passed = failed = 0
    for index in range(opts.cases):
        spec = random_spec(rng, index)
        args = ["%s=%s" % kv for kv in spec.items()]
        ok, message, case, cmd = rope_exec.run_case(args, opts.rope_run,
                                                    opts.tmp)
        print(message.splitlines()[0])
        if ok:
            passed += 1
            continue
        failed += 1
        print("--- reproducer: %s/%s ---" % (opts.tmp, spec["name"]))
        print(case.ir)
        print("inputs and outputs: %s" % " ".join(cmd[1:]))
        print("rerun: /usr/bin/python3 %s --rope-run %s --tmp %s %s" % (
            os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "rope_exec.py"), opts.rope_run, opts.tmp,
            " ".join(shlex.quote(a) for a in args)))
        print("\n".join(message.splitlines()[1:]))
    print("random: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
