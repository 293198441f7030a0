"""Execution tests of fp8 (f8E4M3FN, f8E5M2) through the CPU pipeline.

`convert`: arith.truncf from f32 and arith.extf to f32, scalar (a
linalg.generic, lowered to loops) and on 16-lane vectors (vector ops in an
scf.for), over every fp8 value, the midpoints between neighbours (ties),
one f32 ulp either side of them, subnormals, zeros, the overflow
thresholds, infinities, NaN and random f32 of every magnitude. Expected
codes come from the table of all 256 fp8 values, searched in float64 with
ties to the even code; they must match bit for bit.

`rope`: rope.rotate, then x / scale clamped to the format's largest finite
value and truncated to fp8 (FlashInfer's rope_quantize_fp8), against the
rotation in float64 quantized by the same table: every code within one fp8
step of the reference's (a rotation error of a few f32 ulp can cross a
rounding boundary), nearly all equal.

Usage: fp8_check.py --rope-run PATH --tmp DIR {convert,rope} [OPTIONS]
Prints 'PASS ...' (exit 0) or 'FAIL ...' (exit 1).
"""
import argparse
import os
import subprocess
import sys

import numpy as np

FORMATS = {
    # name: (mantissa bits, bias, has infinities)
    "f8E4M3FN": (3, 7, False),
    "f8E5M2": (2, 15, True),
}


def decode_table(fmt):
    """float64 value of each of the 256 codes."""
    m_bits, bias, has_inf = FORMATS[fmt]
    e_bits = 7 - m_bits
    out = np.empty(256)
    for c in range(256):
        s = -1.0 if c & 0x80 else 1.0
        e = (c >> m_bits) & ((1 << e_bits) - 1)
        m = c & ((1 << m_bits) - 1)
        if has_inf and e == (1 << e_bits) - 1:
            out[c] = s * np.inf if m == 0 else np.nan
        elif not has_inf and (c & 0x7F) == 0x7F:
            out[c] = np.nan
        elif e == 0:
            out[c] = s * m * 2.0 ** (1 - bias - m_bits)
        else:
            out[c] = s * (1 + m / 2.0 ** m_bits) * 2.0 ** (e - bias)
    return out


def quantize(values, fmt):
    """Round-to-nearest-even codes of float64 `values`, as APFloat: past the
    largest finite value, NaN (f8E4M3FN) or infinity (f8E5M2)."""
    m_bits, bias, has_inf = FORMATS[fmt]
    table = decode_table(fmt)
    max_code = 0x7B if has_inf else 0x7E
    mags = table[:max_code + 1]
    # The value the next code would have: rounding up to it overflows.
    step = mags[max_code] - mags[max_code - 1]
    mags = np.append(mags, mags[max_code] + step)
    over = 0x7C if has_inf else 0x7F
    nan = 0x7E if has_inf else 0x7F
    codes = np.empty(len(values), dtype=np.uint8)
    for i, v in enumerate(values):
        sign = 0x80 if np.signbit(v) else 0
        a = abs(v)
        if np.isnan(v):
            codes[i] = nan | sign
            continue
        if np.isinf(a):
            codes[i] = over | sign
            continue
        k = int(np.searchsorted(mags, a))
        if k >= len(mags):
            c = max_code + 1
        elif mags[k] == a:
            c = k
        else:
            lo, hi = k - 1, k
            dl, dh = a - mags[lo], mags[hi] - a
            c = lo if dl < dh else hi if dh < dl else (lo if lo % 2 == 0 else hi)
        codes[i] = (over if c > max_code else c) | sign
    return codes


def f32_inputs(fmt, rng):
    table = decode_table(fmt)
    finite = table[np.isfinite(table)]
    pos = np.unique(np.abs(finite))
    mids = (pos[:-1] + pos[1:]) / 2
    xs = [pos, mids]
    for v in (pos, mids):
        f = v.astype(np.float32)
        xs += [np.nextafter(f, np.float32(np.inf)).astype(np.float64),
               np.nextafter(f, np.float32(0)).astype(np.float64)]
    m_bits, bias, has_inf = FORMATS[fmt]
    top = pos[-1] + (pos[-1] - pos[-2]) / 2  # the overflow threshold
    specials = [0.0, top, np.nextafter(np.float32(top), np.float32(np.inf)),
                np.nextafter(np.float32(top), np.float32(0)),
                2.0 ** (1 - bias - m_bits) / 2, 1e-30, 1e-45, 3e38, np.inf,
                np.nan]
    # Where the rounding's magic 2^(e + 23 - m) leaves the f32 range.
    specials += [f * 2.0 ** e for e in range(104, 128) for f in (1.0, 1.5)]
    xs.append(np.array(specials))
    xs.append(2.0 ** rng.uniform(-30, 20, 600) * rng.choice([-1, 1], 600))
    xs.append(2.0 ** rng.uniform(-149, 128, 600))
    x = np.concatenate(xs)
    x = np.concatenate([x, -x]).astype(np.float32)
    # f32 subnormals and NaNs of several payloads and both signs, as bits.
    bits = np.array([0x00000001, 0x00400000, 0x007FFFFF, 0x7F800001,
                     0x7FBFFFFF, 0x7FC00001, 0x7FFFFFFF], dtype=np.uint32)
    x = np.concatenate([x, bits.view(np.float32),
                        (bits | np.uint32(0x80000000)).view(np.float32)])
    n = (len(x) + 15) // 16 * 16
    return np.concatenate([x, np.zeros(n - len(x), np.float32)])


