"""The decomposed RoPE programs and near misses raise_random.py draws:
forms, cos/sin sources, dtypes, layouts and mutations (see its docstring),
each written with raise_ir's builder."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from npy_util import f32_to_bf16_bits  # noqa: E402
from raise_ir import IR, dense, hf_inv_freq, ident, read, tensor, \
    unit_after  # noqa: E402

LAYOUTS = {"thd": (3, [0], 1), "bshd": (4, [0, 1], 2), "bhsd": (4, [0, 2], 1)}
FORMS = ["rotate_half", "expanded", "every_two", "meta", "deepseek"]
FORM_WEIGHTS = [0.26, 0.18, 0.22, 0.2, 0.14]
SOURCES = ["args", "broadcast", "unsqueezed", "gathered", "computed", "sincos"]
SOURCE_WEIGHTS = [0.16, 0.1, 0.12, 0.22, 0.26, 0.14]
DTYPES = ["f32", "f16", "bf16"]
PAIRING = {"rotate_half": "half", "expanded": "half", "deepseek": "half",
           "every_two": "interleaved", "meta": "interleaved"}

# Near misses: the forms (and sources) each applies to, and the reasons its
# `not raised` remark may give.
MISSES = {
    # Rotation structure.
    "no-sign": (["rotate_half", "every_two", "deepseek"], None,
                ["neither half is negated",
                 "neither element of the pairs is negated"]),
    "both-negated": (["rotate_half", "every_two", "deepseek"], None,
                     ["both halves are negated", "both elements are negated"]),
    "off-middle": (["rotate_half"], None, ["halves split at"]),
    "other-source": (["rotate_half", "every_two", "expanded", "meta"], None,
                     ["are slices of different tensors",
                      "not of the upper half of the same tensor"]),
    "same-offset": (["every_two", "meta"], None,
                    ["expected offset 0 stride 2",
                     "the first product is not of the lower half"]),
    "wrong-product": (["rotate_half", "every_two", "expanded", "meta"], None,
                      ["the other product is not of the tensor",
                       "not of the upper half of the same tensor",
                       "the first product is not of the lower half",
                       "the first half is not", "the second half is not"]),
    "same-op": (["expanded", "meta"], None,
                ["the two halves are not one difference and one sum"]),
    "swapped-join": (["expanded", "meta"], None,
                     ["the second half is not", "the first half is not",
                      "the first product is not of the lower half"]),
    # Tables.
    "heads-table": (["rotate_half"], ["args"],
                    ["varies with the heads", "varies with dimensions 1 and 2"]),
    "pair-tables-half": (["rotate_half", "deepseek"],
                         ["args", "unsqueezed", "gathered", "computed",
                          "sincos"],
                         ["repeat each entry for adjacent elements"]),
    "sin-shifted": (None, ["gathered"], ["gathered at different positions"]),
    "row-differs": (None, ["gathered"], ["gathered from different rows"]),
    "cos-sin-swapped": (None, ["computed"], ["cos and sin are swapped"]),
    "factors-differ": (None, ["computed"], ["is scaled by"]),
    "freqs-differ": (None, ["computed"], ["of different angles"]),
}
MISS_KINDS = list(MISSES)


def choice(rng, items, p=None):
    if p is not None:
        p = np.asarray(p, dtype=np.float64)
        p = p / p.sum()
    return items[int(rng.choice(len(items), p=p))]


class Program:
    def __init__(self, rng, miss=None):
        self.rng = rng
        self.miss = miss
        forms, sources, _ = MISSES[miss] if miss else (None, None, None)
        self.form = choice(rng, forms) if forms else \
            choice(rng, FORMS, FORM_WEIGHTS)
        self.pairing = PAIRING[self.form]
        self.layout = choice(rng, list(LAYOUTS))
        self.rank, self.token_dims, self.head_dim = LAYOUTS[self.layout]
        n = self.rank
        self.D = int(rng.choice([8, 16, 64]))
        self.h = self.D // 2
        shape = [0] * n
        for d in self.token_dims:
            shape[d] = int(rng.integers(1, 6))
        shape[self.head_dim] = int(rng.integers(1, 5))
        shape[-1] = self.D
        self.shape = shape
        self.dtype = choice(rng, DTYPES, [0.6, 0.2, 0.2])
        self.inverse = bool(rng.integers(0, 2))
        self.neg_form = choice(rng, ["named", "generic", "minus1"])
        self.swap_x = bool(rng.integers(0, 2))
        self.swap_r = bool(rng.integers(0, 2))
        self.swap_add = bool(rng.integers(0, 2))
        self.swap_p = bool(rng.integers(0, 2))
        self.named_add = bool(rng.integers(0, 2))
        self.join_form = choice(rng, ["concat", "insert", "insert-rev"])
        # Interleaved elements: strided slices, or the [..., D/2, 2] view
        # sliced rank-reducing or keeping a unit dimension (Meta).
        self.elem_form = "strided" if self.form == "every_two" else \
            choice(rng, ["view-drop", "view-keep", "strided"], [.4, .3, .3])
        self.neg_after_unsqueeze = bool(rng.integers(0, 4) == 0)
        # Partial rotary (rope on x[..., :D], P more elements passed
        # through); DeepSeek: cat(x_nope, rope(x_pe)).
        self.P = 0
        if rng.integers(0, 4) == 0 and miss not in ("off-middle",):
            self.P = int(rng.choice([2, 8, 24]))
        # Expanded / Meta: four separate tables (args only).
        self.tables4 = self.form in ("expanded", "meta") and \
            miss is None and rng.integers(0, 5) == 0
        # Tables: their source, and whether every_two reads per-pair tables
        # repeat_interleave'd (GPT-J) or full-width ones.
        if self.tables4:
            self.source = "args"
        elif sources:
            self.source = choice(rng, sources)
        else:
            self.source = choice(rng, SOURCES, SOURCE_WEIGHTS)
        if self.source == "broadcast" and n == 3:
            self.source = "args"
        self.per_pair = self.form in ("expanded", "meta") or \
            miss == "pair-tables-half" or \
            (self.form == "every_two" and bool(rng.integers(0, 2)))
        self.repeat = self.per_pair and self.form not in ("expanded", "meta")
        # Tables over all token dimensions (gathered, computed and sincos
        # ones maybe unsqueezed) or, 4-d, over the sequence only (gathered,
        # computed, sincos) or over [1, S], one batch row for all (HF's
        # position_ids [1, S]) read at 0.
        self.tok_mode = "token"
        if n == 4 and self.source != "broadcast":
            r = rng.random()
            if self.source in ("gathered", "computed", "sincos") and r < .25:
                self.tok_mode = "seq"
            elif r > .8:
                self.tok_mode = "batch1"
        self.unsqueeze = self.source == "unsqueezed" or (
            self.source in ("gathered", "computed", "sincos") and
            self.tok_mode != "seq" and bool(rng.integers(0, 2)))
        self.fold_unsqueeze = self.repeat and self.unsqueeze and \
            bool(rng.integers(0, 2))
        # GPT-J's cat(sin, cos) cache or cat(cos, sin).
        self.sin_first = bool(rng.integers(0, 3))
        # q and k rotated by the same tables (merged into one rope.apply).
        self.qk = miss != "heads-table" and rng.integers(0, 5) == 0
        self.k_heads = int(rng.integers(1, 5))
        # Full-width tables given as a concatenation of two halves
        # (`torch.cat((cos, cos), -1)`, mrope's sections).
        self.cat_tables = self.source in ("args", "broadcast") and \
            not self.per_pair and self.pairing == "half" and \
            miss != "heads-table" and rng.integers(0, 4) == 0
        self.wrap = bool(rng.integers(0, 2))
        self.pos_elt = "i64" if rng.integers(0, 5) else "i32"
        self.rows = int(rng.choice([8, 16, 64]))
        # Computed tables.
        self.base = float(rng.choice([10000.0, 500000.0, 1e6]))
        self.outer = choice(rng, ["mul", "bmm", "mm"])
        self.factor = float(np.float32(choice(
            rng, [1.0, 1.0, 1.0, 0.5, 1.25, 1.0693147])))
        self.factor_form = choice(rng, ["body", "named"])
        self.perturb = int(rng.integers(0, self.h)) \
            if rng.integers(0, 4) == 0 else -1

    # ---- cos / sin -------------------------------------------------------
    def token_shape(self):
        if self.tok_mode == "seq" or self.source == "broadcast":
            return [self.shape[self.token_dims[1]]]
        if self.tok_mode == "batch1":
            return [1, self.shape[self.token_dims[1]]]
        return [self.shape[d] for d in self.token_dims]

    def token_exprs(self):
        if self.tok_mode == "seq" or self.source == "broadcast":
            return ["d%d" % self.token_dims[1]]
        if self.tok_mode == "batch1":
            return ["0", "d%d" % self.token_dims[1]]
        return ["d%d" % d for d in self.token_dims]

    def positions(self, ir, tshape, lo, hi):
        p = self.rng.integers(lo, hi, tshape).astype(
            np.int64 if self.pos_elt == "i64" else np.int32)
        return ir.arg("pos", p, self.pos_elt)

    def freqs(self):
        f = hf_inv_freq(self.base, self.D)
        if self.perturb >= 0:
            f = f.copy()
            f[self.perturb] = np.nextafter(
                f[self.perturb], np.float32(np.inf if self.rng.integers(0, 2)
                                            else -np.inf))
        return f

    def angles(self, ir, pos, f):
        """float(pos) (outer) f: [token shape..., h]."""
        tshape = pos.shape
        h = len(f)
        value = pos.v.astype(np.float64)[..., None] * f.astype(np.float64)
        form = self.outer
        if form == "mm" and len(tshape) != 1:
            form = "bmm"
        if form == "mul":
            pf = ir.unary(pos, "sitofp", hint="pf")
            k = len(tshape)
            if self.rng.integers(0, 2):
                inv = ir.emit("inv", "arith.constant dense<%s> : %s" % (
                    dense(f), tensor([h])), [h], "f32", f.astype(np.float64))
                imap = ["d%d" % k]
            else:
                inv = ir.emit("inv", "arith.constant dense<%s> : %s" % (
                    dense(f.reshape([1] * k + [h])), tensor([1] * k + [h])),
                    [1] * k + [h], "f32",
                    f.astype(np.float64).reshape([1] * k + [h]))
                imap = ["0"] * k + ["d%d" % k]
            ops = [(pf, ident(k)), (inv, imap)]
            if self.swap_p:
                ops.reverse()
            out = ir.generic(ops, tshape + [h], "f32",
                             ["%br = arith.mulf %ba0, %ba1 : f32"], value,
                             "ang")
            return out
        if form == "mm":
            N = tshape[0]
            p2 = ir.expand(pos, [[0, 1]], [1, N])
            pf = ir.unary(p2, "sitofp", hint="pf")
            inv = ir.emit("inv", "arith.constant dense<%s> : %s" % (
                dense(f.reshape(h, 1)), tensor([h, 1])), [h, 1], "f32",
                f.astype(np.float64).reshape(h, 1))
            mm = ir.matmul(inv, pf, batched=False)
            return ir.transpose(mm, [1, 0])
        # HF: inv_freq[None, :, None].expand(B, -1, 1) @
        # position_ids[:, None, :].float(), transposed.
        if len(tshape) == 2:
            B, S = tshape
            p3 = ir.expand(pos, [[0, 1], [2]], [B, 1, S])
        else:
            B, S = 1, tshape[0]
            p3 = ir.expand(pos, [[0, 1, 2]], [1, 1, S])
        pf = ir.unary(p3, "sitofp", hint="pf")
        inv = ir.emit("inv", "arith.constant dense<%s> : %s" % (
            dense(f.reshape(1, h, 1)), tensor([1, h, 1])), [1, h, 1], "f32",
            f.astype(np.float64).reshape(1, h, 1))
        if B > 1:
            inv = ir.generic([(inv, ["0", "d1", "d2"])], [B, h, 1], "f32", [],
                             np.broadcast_to(inv.v, [B, h, 1]).copy(), "invb",
                             "%ba0")
        mm = ir.matmul(inv, pf, batched=True)
        t = ir.transpose(mm, [0, 2, 1])
        if len(tshape) == 1:
            t = ir.collapse(t, [[0, 1], [2]])
        return t

    def computed_tables(self, ir, tshape):
        pos = self.positions(ir, tshape, 0, 64)
        f = self.freqs()
        ang = self.angles(ir, pos, f)
        ang_sin = ang
        if self.miss == "freqs-differ":
            g = f.copy()
            if self.rng.integers(0, 2):
                g = hf_inv_freq(500000.0 if self.base != 500000.0 else 1e4,
                                self.D)
            else:
                k = int(self.rng.integers(0, self.h))
                g[k] = np.nextafter(g[k], np.float32(np.inf))
            ang_sin = self.angles(ir, pos, g)
            if self.rng.integers(0, 2):
                ang, ang_sin = ang_sin, ang

        def arrange(a):
            if self.per_pair:
                return a
            if self.pairing == "half":
                return ir.concat(len(a.shape) - 1, [a, a])
            return ir.repeat_interleave(a)

        same = ang_sin is ang
        ang = arrange(ang)
        ang_sin = ang if same else arrange(ang_sin)
        cos = ir.unary(ang, "cos", hint="cos")
        sin = ir.unary(ang_sin, "sin", hint="sin")
        fc = fs = self.factor
        if self.miss == "factors-differ":
            fs = float(np.float32(fc * 1.25 if self.rng.integers(0, 2)
                                  else fc * 0.5))
            if self.rng.integers(0, 2):
                fc, fs = fs, fc
        if fc != 1.0:
            cos = ir.scale(cos, fc, self.factor_form)
        if fs != 1.0:
            sin = ir.scale(sin, fs, self.factor_form)
        if self.miss == "cos-sin-swapped":
            cos, sin = sin, cos
        self.max_pos = int(np.abs(pos.v).max())
        self.max_freq = float(max(f.max(), 1.0))
        return cos, sin

    def tables(self, ir):
        """cos and sin for the multiplies (over x's elements, or pairs for
        the expanded forms), as (Val, map results) each."""
        n = self.rank
        h = self.h
        width = h if self.per_pair else self.D
        if self.miss == "heads-table":
            if n == 3:
                tshape, ex = [self.shape[1], width], ["d1", "d2"]
            else:
                tshape, ex = [self.shape[1], self.shape[2], width], \
                    ["d1", "d2", "d3"]
            c = ir.arg("cos", self.uniform(tshape), "f32")
            s = ir.arg("sin", self.uniform(tshape), "f32")
            return (c, ex), (s, ex)
        tshape = self.token_shape()
        texprs = self.token_exprs()
        src = self.source
        if self.cat_tables:
            hw = width // 2
            parts = [ir.arg(nm, self.uniform(tshape + [hw]), "f32")
                     for nm in ("cos_lo", "cos_hi", "sin_lo", "sin_hi")]
            cos = ir.concat(len(tshape), parts[:2])
            sin = ir.concat(len(tshape), parts[2:])
        elif src in ("args", "broadcast", "unsqueezed"):
            cos = ir.arg("cos", self.uniform(tshape + [width]), "f32")
            sin = ir.arg("sin", self.uniform(tshape + [width]), "f32")
        elif src == "gathered":
            P = self.rows
            shifted = self.miss in ("sin-shifted", "row-differs")
            lo = -P if self.wrap and not shifted else 0
            pos = self.positions(ir, tshape, lo, P - 1 if shifted else P)
            cc = ir.arg("cos_cache", self.uniform([P, width]), "f32")
            sc = ir.arg("sin_cache", self.uniform([P, width]), "f32")
            spos, swrap, sadd = pos, self.wrap, 0
            if self.miss == "sin-shifted":
                spos = ir.add_int(pos, 1)
            elif self.miss == "row-differs":
                if self.rng.integers(0, 2):
                    sadd = 1
                else:
                    swrap = not self.wrap
            if shifted and self.rng.integers(0, 2):
                # The mutation on cos instead.
                cos = ir.gather(spos, cc, swrap, sadd)
                sin = ir.gather(pos, sc, self.wrap)
            else:
                cos = ir.gather(pos, cc, self.wrap)
                sin = ir.gather(spos, sc, swrap, sadd)
        elif src == "sincos":
            P = self.rows
            pos = self.positions(ir, tshape, -P if self.wrap else 0, P)
            sc = ir.arg("sincos", self.uniform([P, 2 * width]), "f32")
            g = ir.gather(pos, sc, self.wrap)
            sin = ir.window(g, 0 if self.sin_first else width, width)
            cos = ir.window(g, width if self.sin_first else 0, width)
        else:
            cos, sin = self.computed_tables(ir, tshape)

        def place(t):
            m = len(t.shape)
            if self.repeat and not self.fold_unsqueeze:
                t = ir.repeat_interleave(t)
            if not self.unsqueeze:
                return t, texprs + ["d%d" % (n - 1)]
            hd = self.head_dim
            groups = []
            for i in range(m):
                if i < hd - 1:
                    groups.append([i])
                elif i == hd - 1:
                    groups.append([i, i + 1])
                else:
                    groups.append([i + 1])
            ushape = list(t.shape)
            ushape.insert(hd, 1)
            ex = ident(n)
            ex[hd] = "0"
            if self.tok_mode == "batch1":
                ex[0] = "0"
            if self.fold_unsqueeze:
                # GPT-J: the unsqueeze and repeat_interleave's unsqueeze as
                # one expand_shape, the broadcast, the flatten.
                groups[-1] = groups[-1] + [groups[-1][-1] + 1]
                u = ir.expand(t, groups, ushape + [1])
                b = ir.generic([(u, ident(n) + ["0"])], ushape + [2], "f32",
                               [], np.broadcast_to(u.v, ushape + [2]).copy(),
                               "ri", "%ba0")
                t = ir.collapse(b, unit_after(n))
                return t, ex
            return ir.expand(t, groups, ushape), ex

        return place(cos), place(sin)

    def uniform(self, shape):
        return self.rng.uniform(-1, 1, shape).astype(np.float32)

    # ---- the rotation ----------------------------------------------------
    def elements(self, ir, x, z=None):
        """The two elements of each pair: (x1, x2) by `pairing`, x2 of `z`
        for other-source; same-offset slices x2 twice."""
        h, n = self.h, self.rank
        z = z or x
        lo_off = 1 if self.miss == "same-offset" else 0
        if self.pairing == "half":
            lo_size = h + 1 if self.miss == "off-middle" else h
            return (ir.window(x, 0, lo_size),
                    ir.window(z, lo_size, self.D - lo_size))
        if self.elem_form == "strided":
            return ir.window(x, lo_off, h, 2), ir.window(z, 1, h, 2)
        out = []
        for src, which in ((x, lo_off), (z, 1)):
            v = ir.expand(src, unit_after(n), src.shape[:-1] + [h, 2])
            off = [0] * n + [which]
            sizes = v.shape[:-1] + [1]
            if self.elem_form == "view-drop":
                out.append(ir.slice(v, off, sizes, drop_last=True))
            else:
                out.append(ir.collapse(ir.slice(v, off, sizes),
                                       unit_after(n)))
        return tuple(out)

    def join(self, ir, a, b, negate=None):
        """cat(a, b) for half pairing, stack((a, b), -1).flatten(-2) for
        interleaved; `negate` ('a', 'b', 'both') negates parts (for
        interleaved, maybe after the unsqueeze)."""
        negate = negate or ""
        if self.pairing == "half":
            if "a" in negate or negate == "both":
                a = ir.negate(a, self.neg_form)
            if "b" in negate or negate == "both":
                b = ir.negate(b, self.neg_form)
            form = self.join_form
            if self.miss == "off-middle":
                form = "concat"
            return ir.join_last([a, b], form)
        n = self.rank
        parts = []
        for v, tag in ((a, "a"), (b, "b")):
            neg = tag in negate or negate == "both"
            if neg and not self.neg_after_unsqueeze:
                v = ir.negate(v, self.neg_form)
            v = ir.expand(v, unit_after(n), v.shape + [1])
            if neg and self.neg_after_unsqueeze:
                v = ir.negate(v, self.neg_form)
            parts.append(v)
        stacked = ir.join_last(parts, self.join_form)
        return ir.collapse(stacked, unit_after(n))

    def rotation_program(self, ir, x, z, C, S):
        """x * cos + rot(x) * sin."""
        n = self.rank
        x1, x2 = self.elements(ir, x, z)
        neg = {None: "b" if self.inverse else "a", "no-sign": "",
               "both-negated": "both"}.get(self.miss,
                                           "b" if self.inverse else "a")
        rot = self.join(ir, x2, x1, neg)
        xs = x
        if self.miss == "wrong-product":
            xs = ir.arg("z2", self.uniform(x.shape), "f32")
        (cos, cmap), (sin, smap) = C, S
        I = ident(n)
        if self.swap_x:
            a = ir.binary("mulf", cos, cmap, xs, I, x.shape)
        else:
            a = ir.binary("mulf", xs, I, cos, cmap, x.shape)
        if self.swap_r:
            b = ir.binary("mulf", sin, smap, rot, I, x.shape)
        else:
            b = ir.binary("mulf", rot, I, sin, smap, x.shape)
        if self.swap_add:
            a, b = b, a
        y = ir.binary("addf", a, I, b, I, x.shape, named=self.named_add)
        # Per-element tables as the multiplies read them (for the formula).
        self.C_el = read(cos, cmap, x.shape)
        self.S_el = read(sin, smap, x.shape)
        return y

    def expanded_program(self, ir, x, z, tables):
        """(x1 c1 - x2 s1, x2 c2 + x1 s2) joined (inverse: + and -)."""
        n = self.rank
        x1, x2 = self.elements(ir, x, z)
        hs = x1.shape
        I = ident(n)
        (c1, m1), (s1, ms1), (c2, m2), (s2, ms2) = tables

        def mul(a, t, m):
            if self.rng.integers(0, 2):
                return ir.binary("mulf", t, m, a, I, hs)
            return ir.binary("mulf", a, I, t, m, hs)

        # wrong-product: one product of the other element (x1 for x2 or
        # x2 for x1).
        wrong = int(self.rng.integers(2, 5)) \
            if self.miss == "wrong-product" else 0
        p1 = mul(x1, c1, m1)
        p2 = mul(x1 if wrong == 2 else x2, s1, ms1)
        p3 = mul(x1 if wrong == 3 else x2, c2, m2)
        p4 = mul(x2 if wrong == 4 else x1, s2, ms2)
        first, second = ("addf", "subf") if self.inverse else ("subf", "addf")
        if self.miss == "same-op":
            # Both halves sums or both differences.
            first = second = choice(self.rng, ["addf", "subf"])
        f_ops = (p2, I, p1, I) if first == "addf" and self.swap_add \
            else (p1, I, p2, I)
        g_ops = (p4, I, p3, I) if second == "addf" and self.swap_add \
            else (p3, I, p4, I)
        f = ir.binary(first, *f_ops, hs, named=self.named_add)
        g = ir.binary(second, *g_ops, hs, named=self.named_add)
        if self.miss == "swapped-join":
            f, g = g, f
        y = self.join(ir, f, g)
        lo, hi = self.pair_index()
        shape = x.shape
        self.C_el, self.S_el = np.zeros(shape), np.zeros(shape)
        self.C_el[..., lo] = read(c1, m1, hs)
        self.C_el[..., hi] = read(c2, m2, hs)
        self.S_el[..., lo] = read(s1, ms1, hs)
        self.S_el[..., hi] = read(s2, ms2, hs)
        return y

    def pair_index(self):
        h = self.h
        if self.pairing == "half":
            return np.arange(h), np.arange(h) + h
        return np.arange(h) * 2, np.arange(h) * 2 + 1

    def build(self):
        """The program (q, and with `qk` also k with its own head count,
        rotated by the same tables): its text; the values are kept."""
        ir = IR()
        self.ir = ir
        n, D = self.rank, self.D
        elt = self.dtype
        shapes = [("x", self.shape)]
        if self.qk:
            kshape = list(self.shape)
            kshape[self.head_dim] = self.k_heads
            shapes.append(("k", kshape))
        tables = None
        self.rotations = []
        results = []
        for name, shape in shapes:
            full = shape[:-1] + [D + self.P]
            x64 = self.rng.uniform(-1, 1, full)
            if elt == "f32":
                stored = x64.astype(np.float32)
            elif elt == "f16":
                stored = x64.astype(np.float16)
            else:
                stored = f32_to_bf16_bits(x64.astype(np.float32))
            xin = ir.arg(name, stored, elt)
            xf = ir.unary(xin, "extf", hint=name + "f") if elt != "f32" \
                else xin
            if self.form == "deepseek" and self.P:
                nope = ir.window(xf, 0, self.P)
                x = ir.window(xf, self.P, D)
            elif self.P:
                x = ir.window(xf, 0, D)
            else:
                x = xf
            if self.form == "deepseek":
                v = ir.expand(x, unit_after(n), x.shape[:-1] + [self.h, 2])
                perm = list(range(n - 1)) + [n, n - 1]
                x = ir.collapse(ir.transpose(v, perm), unit_after(n))
            z = None
            if self.miss == "other-source":
                z = ir.arg(name + "_other", self.uniform(x.shape), "f32")
            if self.form in ("expanded", "meta"):
                if tables is None and self.tables4:
                    tables = []
                    for tn in ("cos1", "sin1", "cos2", "sin2"):
                        t = ir.arg(tn, self.uniform(self.token_shape() +
                                                    [self.h]), "f32")
                        tables.append((t, self.token_exprs() +
                                       ["d%d" % (n - 1)]))
                elif tables is None:
                    C, S = self.tables(ir)
                    tables = [C, S, C, S]
                y = self.expanded_program(ir, x, z, tables)
            else:
                if tables is None:
                    tables = self.tables(ir)
                y = self.rotation_program(ir, x, z, *tables)
            if self.form == "deepseek" and self.P:
                y = ir.concat(n - 1, [nope, y])
            elif self.P:
                y = ir.concat(n - 1, [y, ir.window(xf, D, self.P)])
            if elt != "f32":
                y = ir.unary(y, "truncf", elt_out=elt, hint=name + "y")
            results.append(y)
            self.rotations.append({"x": x.v, "C": self.C_el, "S": self.S_el,
                                   "full": xin.v, "y": y.v})
        return ir.text(results)

    # ---- checks ----------------------------------------------------------
    def formula(self, rot):
        """The rotation, from the rotated tensor and the per-element tables
        (valid programs): y[lo] = x[lo] c - x[hi] s, y[hi] = x[hi] c +
        x[lo] s (inverse: s negated)."""
        x, C, S = rot["x"], rot["C"], rot["S"]
        lo, hi = self.pair_index()
        sg = -1.0 if self.inverse else 1.0
        y = np.empty_like(x)
        y[..., lo] = x[..., lo] * C[..., lo] - sg * x[..., hi] * S[..., lo]
        y[..., hi] = x[..., hi] * C[..., hi] + sg * x[..., lo] * S[..., hi]
        if self.P:
            full = rot["full"]
            if self.form == "deepseek":
                y = np.concatenate([full[..., :self.P], y], -1)
            else:
                y = np.concatenate([y, full[..., self.D:]], -1)
        return y

    def tolerance(self, mag):
        """f32: the products and sum, each rounded once (2^-22 of the
        largest term, with margin); computed tables: the f32 angle (p * f
        rounded, and frequencies within 2 ulps of base^(-2i/R)) and cos/sin;
        16-bit results: one ulp of the largest result more."""
        tmax = max([np.abs(r[k]).max() for r in self.rotations
                    for k in "CS"] + [1.0])
        xmax = max([np.abs(r["x"]).max() for r in self.rotations] + [1e-30])
        tol = 4e-7 * xmax * tmax
        if self.source == "computed":
            angle = self.max_pos * self.max_freq * 2.0 ** -21
            tol += 2 * tmax * xmax * (angle + 2.0 ** -21)
        if self.dtype != "f32":
            bits = 10 if self.dtype == "f16" else 7
            tol += 2.0 ** (np.floor(np.log2(max(mag, 2.0 ** -14))) - bits)
        return tol

    def expected(self):
        """What each check looks for in the raised IR."""
        need = ["rope.apply"]
        if self.source in ("gathered", "sincos"):
            need.append("rope.gather")
        if self.source == "computed":
            need.append("rope.cos_sin")
        if self.P and self.form != "deepseek":
            need.append("rotary_dim = %d" % self.D)
        return need

    def label(self):
        flags = [self.layout, self.dtype, self.pairing]
        if self.inverse:
            flags.append("inverse")
        if self.P:
            flags.append("partial")
        if self.per_pair:
            flags.append("per-pair")
        if self.unsqueeze:
            flags.append("unsqueezed")
        if self.tok_mode != "token":
            flags.append(self.tok_mode)
        if self.tables4:
            flags.append("tables4")
        if self.cat_tables:
            flags.append("cat-tables")
        if self.qk:
            flags.append("qk")
        return "%s/%s %s" % (self.form, self.source, " ".join(flags))
