"""The properties RoPE is chosen for, checked on what the compiler produces.

  rope_properties.py --rope-run PATH --tmp DIR invariance f32|bf16
  rope_properties.py --rope-run PATH --tmp DIR decay

`invariance`: a rope.rotate of q [T, 4, 64] and k [T, 2, 64] (GQA) for
every frequency attribute x pairing x rotary_dim (64 and a partial 24), all
on the same random data and positions, one function (and one rope-run call)
per pairing. The token rows are built so that one call holds everything
(the run-time frequency types, dynamic NTK and LongRoPE, choose their
frequencies from the largest position of the call, so the rows compared
must share a call):

  base rows      q_i, k_i at positions p_i (random in [0, 4096))
  shifted rows   q_i, k_i at p_i + s for every s in SHIFTS (up to 2^30)
  zero rows      q_i at position 0 (rotation by 0: q_i times A)
  relative rows  k_j at p_j - p_i for every (i, j)

and each configuration is held to

  norm      every rotated pair has the norm A * |x_pair| (A: the attention
            factor, 1 except YaRN's and LongRoPE's own); the pass-through
            elements of partial rotary are the input bits
  shift     q_m . k_n (the score of base rows i, j) equals
            q_{m+s} . k_{n+s} (shifted rows) for every shift
  relative  q_m . k_n equals q . R(n - m) k, both from the rotated tensors
            (zero row i with relative row (i, j)) and from the float64
            reference (numpy, angles (p_j - p_i) f_i from rope_ref's
            frequencies)

with limits derived from the dtype's rounding (see `limits`). The same
checks run on a float64 simulation of an implementation forming the angle in
f32 (HF, vLLM, llama.cpp: float(p) * float(f) in f32, cos/sin then exact)
and print how far its scores drift with the shift; the shift check rejects
it.

`decay`: the frequencies of default, linear, dynamic NTK, YaRN and
Llama 3.1 specifications from the compiler (rope.inv_freq run by rope-run,
f64 results), and RoFormer's long-term decay bound (section 3.4.3, Abel
summation): |sum_i h_i e^{i d f_i}| <= max_i |h_{i+1} - h_i| *
sum_j |S_j(d)| with S_j(d) = sum_{i<j} e^{i d f_i}; the relative bound
B(d) = mean_j |S_j(d)| is computed for distances d = m - n, averaged over
octaves and decades, and checked against the float64 formulas and what
each method promises (`decay`). bench/decay_plot.py plots the same curves.
"""
import argparse
import math
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npy_util as nu  # noqa: E402
import rope_exec  # noqa: E402
import rope_ref as ref  # noqa: E402

FREQS = ["default", "linear", "dynamic_ntk", "yarn", "longrope", "llama3",
         "inv_freqs", "freq_factors"]
PAIRINGS = ["half", "interleaved"]
D, HQ, HK, T0 = 64, 4, 2, 6
ROTARY = [64, 24]
SHIFTS = [1, 1000, 2 ** 16 + 3, 2 ** 20 - 1, 2 ** 24 + 1, 2 ** 27 + 5, 2 ** 30]
P_MAX = 4096
MLIR_ELT = {"f32": "f32", "bf16": "bf16"}

# ---- limits -----------------------------------------------------------------
# f32 unit roundoff, and the error of the kernel's cos/sin relative to A
# (docs/accuracy.md): the reduced angle rounded to f32 (2.3e-8), the f32
# polynomial (at most 1 ulp of 1, 2^-23) and the product with the attention
# factor rounded to f32 (2^-24).
U32 = 2.0 ** -24
DELTA = 2.3e-8 + 2.0 ** -23 + 2.0 ** -24
# bf16 unit roundoff (8 significant bits): one rounding of each result.
U_BF16 = 2.0 ** -8


def vector_eps():
    """Bound on |y - A R x| / (A |x|) for one rotated pair computed in f32
    (and so for a whole vector). y0 = fma(x0, c, -(x1 s)): c and s are each
    off by at most A DELTA, the product x1 s and the fma round once each
    (U32 relative to at most A (|x0| + |x1|)), so each element is off by at
    most A (DELTA + 2 U32)(|x0| + |x1|) <= A (DELTA + 2 U32) sqrt(2) |x|,
    and the pair by sqrt(2) times that."""
    return 2.0 * (DELTA + 2.0 * U32)