CONVERT_IR = """func.func @trunc(%x: tensor<{n}xf32>) -> tensor<{n}x{t}> {{
  %e = tensor.empty() : tensor<{n}x{t}>
  %q = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}}
      ins(%x : tensor<{n}xf32>) outs(%e : tensor<{n}x{t}>) {{
  ^bb0(%a: f32, %o: {t}):
    %r = arith.truncf %a : f32 to {t}
    linalg.yield %r : {t}
  }} -> tensor<{n}x{t}>
  return %q : tensor<{n}x{t}>
}}
func.func @trunc_vector(%x: tensor<{n}xf32>) -> tensor<{n}x{t}> {{
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %cn = arith.constant {n} : index
  %pad = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{n}x{t}>
  %r = scf.for %i = %c0 to %cn step %c16 iter_args(%acc = %e) -> tensor<{n}x{t}> {{
    %v = vector.transfer_read %x[%i], %pad {{in_bounds = [true]}} : tensor<{n}xf32>, vector<16xf32>
    %q = arith.truncf %v : vector<16xf32> to vector<16x{t}>
    %w = vector.transfer_write %q, %acc[%i] {{in_bounds = [true]}} : vector<16x{t}>, tensor<{n}x{t}>
    scf.yield %w : tensor<{n}x{t}>
  }}
  return %r : tensor<{n}x{t}>
}}
func.func @ext(%q: tensor<256x{t}>) -> tensor<256xf32> {{
  %e = tensor.empty() : tensor<256xf32>
  %x = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}}
      ins(%q : tensor<256x{t}>) outs(%e : tensor<256xf32>) {{
  ^bb0(%a: {t}, %o: f32):
    %r = arith.extf %a : {t} to f32
    linalg.yield %r : f32
  }} -> tensor<256xf32>
  return %x : tensor<256xf32>
}}
func.func @ext_vector(%q: tensor<256x{t}>) -> tensor<256xf32> {{
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  %pad = arith.constant 0.0 : {t}
  %e = tensor.empty() : tensor<256xf32>
  %r = scf.for %i = %c0 to %c256 step %c16 iter_args(%acc = %e) -> tensor<256xf32> {{
    %v = vector.transfer_read %q[%i], %pad {{in_bounds = [true]}} : tensor<256x{t}>, vector<16x{t}>
    %x = arith.extf %v : vector<16x{t}> to vector<16xf32>
    %w = vector.transfer_write %x, %acc[%i] {{in_bounds = [true]}} : vector<16xf32>, tensor<256xf32>
    scf.yield %w : tensor<256xf32>
  }}
  return %r : tensor<256xf32>
}}
"""

ROPE_IR = """func.func @main(%x: tensor<{t_}x{h}x{d}xf32>, %pos: tensor<{t_}xi64>, %scale: tensor<1xf32>) -> tensor<{t_}x{h}x{d}x{f}> {{
  %e = tensor.empty() : tensor<{t_}x{h}x{d}xf32>
  %r = rope.rotate half thd ins(%x : tensor<{t_}x{h}x{d}xf32>) outs(%e : tensor<{t_}x{h}x{d}xf32>)
      positions(%pos : tensor<{t_}xi64>) freqs(#rope.default<base = 10000.0>)
  %c0 = arith.constant 0 : index
  %s = tensor.extract %scale[%c0] : tensor<1xf32>
  %lo = arith.constant -{m} : f32
  %hi = arith.constant {m} : f32
  %eq = tensor.empty() : tensor<{t_}x{h}x{d}x{f}>
  %q = linalg.generic {{indexing_maps = [affine_map<(a, b, c) -> (a, b, c)>, affine_map<(a, b, c) -> (a, b, c)>], iterator_types = ["parallel", "parallel", "parallel"]}}
      ins(%r : tensor<{t_}x{h}x{d}xf32>) outs(%eq : tensor<{t_}x{h}x{d}x{f}>) {{
  ^bb0(%a: f32, %o: {f}):
    %y = arith.divf %a, %s : f32
    %c = arith.maximumf %y, %lo : f32
    %c2 = arith.minimumf %c, %hi : f32
    %b = arith.truncf %c2 : f32 to {f}
    linalg.yield %b : {f}
  }} -> tensor<{t_}x{h}x{d}x{f}>
  return %q : tensor<{t_}x{h}x{d}x{f}>
}}
"""


def run(rope_run, case, entry, ins, out, options):
    cmd = [rope_run, case, "-e", entry, "-i", ",".join(ins), "-o", out]
    if options:
        cmd.append("--cpu-pipeline-options=" + options)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("rope-run %s exited %d: %s" %
                           (entry, p.returncode, p.stderr.strip()[:2000]))
    return np.load(out)


