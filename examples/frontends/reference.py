#!/usr/bin/env python3
"""Inputs and float64 references of the programs in examples/frontends/.

    reference.py gen EXAMPLE DIR [--seq S] [--seed N] [--positions KIND]
    reference.py check EXAMPLE DIR TAG...

`gen` writes the example's inputs as DIR/<argument name>.npy (float32 data
in [-1, 1], weights scaled by 1/sqrt(fan_in) as in trained layers; int64
position_ids). KIND: `random` (uniform in [0, 2048)), `arange` (0..S-1, a
prefill), `wrap` (random with -1 and -2048 among them: PyTorch indexing
wraps them to rows 2047 and 0; gathered examples only).

`check` reads the outputs of `rope-run` from DIR/<TAG>.<result>.npy and
compares each with a float64 reference written from the formulas, not from
the programs: for every position p and rotated pair (a, b) with angle t,
(a cos t - b sin t, b cos t + a sin t). It prints
`<example> <TAG>.<result> PASS|FAIL max_abs_err=... tol=...`.

Examples (the .mlir file next to this script, its function's arguments):
  llama3-gathered  llama3-attention-gathered.mlir: hidden, position_ids,
                   wq, wk, wv, wo, cos_cached, sin_cached
                   -> out, present_k, present_v
  llama3-computed  llama3-attention-computed.mlir: hidden, position_ids,
                   wq, wk, wv, wo -> out, present_k, present_v
  gptj             gptj-block.mlir: q, k, position_ids, embed_positions
                   -> q, k
  deepseek-mla     deepseek-mla-rope.mlir: q, k_pe, k_nope, position_ids,
                   cos_cached, sin_cached -> query_states, key_states
"""
import argparse
import os
import sys

import numpy as np

MAX_POS = 2048
HIDDEN, HEADS, KV_HEADS, HEAD_DIM = 256, 4, 2, 64

# ---------------------------------------------------------------- tables


def inv_freq(base, dim):
    """float64 1 / base^(2i/dim), i < dim/2."""
    return 1.0 / base ** (np.arange(0, dim, 2, dtype=np.float64) / dim)


def half_tables(base, dim):
    """HF's cached cos/sin [MAX_POS, dim] (pre-4.38 LlamaRotaryEmbedding,
    DeepseekV3): emb = cat(freqs, freqs), freqs = outer(t, float32 inv_freq)."""
    freqs = np.outer(np.arange(MAX_POS, dtype=np.float64),
                     inv_freq(base, dim).astype(np.float32).astype(np.float64))
    emb = np.concatenate([freqs, freqs], -1)
    return np.cos(emb).astype(np.float32), np.sin(emb).astype(np.float32)


def gptj_table(dim):
    """HF GPT-J create_sinusoidal_positions: cat(sin, cos) [MAX_POS, dim]."""
    freqs = np.outer(np.arange(MAX_POS, dtype=np.float64),
                     inv_freq(10000.0, dim)).astype(np.float32).astype(np.float64)
    return np.concatenate([np.sin(freqs), np.cos(freqs)], -1).astype(np.float32)


# ---------------------------------------------------------------- rotations


def rotate_pairs(x, lo, hi, c, s):
    """Rotates the pairs (x[..., lo[i]], x[..., hi[i]]) by the angle whose
    cosine and sine are c[..., i] and s[..., i] (float64); other columns are
    kept. c and s broadcast against x[..., i]."""
    y = x.copy()
    a, b = x[..., lo], x[..., hi]
    y[..., lo] = a * c - b * s
    y[..., hi] = b * c + a * s
    return y


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def attention(h, w, cos, sin):
    """Llama attention in float64: the output and the KV-cache entries (k
    rotated, v). h [S, 256]; cos, sin [S, 32] per pair (pairs (i, i + 32) of
    each head)."""
    S = h.shape[0]
    q = (h @ w["wq"]).reshape(S, HEADS, HEAD_DIM).transpose(1, 0, 2)
    k = (h @ w["wk"]).reshape(S, KV_HEADS, HEAD_DIM).transpose(1, 0, 2)
    v = (h @ w["wv"]).reshape(S, KV_HEADS, HEAD_DIM).transpose(1, 0, 2)
    lo, hi = np.arange(32), np.arange(32, 64)
    q = rotate_pairs(q, lo, hi, cos, sin)
    k = rotate_pairs(k, lo, hi, cos, sin)
    present = {"present_k": k[None], "present_v": v[None]}
    group = HEADS // KV_HEADS  # query head j reads key/value head j // group
    k, v = np.repeat(k, group, 0), np.repeat(v, group, 0)
    p = softmax(q @ k.transpose(0, 2, 1) / np.sqrt(HEAD_DIM))
    o = (p @ v).transpose(1, 0, 2).reshape(S, HIDDEN)
    return dict(out=(o @ w["wo"])[None], **present)