def score_eps(dtype):
    """Bound on |s - s_exact| / (A^2 |q_rot| |k_rot|) for one score
    s = <y_q, y_k> of computed vectors off by at most eps A |x| each:
    |<dq, y_k'> + <y_q', dk> + <dq, dk>| <= 2 eps + eps^2. bf16 rounds each
    element once more (at most U_BF16 |y_k|, so U_BF16 |y| per vector)."""
    eps = vector_eps()
    if dtype == "bf16":
        eps = eps + U_BF16 * (1.0 + eps)
    return 2.0 * eps + eps * eps


def norm_limits(x, y, i0, i1, a, dtype):
    """Per-pair limit on | |y_pair| - A |x_pair| |: the f32 computation's
    vector_eps() A |x_pair|, plus for bf16 the rounding of each element,
    at most half a bf16 ulp at its magnitude (a truncating store would
    exceed it)."""
    lim = vector_eps() * a * np.hypot(x[..., i0], x[..., i1])
    if dtype == "bf16":
        lim = lim + 0.5 * np.hypot(nu.ulp(y[..., i0], "bf16"), nu.ulp(y[..., i1], "bf16"))
    return lim


def limits(dtype):
    """Limits of the score checks, relative to A^2 |q_rot| |k_rot|: a
    computed score against the float64 one, the difference of two computed
    scores (shift, relative rotation) twice that."""
    score = score_eps(dtype)
    return dict(reference=score, shift=2.0 * score, relative=2.0 * score)


# ---- data -------------------------------------------------------------------
def build_rows(rng):
    """Token rows: (q index, k index, position) and the index of each group."""
    p = rng.integers(0, P_MAX, size=T0)
    qi, ki, pos = [], [], []

    def add(i, j, position):
        qi.append(i)
        ki.append(j)
        pos.append(position)
        return len(pos) - 1

    base = [add(i, i, int(p[i])) for i in range(T0)]
    shifted = [[add(i, i, int(p[i]) + s) for i in range(T0)] for s in SHIFTS]
    zero = [add(i, i, 0) for i in range(T0)]
    rel = [[add(i, j, int(p[j] - p[i])) for j in range(T0)] for i in range(T0)]
    return dict(p=p, qi=np.array(qi), ki=np.array(ki),
                pos=np.array(pos, dtype=np.int64), base=np.array(base),
                shifted=np.array(shifted), zero=np.array(zero),
                rel=np.array(rel))


def make_data(dtype, seed=0):
    """The rows, and q [rows, HQ, D] and k [rows, HK, D] stored in dtype
    (random normal contents, seeded)."""
    rng = np.random.default_rng(seed)
    rows = build_rows(rng)
    q0 = rng.standard_normal((T0, HQ, D))
    k0 = rng.standard_normal((T0, HK, D))
    q = nu.to_storage(q0[rows["qi"]], dtype)
    k = nu.to_storage(k0[rows["ki"]], dtype)
    return rows, q, k


def configs():
    out = []
    for f in FREQS:
        for pairing in PAIRINGS:
            for r in ROTARY:
                name = "%s-r%d-%s" % (pairing, r, f)
                case = rope_exec.Case(["name=" + name, "freqs=" + f,
                                       "pairing=" + pairing, "dim=%d" % D,
                                       "rotary=%d" % r, "heads=%d,%d" % (HQ, HK)])
                out.append(case)
    return out


def emit_function(cases, dtype, tokens):
    """One function rotating q and k by every case. The token count is
    static: the dynamic-token form also compiles the few-tokens variant of
    every op (about 6x the compile time); dynamic token dimensions are
    covered by the other execution tests."""
    elt = MLIR_ELT[dtype]
    tq = "tensor<%dx%dx%dx%s>" % (tokens, HQ, D, elt)
    tk = "tensor<%dx%dx%dx%s>" % (tokens, HK, D, elt)
    lines = ["func.func @main(%%q: %s, %%k: %s, %%pos: tensor<%dxi64>) -> (%s) {" % (
        tq, tk, tokens, ", ".join([tq, tk] * len(cases)))]
    results = []
    for n, case in enumerate(cases):
        lines.append("  %%eq%d = tensor.empty() : %s" % (n, tq))
        lines.append("  %%ek%d = tensor.empty() : %s" % (n, tk))
        extra = " rotary_dim = %d" % case.R if case.R != D else ""
        lines.append(
            "  %%yq%d, %%yk%d = rope.rotate %s thd ins(%%q, %%k : %s, %s) "
            "outs(%%eq%d, %%ek%d : %s, %s) positions(%%pos : tensor<%dxi64>) "
            "freqs(%s)%s" % (n, n, case.s["pairing"], tq, tk, n, n, tq, tk,
                             tokens, case.freq_attr(), extra))
        results += ["%%yq%d" % n, "%%yk%d" % n]
    lines.append("  return %s : %s" % (", ".join(results),
                                       ", ".join([tq, tk] * len(cases))))
    lines.append("}")
    return "\n".join(lines) + "\n"


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit("FAIL: %s exited %d\n%s" % (" ".join(cmd),
                                                       proc.returncode, proc.stderr))