def check_convert(a, tmp, fmt):
    rng = np.random.default_rng(7)
    x = f32_inputs(fmt, rng)
    case = os.path.join(tmp, "convert.mlir")
    with open(case, "w") as f:
        f.write(CONVERT_IR.format(n=len(x), t=fmt))
    xp, codes_p = os.path.join(tmp, "x.npy"), os.path.join(tmp, "codes.npy")
    np.save(xp, x)
    np.save(codes_p, np.arange(256, dtype=np.uint8))
    with np.errstate(invalid="ignore"):  # signalling NaNs widen quietly
        expected = quantize(x.astype(np.float64), fmt)
    table = decode_table(fmt)
    for entry in ("trunc", "trunc_vector"):
        got = run(a.rope_run, case, entry, [xp], os.path.join(tmp, entry + ".npy"),
                  a.options)
        if got.dtype != np.uint8 or got.shape != x.shape:
            return "%s: got %s %s, expected uint8 %s" % (entry, got.dtype,
                                                         got.shape, x.shape)
        # NaN is NaN whatever its sign.
        same = (got == expected) | (np.isnan(table[got]) & np.isnan(table[expected]))
        if not same.all():
            i = int(np.flatnonzero(~same)[0])
            return "%s: %d of %d codes differ, first x=%r: got 0x%02x, expected 0x%02x" % (
                entry, int((~same).sum()), len(x), float(x[i]), got[i], expected[i])
    for entry in ("ext", "ext_vector"):
        got = run(a.rope_run, case, entry, [codes_p], os.path.join(tmp, entry + ".npy"),
                  a.options).astype(np.float64)
        ok = ((got == table) & (np.signbit(got) == np.signbit(table))) | (
            np.isnan(got) & np.isnan(table))
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            return "%s: code 0x%02x gave %r, expected %r" % (entry, i, got[i], table[i])
    return None


def check_rope(a, tmp, fmt):
    T, H, D = 37, 4, 64
    rng = np.random.default_rng(11)
    x = (rng.standard_normal((T, H, D)) * 3).astype(np.float32)
    pos = rng.integers(0, 4096, T).astype(np.int64)
    table = decode_table(fmt)
    top = float(np.nanmax(table[np.isfinite(table)]))
    # The largest few rotated values clamp.
    scale = np.array([np.abs(x).max() / top / 1.2], np.float32)
    case = os.path.join(tmp, "rope.mlir")
    with open(case, "w") as f:
        f.write(ROPE_IR.format(t_=T, h=H, d=D, f=fmt, m=repr(top)))
    ins = [os.path.join(tmp, n) for n in ("x.npy", "p.npy", "s.npy")]
    for p, arr in zip(ins, (x, pos, scale)):
        np.save(p, arr)
    got = run(a.rope_run, case, "main", ins, os.path.join(tmp, "q.npy"), a.options)
    x64 = x.astype(np.float64)
    inv = 1.0 / 10000.0 ** (np.arange(0, D, 2, dtype=np.float64) / D)
    ang = pos.astype(np.float64)[:, None] * inv[None, :]
    c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    x1, x2 = x64[..., :D // 2], x64[..., D // 2:]
    r = np.concatenate([x1 * c - x2 * s, x2 * c + x1 * s], axis=-1)
    ref = np.clip(r / float(scale[0]), -top, top).ravel()
    expected = quantize(ref, fmt)
    g, e = got.ravel(), expected
    if got.dtype != np.uint8 or got.shape != (T, H, D):
        return "got %s %s" % (got.dtype, got.shape)
    gv, ev = table[g], table[e]
    if np.isnan(gv).any():
        return "NaN codes in a clamped quantization"
    # Neighbouring codes of one sign differ by one in the code (and +-0).
    close = (np.abs(g.astype(int) - e.astype(int)) <= 1) | ((gv == 0) & (ev == 0))
    exact = float((g == e).mean())
    clamped = int((np.abs(ref) >= top).sum())
    if not close.all():
        i = int(np.flatnonzero(~close)[0])
        return "code 0x%02x (%r) for %r, expected 0x%02x" % (g[i], gv[i], ref[i], e[i])
    if exact < 0.99 or clamped == 0:
        return "only %.4f exact, %d clamped" % (exact, clamped)
    return "ok exact=%.4f clamped=%d" % (exact, clamped)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("check", choices=["convert", "rope"])
    ap.add_argument("options", nargs="?", default="")
    a = ap.parse_args()
    status = 0
    for fmt in FORMATS:
        name = "fp8-%s-%s%s" % (a.check, fmt, "-" + a.options if a.options else "")
        tmp = os.path.join(a.tmp, name.replace(" ", "_").replace("=", "_"))
        os.makedirs(tmp, exist_ok=True)
        try:
            err = (check_convert if a.check == "convert" else check_rope)(a, tmp, fmt)
        except RuntimeError as e:
            err = str(e)
        if err is None or err.startswith("ok"):
            print("PASS %s: %s" % (name, err or "bit-exact"))
        else:
            print("FAIL %s: %s" % (name, err))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