# ---------------------------------------------------------------- examples


def positions(rng, seq, kind):
    if kind == "arange":
        return np.arange(seq, dtype=np.int64)[None]
    pos = rng.integers(0, MAX_POS, (1, seq), dtype=np.int64)
    if kind == "wrap":
        assert seq >= 4, "wrap needs 4 tokens"
        pos[0, 1], pos[0, 3] = -1, -MAX_POS
    return pos


def uniform(rng, shape, scale=1.0):
    return (rng.uniform(-1, 1, shape) * scale).astype(np.float32)


def gen_llama(rng, seq, pos_kind, gathered):
    ins = {"hidden": uniform(rng, (1, seq, HIDDEN)),
           "position_ids": positions(rng, seq, pos_kind)}
    scale = 1 / np.sqrt(HIDDEN)
    for name, cols in (("wq", HEADS * HEAD_DIM), ("wk", KV_HEADS * HEAD_DIM),
                       ("wv", KV_HEADS * HEAD_DIM), ("wo", HIDDEN)):
        ins[name] = uniform(rng, (HIDDEN, cols), scale)
    if gathered:
        ins["cos_cached"], ins["sin_cached"] = half_tables(500000.0, HEAD_DIM)
    return ins


def ref_llama(ins, gathered):
    pos = ins["position_ids"][0]
    if gathered:
        rows = pos % MAX_POS  # PyTorch's wrap of negative indices
        cos = ins["cos_cached"][rows].astype(np.float64)
        sin = ins["sin_cached"][rows].astype(np.float64)
        # Rows are cat(freqs, freqs): columns i and i + 32 hold the angle of
        # pair (i, i + 32).
        assert np.array_equal(cos[:, :32], cos[:, 32:])
        assert np.array_equal(sin[:, :32], sin[:, 32:])
        c, s = cos[:, :32], sin[:, :32]
    else:
        t = pos.astype(np.float64)[:, None] * inv_freq(500000.0, HEAD_DIM)
        c, s = np.cos(t), np.sin(t)
    w = {n: ins[n].astype(np.float64) for n in ("wq", "wk", "wv", "wo")}
    return attention(ins["hidden"][0].astype(np.float64), w, c, s)


def tol_llama(ins, gathered):
    if gathered:
        return 2e-4
    # The program forms p * inv_freq in f32 from float32 inv_freq, the
    # reference from exact frequencies in float64: up to ~2.4e-4 rad apart
    # near p = 2048 (p * 2^-24 each), with |k| up to ~1.5.
    return 2e-4 if np.abs(ins["position_ids"]).max() < 256 else 2e-3


def gen_gptj(rng, seq, pos_kind):
    return {"q": uniform(rng, (1, seq, 4, 64)),
            "k": uniform(rng, (1, seq, 4, 64)),
            "position_ids": positions(rng, seq, pos_kind),
            "embed_positions": gptj_table(32)}


def ref_gptj(ins):
    sincos = ins["embed_positions"][ins["position_ids"][0] % MAX_POS]
    sincos = sincos.astype(np.float64)
    s, c = sincos[:, None, :16], sincos[:, None, 16:]  # [S, 1, 16]
    even, odd = np.arange(0, 32, 2), np.arange(1, 32, 2)  # pairs (2i, 2i+1)
    out = {}
    for name in ("q", "k"):
        x = ins[name][0].astype(np.float64)  # [S, 4, 64]; 32..63 pass
        out[name] = rotate_pairs(x, even, odd, c, s)[None]
    return out