# ---- float64 helpers --------------------------------------------------------
def pair_indices(pairing, r):
    h = r // 2
    if pairing == "half":
        return np.arange(h), np.arange(h) + h
    return np.arange(0, r, 2), np.arange(1, r, 2)


def rotate64(x, theta, pairing, r, a=1.0):
    """x [..., D] (float64) rotated by angles theta [..., R/2], times A on
    the rotary part; pass-through elements copied."""
    i0, i1 = pair_indices(pairing, r)
    c, s = a * np.cos(theta), a * np.sin(theta)
    y = x.copy()
    x0, x1 = x[..., i0], x[..., i1]
    y[..., i0] = x0 * c - x1 * s
    y[..., i1] = x1 * c + x0 * s
    return y


def exact_angles(positions, f):
    """positions [N] (int) x f [R/2] -> angles [N, R/2], reduced exactly
    where float64's p * f is too coarse (rope_ref.reduced_angles)."""
    p = np.repeat(positions.astype(np.int64)[:, None], len(f), axis=1)
    fb = np.broadcast_to(f, p.shape)
    theta = p.astype(np.float64) * fb
    big = np.abs(theta) >= 2.0 ** 20
    if big.any():
        theta[big] = ref.reduced_angles(p[big], fb[big])
    return theta


def scores(yq, yk, a_rows, b_rows):
    """<yq[a], yk[b]> for every a in a_rows x b in b_rows (same shape as
    a_rows), q head h paired with k head h // (HQ / HK): [..., HQ]."""
    kh = np.arange(HQ) // (HQ // HK)
    qa = yq[a_rows]                    # [..., HQ, D]
    kb = yk[b_rows][..., kh, :]        # [..., HQ, D]
    return np.einsum("...hd,...hd->...h", qa, kb)


def pair_grid(rows_i, rows_j):
    """Index arrays [T0, T0] of (row_i[i], row_j[j])."""
    return (np.repeat(rows_i[:, None], T0, axis=1),
            np.repeat(rows_j[None, :], T0, axis=0))


# ---- the checks -------------------------------------------------------------
def check_config(case, rows, xq64, xk64, yq, yk, a, f_ref, dtype, raw=None):
    """Returns ({check: (largest relative error, its fraction of the
    limit)}, shift drift by shift, pass-through kept). yq, yk: float64 of
    the results for every row; xq64, xk64: the inputs of every row; raw:
    the stored inputs and results (pass-through bits)."""
    r = case.R
    pairing = case.s["pairing"]
    i0, i1 = pair_indices(pairing, r)
    lim = limits(dtype)
    out = {}
    # norm: |y_pair| against A |x_pair|, every pair of every row of q and k.
    rel = frac = 0.0
    for x, y in ((xq64, yq), (xk64, yk)):
        ax = a * np.hypot(x[..., i0], x[..., i1])
        e = np.abs(np.hypot(y[..., i0], y[..., i1]) - ax)
        rel = max(rel, float(np.max(e / ax)))
        frac = max(frac, float(np.max(e / norm_limits(x, y, i0, i1, a, dtype))))
    out["norm"] = (rel, frac)
    passthrough_ok = True
    if raw is not None and r < D:
        for x, y in raw:
            passthrough_ok &= bool(np.array_equal(x[..., r:], y[..., r:]))
    # Scores of base rows i (q) and j (k), normalized by A^2 |q_rot| |k_rot|.
    kh = np.arange(HQ) // (HQ // HK)
    qn = np.sqrt((xq64[..., i0] ** 2 + xq64[..., i1] ** 2).sum(-1))
    kn = np.sqrt((xk64[..., i0] ** 2 + xk64[..., i1] ** 2).sum(-1))[:, kh]
    gi, gj = pair_grid(rows["base"], rows["base"])
    scale = a * a * qn[gi] * kn[gj]
    s0 = scores(yq, yk, gi, gj)
    # float64 reference: A^2 <q_i, R(p_j - p_i) k_j> (+ the pass-through
    # part's product), angles from rope_ref's frequencies.
    q_in = xq64[rows["base"]]                                 # [T0, HQ, D]
    k_in = xk64[rows["base"]]                                 # [T0, HK, D]
    d = (rows["p"][None, :] - rows["p"][:, None]).reshape(-1)
    theta = exact_angles(d, f_ref).reshape(T0, T0, 1, -1)
    k_rel = rotate64(np.broadcast_to(k_in[None, :, kh, :], (T0, T0, HQ, D)),
                     theta, pairing, r, a)
    q_scaled = q_in.copy()  # rotated by 0: the rotary part times A
    q_scaled[..., i0] *= a
    q_scaled[..., i1] *= a
    s_ref = np.einsum("ihd,ijhd->ijh", q_scaled, k_rel)
    # shift: the same pairs of tokens, every position moved by s.
    drift, ref_err = [], [np.max(np.abs(s0 - s_ref) / scale)]
    for k in range(len(SHIFTS)):
        si, sj = pair_grid(rows["shifted"][k], rows["shifted"][k])
        ss = scores(yq, yk, si, sj)
        drift.append(float(np.max(np.abs(ss - s0) / scale)))
        ref_err.append(np.max(np.abs(ss - s_ref) / scale))
    # relative rotation from the rotated tensors: q at 0, k at p_j - p_i.
    zi = np.repeat(rows["zero"][:, None], T0, axis=1)
    s_rel = scores(yq, yk, zi, rows["rel"])
    ref_err.append(np.max(np.abs(s_rel - s_ref) / scale))
    for key, value in (("reference", float(max(ref_err))), ("shift", max(drift)),
                       ("relative", float(np.max(np.abs(s_rel - s0) / scale)))):
        out[key] = (value, value / lim[key])
    return out, drift, passthrough_ok


