"""Independent float64 reference for rope-mlir tests.

Written from docs/rope-reference.md (HF modeling_rope_utils.py, vLLM, ONNX
RotaryEmbedding-23), not from the C++ implementation. Used to compute the
expected numbers in lit tests and the expected outputs of execution tests.
"""
import math


def base_freqs(base, r):
    return [base ** (-2.0 * i / r) for i in range(r // 2)]


def linear_freqs(base, factor, r):
    return [f / factor for f in base_freqs(base, r)]


def dynamic_ntk_freqs(base, factor, l0, r, n):
    if n > l0:
        base = base * ((factor * n / l0) - (factor - 1)) ** (r / (r - 2))
    return base_freqs(base, r)


def yarn_freqs(base, factor, l0, r, beta_fast=32.0, beta_slow=1.0,
               truncate=True):
    def corr(rot):
        return r * math.log(l0 / (rot * 2 * math.pi)) / (2 * math.log(base))
    lo, hi = corr(beta_fast), corr(beta_slow)
    if truncate:
        lo, hi = math.floor(lo), math.ceil(hi)
    lo, hi = max(lo, 0), min(hi, r - 1)
    if lo == hi:
        hi += 0.001
    out = []
    for i, f in enumerate(base_freqs(base, r)):
        ramp = min(max((i - lo) / (hi - lo), 0.0), 1.0)
        extrap = 1.0 - ramp
        out.append((f / factor) * (1 - extrap) + f * extrap)
    return out


def yarn_attention(factor, mscale=None, mscale_all_dim=None):
    def m(s, k):
        return 1.0 if s <= 1 else 0.1 * k * math.log(s) + 1.0
    if mscale and mscale_all_dim:
        return m(factor, mscale) / m(factor, mscale_all_dim)
    return m(factor, 1.0)


def longrope_freqs(base, ext, r):
    return [1.0 / (e * base ** (2.0 * i / r)) for i, e in enumerate(ext)]


def longrope_attention(max_pos, l0):
    s = max_pos / l0
    return 1.0 if s <= 1 else math.sqrt(1 + math.log(s) / math.log(l0))


def llama3_freqs(base, factor, low, high, l0, r):
    lw, hw = l0 / low, l0 / high
    out = []
    for f in base_freqs(base, r):
        wl = 2 * math.pi / f
        if wl < hw:
            out.append(f)
        elif wl > lw:
            out.append(f / factor)
        else:
            t = (l0 / wl - low) / (high - low)
            out.append((1 - t) * f / factor + t * f)
    return out


def freq_factor_freqs(base, divisors, r):
    return [f / d for f, d in zip(base_freqs(base, r), divisors)]


def mrope_axes(sections, interleaved=False):
    """Position axis of each of the R/2 frequencies under multimodal RoPE,
    as HF picks them: Qwen2-VL's consecutive sections, or Qwen3-VL's
    apply_interleaved_mrope (freqs_t = freqs[0]; for each axis dim >= 1,
    freqs_t[..., dim:sections[dim] * N:N] = freqs[dim, ..., same slice]),
    with N axes instead of three."""
    n = len(sections)
    if not interleaved:
        return [k for k, s in enumerate(sections) for _ in range(s)]
    axes = [0] * sum(sections)
    for dim in range(1, n):
        for i in range(dim, sections[dim] * n, n):
            axes[i] = dim
    return axes


def mlir_f64(v):
    """Formats a float the way rope-opt prints attribute doubles."""
    if v == math.trunc(v) and abs(v) < 1e15:
        return "%.1f" % v
    text = repr(v)
    if "e" in text and "." not in text.split("e")[0]:
        mant, exp = text.split("e")
        text = mant + ".0e" + exp
    return text


if __name__ == "__main__":
    # Prints the expected numbers of test/Dialect/Rope/canonicalize.mlir.
    def show(name, values):
        print(name, "[" + ", ".join(mlir_f64(v) for v in values) + "]")
    show("default", base_freqs(10000.0, 8))
    show("linear", linear_freqs(10000.0, 4.0, 8))
    show("yarn", yarn_freqs(10000.0, 40.0, 4096, 16))
    print("yarn A", mlir_f64(yarn_attention(40.0)))
    print("yarn A ds", mlir_f64(yarn_attention(40.0, 0.707, 1.0)))
    show("longrope short", longrope_freqs(10000.0, [1.0, 1.5, 2.0, 3.0], 8))
    show("longrope long", longrope_freqs(10000.0, [4.0, 5.0, 6.0, 8.0], 8))
    print("longrope A", mlir_f64(longrope_attention(131072, 4096)))
    show("llama3", llama3_freqs(500000.0, 8.0, 1.0, 4.0, 8192, 32))
    show("freq_factors", freq_factor_freqs(10000.0, [1.0, 2.0, 4.0, 8.0], 8))


# 2*pi to 100 digits, for angles whose float64 product p * f is too coarse.
_PI_100 = ("3.14159265358979323846264338327950288419716939937510"
           "58209749445923078164062862089986280348253421170679")


def reduced_angles(p, f):
    """theta = p * f reduced to [0, 2 pi), exactly for integer p and float64 f.

    p * f in float64 has an error of ulp(p * f) / 2 (2.4e-7 at 2^31), which
    is the size of the bound being tested; here frac(p * f / (2 pi)) is taken
    in 128-bit fixed point with Python integers: F_f = round(f / (2 pi) * 2^128)
    once per frequency, then (p * F_f) mod 2^128.
    """
    import decimal
    import numpy as np
    ctx = decimal.Context(prec=90)
    two_pi = ctx.multiply(decimal.Decimal(_PI_100), 2)
    scale = decimal.Decimal(2) ** 128
    turns = {}
    out = np.empty(len(p), dtype=np.float64)
    mask = (1 << 128) - 1
    for j, (pj, fj) in enumerate(zip(p.tolist(), f.tolist())):
        F = turns.get(fj)
        if F is None:
            F = int(ctx.multiply(ctx.divide(decimal.Decimal(fj), two_pi), scale)
                    .to_integral_value(decimal.ROUND_HALF_EVEN))
            turns[fj] = F
        out[j] = ((int(pj) * F) & mask) / 2.0 ** 128 * (2 * math.pi)
    return out