def gen_deepseek(rng, seq, pos_kind):
    ins = {"q": uniform(rng, (1, 4, seq, 96)),
           "k_pe": uniform(rng, (1, 1, seq, 32)),
           "k_nope": uniform(rng, (1, 4, seq, 64)),
           "position_ids": positions(rng, seq, pos_kind)}
    ins["cos_cached"], ins["sin_cached"] = half_tables(10000.0, 32)
    return ins


def ref_deepseek(ins):
    rows = ins["position_ids"][0] % MAX_POS
    c = ins["cos_cached"][rows][:, :16].astype(np.float64)  # [S, 16]
    s = ins["sin_cached"][rows][:, :16].astype(np.float64)
    for table in (ins["cos_cached"], ins["sin_cached"]):  # cat(freqs, freqs)
        assert np.array_equal(table[:, :16], table[:, 16:])

    def rope(x):
        # x [..., S, 32] stores pairs interleaved, (x[2i], x[2i+1]); the
        # result holds the rotated pairs de-interleaved: first elements in
        # columns 0..15, second elements in 16..31.
        y = rotate_pairs(x, np.arange(0, 32, 2), np.arange(1, 32, 2), c, s)
        return np.concatenate([y[..., 0::2], y[..., 1::2]], -1)

    q = ins["q"].astype(np.float64)
    k_pe = rope(ins["k_pe"].astype(np.float64))  # [1, 1, S, 32]
    k_nope = ins["k_nope"].astype(np.float64)
    return {"query_states": np.concatenate([q[..., :64], rope(q[..., 64:])], -1),
            "key_states": np.concatenate(
                [k_nope, np.broadcast_to(k_pe, k_nope.shape[:3] + (32,))], -1)}


# Rotations only: two products and a sum of values in [-1, 1] in f32.
ROTATION_TOL = 1e-6

EXAMPLES = {
    "llama3-gathered": (lambda r, n, p: gen_llama(r, n, p, True),
                        lambda i: ref_llama(i, True), lambda i: tol_llama(i, True)),
    "llama3-computed": (lambda r, n, p: gen_llama(r, n, p, False),
                        lambda i: ref_llama(i, False), lambda i: tol_llama(i, False)),
    "gptj": (gen_gptj, ref_gptj, lambda i: ROTATION_TOL),
    "deepseek-mla": (gen_deepseek, ref_deepseek, lambda i: ROTATION_TOL),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("example", choices=EXAMPLES)
    g.add_argument("dir")
    g.add_argument("--seq", type=int, default=7)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--positions", choices=("random", "arange", "wrap"),
                   default="random")
    c = sub.add_parser("check")
    c.add_argument("example", choices=EXAMPLES)
    c.add_argument("dir")
    c.add_argument("tags", nargs="+")
    args = parser.parse_args()
    gen, ref, tol = EXAMPLES[args.example]

    if args.cmd == "gen":
        if args.example == "llama3-computed" and args.positions == "wrap":
            parser.error("llama3-computed has no table to wrap into")
        os.makedirs(args.dir, exist_ok=True)
        ins = gen(np.random.default_rng(args.seed), args.seq, args.positions)
        for name, value in ins.items():
            np.save(os.path.join(args.dir, name + ".npy"), value)
        return 0

    # check: the inputs are re-read from DIR (the files gen wrote).
    ins = {}
    for f in os.listdir(args.dir):
        name = f[:-4]
        if f.endswith(".npy") and "." not in name:
            ins[name] = np.load(os.path.join(args.dir, f))
    want = ref(ins)
    limit = tol(ins)
    ok = True
    for tag in args.tags:
        for name, w in want.items():
            path = os.path.join(args.dir, "%s.%s.npy" % (tag, name))
            if not os.path.exists(path):
                print("%s %s.%s FAIL missing %s" % (args.example, tag, name, path))
                ok = False
                continue
            got = np.load(path)
            if got.shape != w.shape:
                print("%s %s.%s FAIL shape %s, expected %s" % (
                    args.example, tag, name, got.shape, w.shape))
                ok = False
                continue
            err = float(np.abs(got.astype(np.float64) - w).max())
            passed = err <= limit  # NaN fails
            ok &= passed
            print("%s %s.%s %s max_abs_err=%.3g tol=%g" % (
                args.example, tag, name, "PASS" if passed else "FAIL", err, limit))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