CHECKS = ["norm", "reference", "shift", "relative"]


def check_case(case, rows, q, k, yq_raw, yk_raw, dtype):
    """Checks one configuration's stored results. Returns (the checks over
    their limit, the report line, the errors, the shift drift)."""
    xq64, xk64 = nu.from_storage(q, dtype), nu.from_storage(k, dtype)
    yq, yk = nu.from_storage(yq_raw, dtype), nu.from_storage(yk_raw, dtype)
    f_ref, a = case.reference_freqs(int(rows["pos"].max()) + 1)
    err, drift, pt_ok = check_config(case, rows, xq64, xk64, yq, yk, a, f_ref,
                                     dtype, raw=[(q, yq_raw), (k, yk_raw)])
    bad = [key for key in CHECKS if not err[key][1] <= 1.0]
    if not pt_ok:
        bad.append("pass-through")
    line = "%s %s: %s%s%s" % (
        "FAIL" if bad else "PASS", case.s["name"],
        "  ".join("%s %.2e (%.2f)" % (key, err[key][0], err[key][1]) for key in CHECKS),
        ", pass-through bits kept" if case.R < D and pt_ok else "",
        "; over the limit: %s" % ", ".join(bad) if bad else "")
    return bad, line, err, drift


def f32_angle_outputs(case, rows, xq64, xk64, f_ref, a):
    """What an implementation forming the angle in f32 (float(p) * float(f),
    rounded to f32; cos/sin then exact) returns, stored in f32."""
    p32 = rows["pos"].astype(np.float32)
    theta = (p32[:, None] * np.asarray(f_ref, dtype=np.float32)[None, :]
             ).astype(np.float32).astype(np.float64)[:, None, :]
    outs = []
    for x in (xq64, xk64):
        y = rotate64(x, theta, case.s["pairing"], case.R, a)
        outs.append(y.astype(np.float32).astype(np.float64))
    return outs


