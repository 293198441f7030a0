"""Execution test driver: builds a rope.rotate function from a spec, runs it
with rope-run on random data and compares with the float64 reference.

Usage: rope_exec.py --rope-run PATH --tmp DIR key=value ...
Prints 'PASS <name> ...' (exit 0) or 'FAIL <name> ...' (exit 1).
See test/Integration/CPU/*.test for the keys in use.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import gpu_tiled  # noqa: E402
import npy_util as nu  # noqa: E402
import rope_ref as ref  # noqa: E402

DEFAULTS = dict(name="case", layout="thd", pairing="half", heads="4", dim="64",
                rotary="", tokens="7", dtype="f32", pos="explicit",
                pos_dtype="i64", pos_pattern="random", pos_max="4096",
                pos_stride="1", offset="0", freqs="default", base="10000.0",
                factor="4.0", l0="4096", beta_fast="32.0", beta_slow="1.0",
                mscale="", mscale_all_dim="", attention="", low="1.0",
                high="4.0", max_position="131072", factors="",
                truncate="true", cache_rows="64", cache_dtype="", mrope="",
                mrope_interleaved="0",
                inverse="0", roundtrip="0", static="0", expect_error="",
                report="0", seed="0", device="cpu", token_tile="16",
                page_walk_min_bytes="", page_walk_max_element_bytes="", page_walk_rows="",
                specials="0", inv_freq0="1.0", transform="",
                pipeline_options="", gpu_tiled="0")

TOKEN_DIMS = {"thd": [0], "bshd": [0, 1], "bhsd": [0, 2]}
MLIR_ELT = {"f32": "f32", "f16": "f16", "bf16": "bf16"}


def fmt(v):
    return ref.mlir_f64(float(v))


class Case:
    def __init__(self, spec):
        self.s = dict(DEFAULTS)
        for kv in spec:
            key, _, value = kv.partition("=")
            if key not in self.s:
                raise SystemExit("unknown spec key '%s'" % key)
            self.s[key] = value
        s = self.s
        self.rng = np.random.default_rng(int(s["seed"]))
        self.layout = s["layout"]
        self.heads = [int(h) for h in s["heads"].split(",")]
        self.D = int(s["dim"])
        self.R = int(s["rotary"]) if s["rotary"] else self.D
        self.tokens = [int(t) for t in s["tokens"].split(",")]
        self.dtype = s["dtype"]
        self.cache_dtype = s["cache_dtype"] or self.dtype
        self.mrope = [int(v) for v in s["mrope"].split(",")] if s["mrope"] else None
        self.half = self.R // 2

    # ---- shapes -------------------------------------------------------------
    def x_shape(self, h):
        t = self.tokens
        if self.layout == "thd":
            return [t[0], h, self.D]
        if len(t) != 2:
            raise SystemExit("layout %s needs tokens=B,S" % self.layout)
        if self.layout == "bshd":
            return [t[0], t[1], h, self.D]
        return [t[0], h, t[1], self.D]

    def type_str(self, shape, elt, dynamic_dims=()):
        dims = ["?" if (i in dynamic_dims and self.s["static"] != "1") else str(d)
                for i, d in enumerate(shape)]
        return "tensor<%s%s>" % ("x".join(dims) + ("x" if dims else ""), elt)

    # ---- frequencies --------------------------------------------------------
    def freq_attr(self):
        s, f = self.s, self.s["freqs"]
        att = ", attention_factor = %s" % fmt(s["attention"]) if s["attention"] else ""
        if f == "default":
            return "#rope.default<base = %s%s>" % (fmt(s["base"]), att)
        if f == "linear":
            return "#rope.linear<base = %s, factor = %s%s>" % (fmt(s["base"]), fmt(s["factor"]), att)
        if f == "dynamic_ntk":
            return "#rope.dynamic_ntk<base = %s, factor = %s, original_max_position = %s%s>" % (
                fmt(s["base"]), fmt(s["factor"]), s["l0"], att)
        if f == "yarn":
            extra = ""
            if s["mscale"]:
                extra += ", mscale = %s" % fmt(s["mscale"])
            if s["mscale_all_dim"]:
                extra += ", mscale_all_dim = %s" % fmt(s["mscale_all_dim"])
            return ("#rope.yarn<base = %s, factor = %s, original_max_position = %s, beta_fast = %s, "
                    "beta_slow = %s%s%s, truncate = %s>") % (
                fmt(s["base"]), fmt(s["factor"]), s["l0"], fmt(s["beta_fast"]),
                fmt(s["beta_slow"]), extra, att, s["truncate"])
        if f == "longrope":
            sf, lf = self.longrope_lists()
            sel = ", factors = %s" % s["factors"] if s["factors"] else ""
            return ("#rope.longrope<base = %s, original_max_position = %s, max_position = %s, "
                    "short_factor = [%s], long_factor = [%s]%s%s>") % (
                fmt(s["base"]), s["l0"], s["max_position"],
                ", ".join(fmt(v) for v in sf), ", ".join(fmt(v) for v in lf), sel, att)
        if f == "llama3":
            return ("#rope.llama3<base = %s, factor = %s, low_freq_factor = %s, "
                    "high_freq_factor = %s, original_max_position = %s%s>") % (
                fmt(s["base"]), fmt(s["factor"]), fmt(s["low"]), fmt(s["high"]), s["l0"], att)
        if f == "inv_freqs":
            vals = self.explicit_freqs()
            att = ", attention_factor = %s" % fmt(s["attention"]) if s["attention"] else ""
            return "#rope.inv_freqs<values = [%s]%s>" % (", ".join(fmt(v) for v in vals), att)
        if f == "freq_factors":
            return "#rope.freq_factors<base = %s, divisors = [%s]%s>" % (
                fmt(s["base"]), ", ".join(fmt(v) for v in self.divisors()), att)
        raise SystemExit("no frequency attribute for freqs=" + f)

    def longrope_lists(self):
        sf = [1.0 + 0.05 * i for i in range(self.half)]
        lf = [1.0 + 2.0 * i for i in range(self.half)]
        return sf, lf

    def explicit_freqs(self):
        return [float(self.s["inv_freq0"]) * 0.9 ** i for i in range(self.half)]

    def divisors(self):
        return [1.0 + (i % 4) for i in range(self.half)]

    def reference_freqs(self, n):
        """Inverse frequencies and attention factor, in float64."""
        s, f, R = self.s, self.s["freqs"], self.R
        base, factor, l0 = float(s["base"]), float(s["factor"]), int(s["l0"])
        A = float(s["attention"]) if s["attention"] else None
        if f == "default":
            fr, a = ref.base_freqs(base, R), 1.0
        elif f == "linear":
            fr, a = ref.linear_freqs(base, factor, R), 1.0
        elif f == "dynamic_ntk":
            fr, a = ref.dynamic_ntk_freqs(base, factor, l0, R, n), 1.0
        elif f == "yarn":
            fr = ref.yarn_freqs(base, factor, l0, R, float(s["beta_fast"]),
                                float(s["beta_slow"]), s["truncate"] == "true")
            a = ref.yarn_attention(factor, float(s["mscale"]) if s["mscale"] else None,
                                   float(s["mscale_all_dim"]) if s["mscale_all_dim"] else None)
        elif f == "longrope":
            sf, lf = self.longrope_lists()
            use_long = {"short": False, "long": True}.get(s["factors"], n > l0)
            fr = ref.longrope_freqs(base, lf if use_long else sf, R)
            a = ref.longrope_attention(int(s["max_position"]), l0)
        elif f == "llama3":
            fr = ref.llama3_freqs(base, factor, float(s["low"]), float(s["high"]), l0, R)
            a = 1.0
        elif f == "inv_freqs":
            fr, a = self.explicit_freqs(), 1.0
        elif f == "freq_factors":
            fr, a = ref.freq_factor_freqs(base, self.divisors(), R), 1.0
        else:
            raise SystemExit("unknown freqs " + f)
        return np.array(fr, dtype=np.float64), (A if A is not None else a)

    # ---- data ---------------------------------------------------------------
    def make_positions(self):
        s = self.s
        shape = list(self.tokens)
        if self.mrope:
            shape = [len(self.mrope)] + shape
        n = int(np.prod(shape))
        pmax, pattern = int(s["pos_max"]), s["pos_pattern"]
        if pattern == "random":
            p = self.rng.integers(0, pmax, size=n)
        elif pattern == "arange":
            p = np.arange(n) * int(s["pos_stride"])
        elif pattern == "unsorted":
            p = self.rng.permutation(n) * int(s["pos_stride"])
        elif pattern == "repeated":
            p = self.rng.choice(np.array([0, 3, 3, 17, pmax - 1]), size=n)
        elif pattern == "sampled":  # |p| < 2^31, both signs, every scale
            lim = 2 ** 31 - 1
            special = [0, 1, -1, lim, -lim] + [
                sign * (2 ** k + d) for k in range(1, 31) for d in (-1, 0, 1)
                for sign in (1, -1)]
            mag = np.exp(self.rng.uniform(0.0, np.log(lim), size=n))
            sign = self.rng.choice(np.array([-1, 1]), size=n)
            p = np.minimum(mag.astype(np.int64), lim) * sign
            k = min(n, len(special))
            p[:k] = special[:k]
        elif pattern == "limit":  # the last position is 2^31: out of range
            p = self.rng.integers(0, pmax, size=n)
            p[-1] = 2 ** 31
        elif pattern == "beyond":  # one position past the cache
            p = self.rng.integers(0, int(s["cache_rows"]), size=n)
            p[-1] = int(s["cache_rows"])
        else:
            raise SystemExit("unknown pos_pattern " + pattern)
        return p.reshape(shape).astype(np.int32 if s["pos_dtype"] == "i32" else np.int64)

    def build(self, tmp):
        s = self.s
        xs = []
        for i, h in enumerate(self.heads):
            x64 = self.rng.standard_normal(self.x_shape(h))
            if s["specials"] == "1":
                self.inject_specials(x64)
            xs.append(nu.to_storage(x64, self.dtype))
        args, arg_types, files = [], [], []
        elt = MLIR_ELT[self.dtype]
        dyn = TOKEN_DIMS[self.layout]
        for i, x in enumerate(xs):
            args.append("%%x%d" % i)
            arg_types.append(self.type_str(x.shape, elt, dyn))
            files.append(self.save(tmp, "x%d" % i, x))
        data = {"xs": xs}
        pos_clause = ""
        if s["pos"] == "explicit":
            p = self.make_positions()
            data["pos"] = p
            pdyn = [d + (1 if self.mrope else 0) for d in range(len(self.tokens))]
            ptype = self.type_str(p.shape, s["pos_dtype"], pdyn)
            args.append("%pos")
            arg_types.append(ptype)
            files.append(self.save(tmp, "pos", p))
            pos_clause = "positions(%%pos : %s)" % ptype
        elif s["pos"] == "offset":
            off = np.array(int(s["offset"]), dtype=np.int64)
            data["offset"] = int(s["offset"])
            args.append("%off")
            arg_types.append("index")
            files.append(self.save(tmp, "off", off))
            pos_clause = "offset(%off)"
        freq_clause = ""
        if s["freqs"] in ("cache", "pertoken"):
            if s["freqs"] == "cache":
                cshape = [int(s["cache_rows"]), self.half]
                cdyn = [0]
            else:
                cshape = list(self.tokens) + [self.half]
                cdyn = list(range(len(self.tokens)))
            ang = self.rng.uniform(-np.pi, np.pi, size=cshape)
            cos = nu.to_storage(np.cos(ang), self.cache_dtype)
            sin = nu.to_storage(np.sin(ang), self.cache_dtype)
            data["cos"], data["sin"] = cos, sin
            ctype = self.type_str(cshape, MLIR_ELT[self.cache_dtype], cdyn)
            args += ["%cos", "%sin"]
            arg_types += [ctype, ctype]
            files += [self.save(tmp, "cos", cos), self.save(tmp, "sin", sin)]
            freq_clause = "cache(%%cos, %%sin : %s, %s)" % (ctype, ctype)
        else:
            freq_clause = "freqs(%s)" % self.freq_attr()
        extra = ""
        if self.R != self.D:
            extra += " rotary_dim = %d" % self.R
        if self.mrope:
            extra += " mrope_section = [%s]" % ", ".join(map(str, self.mrope))
            if s["mrope_interleaved"] == "1":
                extra += " mrope_interleaved"
        self.ir = self.emit_ir(args, arg_types, pos_clause, freq_clause, extra)
        with open(os.path.join(tmp, "case.mlir"), "w") as f:
            f.write(self.ir)
        return data, files

    # NaN, infinities, signed zeros and a subnormal of the storage type.
    SPECIALS = {"f32": 1e-40, "f16": 1e-7, "bf16": 1e-39}

    def inject_specials(self, x64):
        """Sets about 1% of the elements to special values, in place."""
        flat = x64.reshape(-1)
        n = max(1, flat.size // 100)
        idx = self.rng.choice(flat.size, size=min(n, flat.size), replace=False)
        values = [np.nan, np.inf, -np.inf, 0.0, -0.0, self.SPECIALS[self.dtype]]
        for j, i in enumerate(idx):
            flat[i] = values[j % len(values)]

    def emit_ir(self, args, arg_types, pos_clause, freq_clause, extra):
        s = self.s
        n = len(self.heads)
        xtypes = arg_types[:n]
        lines = ["func.func @main(%s) -> (%s) {" % (
            ", ".join("%s: %s" % a for a in zip(args, arg_types)), ", ".join(xtypes))]
        dyn = TOKEN_DIMS[self.layout] if s["static"] != "1" else []
        inits = []
        for i in range(n):
            dims = []
            for d in dyn:
                lines.append("  %%c%d_%d = arith.constant %d : index" % (i, d, d))
                lines.append("  %%d%d_%d = tensor.dim %%x%d, %%c%d_%d : %s" % (i, d, i, i, d, xtypes[i]))
                dims.append("%%d%d_%d" % (i, d))
            lines.append("  %%e%d = tensor.empty(%s) : %s" % (i, ", ".join(dims), xtypes[i]))
            inits.append("%%e%d" % i)

        def rotate(result, ins, inverse):
            return ("  %s = rope.rotate %s %s%s ins(%s : %s) outs(%s : %s) %s %s%s" % (
                result, s["pairing"], self.layout, " inverse" if inverse else "",
                ", ".join(ins), ", ".join(xtypes), ", ".join(inits), ", ".join(xtypes),
                pos_clause, freq_clause, extra))

        res = ", ".join("%%r%d" % i for i in range(n))
        lines.append(rotate(res, args[:n], s["inverse"] == "1"))
        if s["roundtrip"] == "1":
            inits2 = []
            for i in range(n):
                lines.append("  %%f%d = tensor.empty(%s) : %s" % (
                    i, ", ".join("%%d%d_%d" % (i, d) for d in dyn), xtypes[i]))
                inits2.append("%%f%d" % i)
            inits = inits2
            back = ", ".join("%%b%d" % i for i in range(n))
            lines.append(rotate(back, ["%%r%d" % i for i in range(n)], True))
            res = back
        lines.append("  return %s : %s" % (res, ", ".join(xtypes)))
        lines.append("}")
        return "\n".join(lines) + "\n"

    @staticmethod
    def save(tmp, name, array):
        path = os.path.join(tmp, name + ".npy")
        np.save(path, array)
        return path

    # ---- reference ----------------------------------------------------------
    def positions_f64(self, data):
        """Per-token positions [..., R/2] (mrope picks a component per i)."""
        if "pos" in data:
            p = data["pos"].astype(np.int64)
            if self.mrope:
                comp = np.array(ref.mrope_axes(
                    self.mrope, self.s["mrope_interleaved"] == "1"))
                return np.moveaxis(p[comp], 0, -1)  # tokens..., R/2
            return np.repeat(p[..., None], self.half, axis=-1)
        s = np.arange(self.tokens[-1])
        p = data["offset"] + s
        p = np.broadcast_to(p, tuple(self.tokens))
        return np.repeat(p[..., None], self.half, axis=-1)

    def cos_sin(self, data):
        s = self.s
        if s["freqs"] == "pertoken":
            return (nu.from_storage(data["cos"], self.cache_dtype),
                    nu.from_storage(data["sin"], self.cache_dtype))
        p = self.positions_f64(data)
        if s["freqs"] == "cache":
            cos = nu.from_storage(data["cos"], self.cache_dtype)
            sin = nu.from_storage(data["sin"], self.cache_dtype)
            i = np.broadcast_to(np.arange(self.half), p.shape)
            return cos[p, i], sin[p, i]
        # n = largest position + 1 over all position data (with mrope, all
        # three components, as HF's max(position_ids) + 1).
        allp = data["pos"] if "pos" in data else p
        n = int(allp.max()) + 1 if allp.size else 0
        f, a = self.reference_freqs(n)
        theta = p.astype(np.float64) * f
        # Where float64's p * f is coarser than 1e-10, reduce exactly.
        big = np.abs(theta) >= 2.0 ** 20
        if big.any():
            fb = np.broadcast_to(f, theta.shape)
            theta[big] = ref.reduced_angles(p[big], fb[big])
        return a * np.cos(theta), a * np.sin(theta)

    def reference(self, data):
        c, sn = self.cos_sin(data)
        if self.s["inverse"] == "1":
            sn = -sn
        outs = []
        for x in data["xs"]:
            x64 = nu.from_storage(x, self.dtype)
            if self.layout == "bhsd":
                x64 = np.swapaxes(x64, 1, 2)  # -> B, S, H, D
            y = x64.copy()
            cc, ss = c[..., None, :], sn[..., None, :]
            if self.s["pairing"] == "half":
                a, b = x64[..., :self.half], x64[..., self.half:self.R]
                y[..., :self.half] = a * cc - b * ss
                y[..., self.half:self.R] = b * cc + a * ss
            else:
                a, b = x64[..., 0:self.R:2], x64[..., 1:self.R:2]
                y[..., 0:self.R:2] = a * cc - b * ss
                y[..., 1:self.R:2] = b * cc + a * ss
            if self.layout == "bhsd":
                y = np.swapaxes(y, 1, 2)
            outs.append(y)
        return outs


def finite_max_abs(xs, dtype):
    """Largest finite |x| over the inputs (special values excluded)."""
    m = 0.0
    for x in xs:
        v = np.abs(nu.from_storage(x, dtype))
        v = v[np.isfinite(v)]
        if v.size:
            m = max(m, float(v.max()))
    return m


def compare(case, data, outs, expected):
    """Returns (ok, message). Where the float64 result is NaN or infinite,
    the output must be the same special value; finite results are held to
    the accuracy limits below."""
    worst, detail = 0.0, ""
    ok = True
    specials = beyond = total = 0
    for k, (got, exp64) in enumerate(zip(outs, expected)):
        got64 = nu.from_storage(got, case.dtype)
        if got64.shape != exp64.shape:
            return False, "result %d has shape %s, expected %s" % (k, got64.shape, exp64.shape)
        if got64.size == 0:
            continue
        finite = np.isfinite(exp64)
        same_special = (np.isnan(exp64) & np.isnan(got64)) | (
            np.isinf(exp64) & (got64 == exp64))
        bad_special = ~finite & ~same_special
        specials += int((~finite).sum())
        exp64 = np.where(finite, exp64, 0.0)
        got_f = np.where(finite, got64, 0.0)
        err = np.abs(got_f - exp64)
        xmax = finite_max_abs(data["xs"], case.dtype)
        if case.dtype == "f32":
            scale = 1.0
            if case.s["attention"]:
                scale = max(1.0, float(case.s["attention"]))
            tol = 2e-6 * xmax * scale
            bad = (err > tol) | ~np.isfinite(got_f)
            rel = err.max() / xmax
            worst = max(worst, rel)
            detail = "max_err/max|x|=%.3g (limit %.3g)" % (worst, tol / xmax)
        else:
            # Within 1 ulp of the rounded float64 result; results so small
            # that they sit below the f32 computation floor (cancellation,
            # |y| << |x|) are held to that absolute floor instead.
            rounded = nu.from_storage(nu.to_storage(exp64, case.dtype), case.dtype)
            u = np.maximum(nu.ulp(rounded, case.dtype),
                           nu.ulp(np.where(np.isfinite(got_f), got_f, 0.0),
                                  case.dtype))
            floor = 2e-6 * xmax
            diff = np.abs(got_f - rounded)
            beyond_ulp = diff > u
            bad = (beyond_ulp & (np.abs(got_f - exp64) > floor)) | ~np.isfinite(got_f)
            worst = max(worst, float(np.nanmax(diff / u)))
            beyond += int(beyond_ulp.sum())
            total += diff.size
            detail = ("max_diff=%.3g ulp; %d of %d elements beyond 1 ulp, all "
                      "within the f32 floor %.2g" % (worst, beyond, total, floor))
        bad = bad | bad_special
        if bad.any():
            ok = False
            idx = tuple(np.argwhere(bad)[0])
            detail += "; first bad element %s of result %d: got %r expected %r" % (
                idx, k, got64[idx], np.where(finite, exp64, expected[k])[idx])
    if specials:
        detail += "; %d NaN/infinite results matched" % specials
    return ok, detail


def report_by_position(case, data, outs, expected):
    """Prints the max f32 error per position bucket (accuracy sweep)."""
    p = np.abs(case.positions_f64(data)[..., 0])
    got = nu.from_storage(outs[0], case.dtype)
    err = np.abs(got - expected[0]).max(axis=tuple(range(1, got.ndim)))
    edges = [0] + [2 ** k for k in range(10, 31, 2)] + [2 ** 31]
    print("|position| range            max |y - ref| / max|x|")
    xmax = np.abs(nu.from_storage(data["xs"][0], case.dtype)).max()
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (p >= lo) & (p < hi)
        if sel.any():
            print("[%10d, %10d)  %.3e" % (lo, hi, err[sel].max() / xmax))


def run_case(spec, rope_run, tmp_root, report=False):
    """Builds, runs and checks one case. Returns (ok, message, case, cmd)."""
    case = Case(spec)
    tmp = os.path.join(tmp_root, case.s["name"])
    os.makedirs(tmp, exist_ok=True)
    data, files = case.build(tmp)
    outs_paths = [os.path.join(tmp, "y%d.npy" % i) for i in range(len(case.heads))]
    ir_path = os.path.join(tmp, "case.mlir")
    if case.s["transform"]:
        # Decompose, then apply the transform script (a library defining
        # @__transform_main) to the rope ops before running the result.
        rope_opt = os.path.join(os.path.dirname(rope_run), "rope-opt")
        out_path = os.path.join(tmp, "case-transformed.mlir")
        proc = subprocess.run(
            [rope_opt, ir_path,
             "--pass-pipeline=builtin.module(rope-decompose-rotate,canonicalize,"
             "transform-preload-library{"
             "transform-library-paths=%s},transform-interpreter)" %
             case.s["transform"], "-o", out_path],
            capture_output=True, text=True)
        if proc.returncode != 0:
            return (False, "FAIL %s: transform failed: %s" %
                    (case.s["name"], proc.stderr.strip()), case, [])
        ir_path = out_path
    if case.s["gpu_tiled"] == "1":
        # The GPU pipeline's tiled form, run on the CPU (gpu_tiled.py).
        out_path = os.path.join(tmp, "case-gpu-tiled.mlir")
        error = gpu_tiled.form(os.path.join(os.path.dirname(rope_run), "rope-opt"),
                               ir_path, out_path)
        if error:
            return False, "FAIL %s: %s" % (case.s["name"], error), case, []
        ir_path = out_path
    cmd = [rope_run, ir_path, "-i", ",".join(files),
           "-o", ",".join(outs_paths), "--device=" + case.s["device"],
           ]
    options = ["token-tile=" + case.s["token_tile"]]
    if case.s["page_walk_rows"]:
        options.append("page-walk-rows=" + case.s["page_walk_rows"])
    if case.s["page_walk_min_bytes"]:
        options.append("page-walk-min-bytes=" + case.s["page_walk_min_bytes"])
    if case.s["page_walk_max_element_bytes"]:
        options.append("page-walk-max-element-bytes=" +
                       case.s["page_walk_max_element_bytes"])
    if case.s["pipeline_options"]:
        options.append(case.s["pipeline_options"])
    cmd.append("--cpu-pipeline-options=" + " ".join(options))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    name = case.s["name"]
    if case.s["expect_error"]:
        if proc.returncode != 0 and case.s["expect_error"] in proc.stderr + proc.stdout:
            return True, "PASS %s: rope-run failed as expected: %s" % (
                name, case.s["expect_error"]), case, cmd
        return False, "FAIL %s: expected an error containing '%s', got exit %d\n%s" % (
            name, case.s["expect_error"], proc.returncode, proc.stderr), case, cmd
    if proc.returncode != 0:
        return False, "FAIL %s: rope-run exited %d\n%s\n%s" % (
            name, proc.returncode, proc.stderr, " ".join(cmd)), case, cmd
    outs = [np.load(p) for p in outs_paths]
    if case.s["roundtrip"] == "1":
        expected = [nu.from_storage(x, case.dtype) for x in data["xs"]]
    else:
        with np.errstate(invalid="ignore"):  # inf * 0 and inf - inf: NaN
            expected = case.reference(data)
    if report or case.s["report"] == "1":
        report_by_position(case, data, outs, expected)
    ok, detail = compare(case, data, outs, expected)
    return ok, "%s %s: %s" % ("PASS" if ok else "FAIL", name, detail), case, cmd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("spec", nargs="*")
    opts = ap.parse_args()
    ok, message, _, _ = run_case(opts.spec, opts.rope_run, opts.tmp)
    print(message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