def invariance(rope_run, tmp, dtype, seed):
    os.makedirs(tmp, exist_ok=True)
    rows, q, k = make_data(dtype, seed)
    xq64, xk64 = nu.from_storage(q, dtype), nu.from_storage(k, dtype)
    n_pos = int(rows["pos"].max()) + 1
    cases = configs()
    files = []
    for name, arr in (("q", q), ("k", k), ("pos", rows["pos"])):
        files.append(os.path.join(tmp, "%s-%s.npy" % (name, dtype)))
        np.save(files[-1], arr)
    # One rope-run per pairing (16 ops each: compile time grows faster than
    # the op count).
    outs = {}
    for pairing in PAIRINGS:
        group = [c for c in cases if c.s["pairing"] == pairing]
        ir = os.path.join(tmp, "properties-%s-%s.mlir" % (dtype, pairing))
        with open(ir, "w") as f:
            f.write(emit_function(group, dtype, len(rows["pos"])))
        paths = [os.path.join(tmp, "y%d-%s-%s.npy" % (n, dtype, pairing))
                 for n in range(2 * len(group))]
        run([rope_run, ir, "-i", ",".join(files), "-o", ",".join(paths)])
        for n, c in enumerate(group):
            outs[c.s["name"]] = (paths[2 * n], paths[2 * n + 1])
    lim = limits(dtype)
    print("%s: relative errors (and their fraction of the limit) of: the pair "
          "norms against A |x_pair| (limit per pair: %s); every score against "
          "float64's A^2 q.R(n-m)k (limit %.2g); the shifted scores and those "
          "from R(n-m) on k alone against q_m.k_n (limit %.2g); scores "
          "relative to A^2 |q_rot| |k_rot|" % (
              dtype, "%.2g A |x_pair|" % vector_eps() if dtype == "f32" else
              "%.2g A |x_pair| + half a bf16 ulp of each element" % vector_eps(),
              lim["reference"], lim["shift"]))
    failed = 0
    worst = {key: (0.0, 0.0, "") for key in CHECKS}
    sim_rejected, sim_drift = 0, []
    table = None
    for case in cases:
        name = case.s["name"]
        yq_raw, yk_raw = (np.load(path) for path in outs[name])
        bad, line, err, drift = check_case(case, rows, q, k, yq_raw, yk_raw, dtype)
        print(line)
        for key in CHECKS:
            if err[key][1] >= worst[key][1]:
                worst[key] = err[key] + (name,)
        failed += 1 if bad else 0
        if dtype == "f32":
            f_ref, a = case.reference_freqs(n_pos)
            sq, sk = f32_angle_outputs(case, rows, xq64, xk64, f_ref, a)
            serr, sdrift, _ = check_config(case, rows, xq64, xk64, sq, sk, a, f_ref, dtype)
            sim_drift.append(serr["shift"][0])
            sim_rejected += 1 if serr["shift"][1] > 1.0 else 0
            if table is None:
                table = (name, drift, sdrift)
    for key in CHECKS:
        print("largest %s error %.2e (%s): %.3f of its limit" % (
            key, worst[key][0], worst[key][2], worst[key][1]))
    if table is not None:
        name, ours, sim = table
        print("score drift max |q_{m+s}.k_{n+s} - q_m.k_n| / (A^2 |q| |k|), %s:" % name)
        print("  shift s      rope-mlir    f32 angle (float64 with f32-rounded angles)")
        for s, o, f in zip(SHIFTS, ours, sim):
            print("  %-11d  %.2e     %.2e" % (s, o, f))
        print("f32-angle simulation: the shift check rejects %d of %d configurations "
              "(drift %.2g to %.2g, limit %.2g)" % (
                  sim_rejected, len(cases), min(sim_drift), max(sim_drift),
                  lim["shift"]))
    print("properties %s: %d of %d configurations passed" % (
        dtype, len(cases) - failed, len(cases)))
    return 1 if failed else 0


# ---- GPU check bundle -------------------------------------------------------
# The bundle's runner (bench/gpu-bundle) gives kernel output k the shape and
# type of input k, so each configuration is a kernel of its own (q, k,
# positions -> q, k): every frequency attribute in f32, the pairing x
# rotary_dim combinations in turn, and each combination once in bf16.
def bundle_cases():
    """(case name, spec) of the bundle's property cases."""
    picks = [("f32", f, n) for n, f in enumerate(FREQS)] + [
        ("bf16", f, n) for n, f in enumerate(["default", "dynamic_ntk", "yarn", "llama3"])]
    out = []
    for dtype, f, n in picks:
        config = "%s-r%d-%s" % (PAIRINGS[n % 2], ROTARY[(n // 2) % 2], f)
        out.append(("properties-%s-%s" % (dtype, config), "properties %s %s" % (dtype, config)))
    return out


def config_named(name):
    for case in configs():
        if case.s["name"] == name:
            return case
    raise SystemExit("no property configuration " + name)


def write_bundle_case(spec, cdir):
    """spec: ['properties', dtype, configuration]. Writes case.mlir (@main)
    and its inputs into cdir; returns the input paths in argument order."""
    dtype, name = spec[1], spec[2]
    rows, q, k = make_data(dtype)
    with open(os.path.join(cdir, "case.mlir"), "w") as f:
        f.write(emit_function([config_named(name)], dtype, len(rows["pos"])))
    files = []
    for base, arr in (("q", q), ("k", k), ("pos", rows["pos"])):
        files.append(os.path.join(cdir, base + ".npy"))
        np.save(files[-1], arr)
    return files


def check_bundle_case(spec, inputs, outputs):
    """The checks of one bundle case on its shipped inputs (which must be
    the spec's) and its outputs y0, y1. Returns (ok, detail)."""
    dtype, name = spec[1], spec[2]
    rows, q, k = make_data(dtype)
    for path, regenerated in zip(inputs, (q, k, rows["pos"])):
        if not np.array_equal(np.load(path), regenerated):
            return False, "input %s differs from its spec's" % os.path.basename(path)
    bad, line, _, _ = check_case(config_named(name), rows, q, k,
                                 np.load(outputs[0]), np.load(outputs[1]), dtype)
    return not bad, line.split(": ", 1)[1]


# ---- long-term decay --------------------------------------------------------
DECAY_R = 128
NTK_N = 4 * 4096  # dynamic NTK evaluated at n = 4 L0


def decay_specs():
    """(label, rope_exec spec, base of the matching default, factor)."""
    return [
        ("default", "freqs=default base=10000.0", 10000.0, 1.0),
        ("linear", "freqs=linear base=10000.0 factor=4.0", 10000.0, 4.0),
        ("dynamic_ntk", "freqs=dynamic_ntk base=10000.0 factor=4.0 l0=4096", 10000.0, 4.0),
        ("yarn", "freqs=yarn base=10000.0 factor=4.0 l0=4096", 10000.0, 4.0),
        ("default-500k", "freqs=default base=500000.0", 500000.0, 1.0),
        ("linear-500k", "freqs=linear base=500000.0 factor=8.0", 500000.0, 8.0),
        ("llama3", "freqs=llama3 base=500000.0 factor=8.0 low=1.0 high=4.0 l0=8192",
         500000.0, 8.0),
    ]


def compiler_inv_freqs(rope_run, tmp, cases, n):
    """Runs one function computing rope.inv_freq of every case (a tensor of
    R/2 f64; the run-time types take positions [n - 1]) with rope-run and
    returns the frequencies."""
    os.makedirs(tmp, exist_ok=True)
    ty = "tensor<%dxf64>" % (DECAY_R // 2)
    lines = ["func.func @main(%%pos: tensor<?xi64>) -> (%s) {" % ", ".join([ty] * len(cases))]
    res = []
    for idx, case in enumerate(cases):
        dyn = case.s["freqs"] in ("dynamic_ntk", "longrope")
        lines.append("  %%f%d = rope.inv_freq freqs(%s)%s : %s" % (
            idx, case.freq_attr(), " positions(%pos : tensor<?xi64>)" if dyn else "", ty))
        # Copied into a fresh tensor: a folded (constant) result returned as
        # is would be a global, which rope-run then frees.
        lines.append("  %%e%d = tensor.empty() : %s" % (idx, ty))
        lines.append("  %%c%d = linalg.copy ins(%%f%d : %s) outs(%%e%d : %s) -> %s" % (
            idx, idx, ty, idx, ty, ty))
        res.append("%%c%d" % idx)
    lines.append("  return %s : %s" % (", ".join(res), ", ".join([ty] * len(cases))))
    lines.append("}")
    ir = os.path.join(tmp, "inv-freq.mlir")
    with open(ir, "w") as f:
        f.write("\n".join(lines) + "\n")
    pos = os.path.join(tmp, "pos.npy")
    np.save(pos, np.array([n - 1], dtype=np.int64))
    outs = [os.path.join(tmp, "f%d.npy" % i) for i in range(len(cases))]
    run([rope_run, ir, "-i", pos, "-o", ",".join(outs)])
    return [np.load(o) for o in outs]


def decay_bound(f, d):
    """RoFormer's relative bound B(d) = mean_j |sum_{i<j} e^{i d f_i}|,
    j = 1 .. R/2, for every distance in d (float64)."""
    f = np.asarray(f, dtype=np.float64)
    d = np.asarray(d, dtype=np.float64)
    out = np.empty(d.shape)
    flat, res = d.reshape(-1), out.reshape(-1)
    for a in range(0, flat.size, 4096):
        e = np.exp(1j * np.outer(flat[a:a + 4096], f))
        res[a:a + 4096] = np.abs(np.cumsum(e, axis=1)).mean(axis=1)
    return out


def random_phase_level(h):
    """B for random phases: E|S_j| ~ sqrt(pi j) / 2 (Rayleigh), averaged
    over j = 1 .. h: the level B settles at beyond the longest wavelength."""
    j = np.arange(1, h + 1)
    return float(np.mean(np.sqrt(np.pi * j) / 2.0))


def band_distances(lo, hi, n=256):
    """Integer distances in [lo, hi): all of them, or n evenly spaced."""
    if hi - lo <= n:
        return np.arange(lo, hi, dtype=np.float64)
    return np.unique(np.floor(np.linspace(lo, hi, n, endpoint=False)))


OCTAVES = 24  # distances 1 .. 2^24


def octave_means(f):
    """Mean of B over the integer distances of each octave [2^k, 2^(k+1))."""
    return np.array([decay_bound(f, band_distances(2 ** k, 2 ** (k + 1))).mean()
                     for k in range(OCTAVES)])


def reach(means, level):
    """The distance where the octave means first fall below `level` (log-
    interpolated between octave centres), None if they never do."""
    centres = 2.0 ** (np.arange(len(means)) + 0.5)
    for k in range(1, len(means)):
        if means[k] < level <= means[k - 1]:
            t = (means[k - 1] - level) / (means[k - 1] - means[k])
            return float(centres[k - 1] * 2.0 ** t)
    return None


def phase_tolerance(f, d_max):
    """Limit on |B_1(d) - B_2(d)| between two float64 evaluations of the
    same curve, d <= d_max: each frequency carries a few ulps of its f64
    formula (pow, divisions) and exp forms each phase d f to about an ulp of
    it; 32 ulps (2^-48 relative) of the largest phase bound each term, a
    partial sum of R/2 terms is off by at most R/2 times that, and so is
    their mean B."""
    return len(f) * d_max * float(np.max(f)) * 2.0 ** -48


def decay_data(rope_run, tmp):
    """label -> dict(case, base, factor, f (from the compiler), f_ref
    (rope_ref, float64), means (octave means of B))."""
    specs = decay_specs()
    cases = [rope_exec.Case(("name=%s dim=%d %s" % (label, DECAY_R, spec)).split())
             for label, spec, _, _ in specs]
    freqs = compiler_inv_freqs(rope_run, tmp, cases, NTK_N)
    out = {}
    for (label, _, base, factor), case, f in zip(specs, cases, freqs):
        out[label] = dict(case=case, base=base, factor=factor, f=f,
                          f_ref=np.array(case.reference_freqs(NTK_N)[0]),
                          means=octave_means(f))
    return out


def decay(rope_run, tmp):
    data = decay_data(rope_run, tmp)
    h = DECAY_R // 2
    b0 = (h + 1) / 2.0
    floor = random_phase_level(h)
    print("R = %d: B(0) = %.2f, random-phase level %.2f" % (DECAY_R, b0, floor))
    failed = 0

    def verdict(ok, text):
        nonlocal failed
        failed += 0 if ok else 1
        print("%s %s" % ("PASS" if ok else "FAIL", text))

    grid = np.concatenate([band_distances(2 ** k, 2 ** (k + 1)) for k in range(OCTAVES)])
    d_max = float(grid.max())
    # The curve of the compiler's frequencies is the method's curve, that
    # of rope_ref's float64 frequencies.
    for label, v in data.items():
        diff = float(np.max(np.abs(decay_bound(v["f"], grid) - decay_bound(v["f_ref"], grid))))
        tol = phase_tolerance(v["f_ref"], d_max)
        verdict(diff <= tol, "decay-%s: B from rope.inv_freq = B from the float64 "
                "formula, max diff %.1e (limit %.1e)" % (label, diff, tol))

    # Default frequencies: the decade means of B decrease, decade after
    # decade, until they reach the random-phase level (about the longest
    # wavelength 2 pi / f_min), and stay there.
    for label in ("default", "default-500k"):
        f = data[label]["f"]
        means = [float(decay_bound(f, band_distances(10 ** k, 10 ** (k + 1), 2048)).mean())
                 for k in range(7)]
        near = 1.1 * floor
        k_floor = next((k for k, m in enumerate(means) if m <= near), len(means))
        decreasing = all(means[k + 1] < means[k] for k in range(min(k_floor, len(means) - 1)))
        stays = all(m <= near for m in means[k_floor:])
        print("%s (base %g, longest wavelength %.3g): decade means of B over "
              "[10^k, 10^(k+1)), k = 0..6: %s" % (
                  label, data[label]["base"], 2 * math.pi / float(np.min(f)),
                  " ".join("%.2f" % m for m in means)))
        verdict(decreasing and k_floor >= 3 and stays,
                "decay-%s: the decade means decrease from [1, 10) to [10^%d, "
                "10^%d), where they reach the random-phase level (%.2f + 10%%), "
                "and stay there up to 10^7" % (label, k_floor, k_floor + 1, floor))

    levels = [("near", 0.5 * b0), ("mid", 0.25 * b0), ("far", 1.25 * floor)]

    def ratios(label, ref_label):
        out = []
        for _, lev in levels:
            r1, r0 = reach(data[label]["means"], lev), reach(data[ref_label]["means"], lev)
            out.append(None if r1 is None or r0 is None else r1 / r0)
        return out

    def show(rs):
        return " ".join("-" if r is None else "x%.2f" % r for r in rs)

    print("stretch: reach (distance where the octave means of B fall below "
          "%s) over the default's of the same base" % ", ".join(
              "%.2f (%s)" % (lev, n) for n, lev in levels))

    # linear (position interpolation): the curve of the base frequencies at
    # d / factor; every reach times factor.
    for label, ref_label in (("linear", "default"), ("linear-500k", "default-500k")):
        v = data[label]
        base_f = np.array(ref.base_freqs(v["base"], DECAY_R))
        diff = float(np.max(np.abs(decay_bound(v["f"], grid) -
                                   decay_bound(base_f, grid / v["factor"]))))
        tol = phase_tolerance(base_f, d_max)
        rs = ratios(label, ref_label)
        print("  %s x%g: %s" % (label, v["factor"], show(rs)))
        # The octave means of B(d / factor) are those of B over octaves
        # shifted by log2(factor), sampled at other integers: within 5%.
        ok = all(r is not None and abs(r / v["factor"] - 1) < 0.05 for r in rs)
        verdict(diff <= tol and ok, "decay-%s: B(d) = B_base(d / %g), max diff %.1e "
                "(limit %.1e); reach x%g at every level" % (
                    label, v["factor"], diff, tol, v["factor"]))

    # dynamic NTK: the curve of base' = base kappa^(R/(R-2)), kappa =
    # factor n / L0 - (factor - 1): the highest frequency kept, the lowest
    # divided by kappa, so the stretch grows with distance, within (1, kappa].
    v = data["dynamic_ntk"]
    kappa = v["factor"] * NTK_N / int(v["case"].s["l0"]) - (v["factor"] - 1)
    base2 = v["base"] * kappa ** (DECAY_R / (DECAY_R - 2.0))
    nf = np.array(ref.base_freqs(base2, DECAY_R))
    diff = float(np.max(np.abs(decay_bound(v["f"], grid) - decay_bound(nf, grid))))
    tol = phase_tolerance(nf, d_max)
    rs = ratios("dynamic_ntk", "default")
    print("  dynamic_ntk (n = %d, kappa = %g): %s" % (NTK_N, kappa, show(rs)))
    ok = all(r is not None for r in rs)
    ok = ok and all(1.0 < r <= kappa for r in rs) and all(
        rs[k + 1] >= rs[k] for k in range(len(rs) - 1))
    verdict(diff <= tol and ok, "decay-dynamic_ntk: B = B of base %.6g, max diff %.1e "
            "(limit %.1e); stretch in (1, %g], growing with distance" % (
                base2, diff, tol, kappa))

    # YaRN and Llama 3.1: the high-frequency band is kept (the partial sums
    # over it are the default's: short range unchanged), the low band is
    # divided by factor (long range stretched by about factor).
    for label, ref_label in (("yarn", "default"), ("llama3", "default-500k")):
        v = data[label]
        base_f = np.array(ref.base_freqs(v["base"], DECAY_R))
        kept = 0
        while kept < len(base_f) and v["f_ref"][kept] == base_f[kept]:
            kept += 1
        sdiff = 0.0
        if kept:
            s1 = np.abs(np.cumsum(np.exp(1j * np.outer(grid, v["f"][:kept])), 1))
            s0 = np.abs(np.cumsum(np.exp(1j * np.outer(grid, base_f[:kept])), 1))
            sdiff = float(np.max(np.abs(s1 - s0)))
        tol = phase_tolerance(base_f, d_max)
        rs = ratios(label, ref_label)
        factor = v["factor"]
        print("  %s x%g: %s" % (label, factor, show(rs)))
        ok = kept > 0 and all(r is not None for r in rs)
        ok = ok and abs(rs[0] - 1.0) <= 0.1 and factor / 2 <= rs[-1] <= 2 * factor
        verdict(sdiff <= tol and ok,
                "decay-%s: partial sums over the %d kept frequencies = the "
                "default's (max diff %.1e, limit %.1e); near reach x%.2f (kept), "
                "far x%.2f (about x%g)" % (label, kept, sdiff, tol, rs[0], rs[-1], factor))
    print("decay: %d checks failed" % failed)
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("what", choices=["invariance", "decay"])
    ap.add_argument("dtype", nargs="?", default="f32", choices=["f32", "bf16"])
    a = ap.parse_args()
    if a.what == "invariance":
        return invariance(a.rope_run, os.path.join(a.tmp, "invariance"), a.dtype, a.seed)
    return decay(a.rope_run, os.path.join(a.tmp, "decay"))


if __name__ == "__main__":
    sys.exit(main())
