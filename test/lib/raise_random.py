"""Randomized differential test of rope-raise: decomposed RoPE programs as
frontends write them (HF rotate_half in linalg/tensor ops) and mutated near
misses. For each program:
  * `rope-opt --rope-raise` raises every valid program to rope.apply and no
    near miss;
  * rope-run runs it with raising on and off, and both agree with a float64
    numpy evaluation of the program's own formula.

    raise_random.py --rope-run PATH --rope-opt PATH --tmp DIR --cases N --seed S

Prints a line per failure and a summary 'raise: N passed, N failed (V valid
raised, M near misses kept)'; exit 1 on any failure.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

LAYOUTS = {"thd": (3, [0], 1), "bshd": (4, [0, 1], 2), "bhsd": (4, [0, 2], 1)}
MISSES = ["no-sign", "both-negated", "off-middle", "other-source",
          "heads-table", "wrong-product"]


def dims(n):
    return ", ".join("d%d" % i for i in range(n))


def affine(n, results):
    return "affine_map<(%s) -> (%s)>" % (dims(n), ", ".join(results))


def tensor(shape, elt="f32"):
    return "tensor<%sx%s>" % ("x".join(str(s) for s in shape), elt)


class Program:
    def __init__(self, rng, miss=None):
        self.rng = rng
        self.miss = miss
        self.layout = str(rng.choice(list(LAYOUTS)))
        self.rank, self.token_dims, self.head_dim = LAYOUTS[self.layout]
        self.D = int(rng.choice([8, 16, 64]))
        self.H = int(rng.integers(1, 5))
        toks = [int(rng.integers(1, 6))] + ([int(rng.integers(1, 6))]
                                            if self.rank == 4 else [])
        shape = [0] * self.rank
        for t, d in zip(toks, self.token_dims):
            shape[d] = t
        shape[self.head_dim] = self.H
        shape[-1] = self.D
        self.shape = shape
        self.inverse = bool(rng.integers(0, 2))
        self.neg_form = str(rng.choice(["named", "generic", "minus1"]))
        self.swap_add = bool(rng.integers(0, 2))
        self.swap_x = bool(rng.integers(0, 2))
        self.swap_r = bool(rng.integers(0, 2))
        # Tables: per token ([token shape..., D]) or HF's [S, D] broadcast
        # over the batch (4-d layouts).
        self.table_form = str(rng.choice(["token", "seq"])) \
            if self.rank == 4 else "token"
        # The concat as tensor.concat or two insert_slices (either order).
        self.concat_form = str(rng.choice(["concat", "insert", "insert-rev"]))
        # HF autocast: f16 storage, extf / f32 math / truncf.
        self.autocast = bool(rng.integers(0, 4) == 0)
        # HF rotate_half or the expanded form cat(x1 c - x2 s, x2 c + x1 s)
        # with shared half-width or separate tables.
        self.form = "rotate_half" if self.miss in ("no-sign", "both-negated",
                                                   "off-middle",
                                                   "heads-table") \
            else str(rng.choice(["rotate_half", "expanded", "expanded4"]))
        if self.form != "rotate_half":
            self.autocast = False
        # Partial rotary (GPT-NeoX): rope on x[..., :D], x[..., D:] passed
        # through, P more elements.
        self.P = 0 if self.autocast or rng.integers(0, 4) else \
            int(rng.choice([2, 8, 24]))
        if self.form != "rotate_half":
            self.P = 0

    # ---- IR --------------------------------------------------------------
    def table_shape_and_map(self, over_heads=False):
        n = self.rank
        if over_heads:
            # Varies with the heads: [H, D] in thd (its tokens are dim 0);
            # 4-d, with dims 1 and 2 (a table varying with one of them only
            # is a rotation in one of the two layouts).
            if n == 3:
                return [self.H, self.D], affine(n, ["d1", "d2"])
            return ([self.shape[1], self.shape[2], self.D],
                    affine(n, ["d1", "d2", "d3"]))
        if self.table_form == "seq":
            s = self.token_dims[1]
            return [self.shape[s], self.D], affine(n, ["d%d" % s,
                                                        "d%d" % (n - 1)])
        return ([self.shape[d] for d in self.token_dims] + [self.D],
                affine(n, ["d%d" % d for d in self.token_dims] +
                       ["d%d" % (n - 1)]))

    def expanded_ir(self):
        n, D, h = self.rank, self.D, self.D // 2
        X = tensor(self.shape)
        Hf = tensor(self.shape[:-1] + [h])
        ident = affine(n, ["d%d" % i for i in range(n)])
        par = ", ".join(['"parallel"'] * n)
        tshape = [self.shape[d] for d in self.token_dims] + [h]
        tmap = affine(n, ["d%d" % d for d in self.token_dims] + ["d%d" % (n - 1)])
        T = tensor(tshape)
        names = ["c", "s"] if self.form == "expanded" else ["c1", "s1", "c2", "s2"]
        args = ["%%x: %s" % X] + ["%%%s: %s" % (t, T) for t in names]
        if self.miss == "other-source":
            args.append("%%z: %s" % X)
        full = ", ".join(str(v) for v in self.shape[:-1])
        ones = ", ".join(["1"] * n)
        z = ", ".join(["0"] * (n - 1))
        lines = [
            "  %%x1 = tensor.extract_slice %%x[%s, 0] [%s, %d] [%s] : %s to %s"
            % (z, full, h, ones, X, Hf),
            "  %%x2 = tensor.extract_slice %%%s[%s, %d] [%s, %d] [%s] : %s to %s"
            % ("z" if self.miss == "other-source" else "x", z, h, full, h,
               ones, X, Hf),
            "  %%eh = tensor.empty() : %s" % Hf]

        def mul(name, a, b):
            lines.append(
                "  %%%s = linalg.generic {indexing_maps = [%s, %s, %s], iterator_types = [%s]} "
                "ins(%%%s, %%%s : %s, %s) outs(%%eh : %s) {\n  ^bb0(%%p: f32, %%q: f32, %%o: f32):\n"
                "    %%r = arith.mulf %%p, %%q : f32\n    linalg.yield %%r : f32\n  } -> %s"
                % (name, ident, tmap, ident, par, a, b, Hf, T, Hf, Hf))

        c1, s1, c2, s2 = (("c", "s", "c", "s") if self.form == "expanded"
                          else ("c1", "s1", "c2", "s2"))
        wrong = self.miss == "wrong-product"
        mul("p1", "x1", c1)
        mul("p2", "x1" if wrong else "x2", s1)
        mul("p3", "x2", c2)
        mul("p4", "x1", s2)
        first_op, second_op = ("addf", "subf") if self.inverse else ("subf", "addf")
        f_ops = ("p1", "p2")
        s_ops = ("p3", "p4") if (self.inverse or not self.swap_add) else ("p4", "p3")
        if self.inverse and self.swap_add:
            f_ops = ("p2", "p1")
        for name, op, (a, b) in (("f", first_op, f_ops), ("g", second_op, s_ops)):
            named = {"addf": "add", "subf": "sub"}[op]
            lines.append("  %%%s = linalg.%s ins(%%%s, %%%s : %s, %s) outs(%%eh : %s) -> %s"
                         % (name, named, a, b, Hf, Hf, Hf, Hf))
        lines.append("  %%y = tensor.concat dim(%d) %%f, %%g : (%s, %s) -> %s"
                     % (n - 1, Hf, Hf, X))
        lines.append("  return %%y : %s" % X)
        return ("func.func @main(%s) -> %s {\n" % (", ".join(args), X) +
                "\n".join(lines) + "\n}\n")

    def ir(self):
        if self.form != "rotate_half":
            return self.expanded_ir()
        n, D, h = self.rank, self.D, self.D // 2
        X = tensor(self.shape)
        half_shape = self.shape[:-1] + [h]
        Hf = tensor(half_shape)
        ident = affine(n, ["d%d" % i for i in range(n)])
        par = ", ".join(['"parallel"'] * n)
        cshape, cmap = self.table_shape_and_map(self.miss == "heads-table")
        C = tensor(cshape)
        X16 = tensor(self.shape, "f16")
        full_shape = self.shape[:-1] + [D + self.P]
        XF = tensor(full_shape)
        xarg = "x16" if self.autocast else ("xf" if self.P else "x")
        args = ["%%%s: %s" % (xarg, X16 if self.autocast else
                              (XF if self.P else X)),
                "%%cos: %s" % C, "%%sin: %s" % C]
        if self.miss == "other-source":
            args.append("%%z: %s" % X)
        lines = []
        if self.autocast:
            lines.append("  %%ex = tensor.empty() : %s" % X)
            lines.append("  %%x = linalg.generic {indexing_maps = [%s, %s], iterator_types = [%s]} "
                         "ins(%%x16 : %s) outs(%%ex : %s) {\n  ^bb0(%%v: f16, %%o: f32):\n"
                         "    %%r = arith.extf %%v : f16 to f32\n    linalg.yield %%r : f32\n  } -> %s"
                         % (ident, ident, par, X16, X, X))
        zeros = ", ".join(["0"] * n)
        ones = ", ".join(["1"] * n)
        full = ", ".join(str(s) for s in self.shape[:-1])
        if self.P:
            lines.append("  %%x = tensor.extract_slice %%xf[%s] [%s, %d] [%s] : %s to %s"
                         % (zeros, full, D, ones, XF, X))

        def slc(name, src, off, size):
            shp = self.shape[:-1] + [size]
            lines.append(
                "  %%%s = tensor.extract_slice %%%s[%s, %d] [%s, %d] [%s] : %s to %s"
                % (name, src, ", ".join(["0"] * (n - 1)), off, full, size,
                   ones, X, tensor(shp)))

        lo_size, hi_off = h, h
        if self.miss == "off-middle":
            lo_size, hi_off = h + 1, h + 1
        slc("x1", "x", 0, lo_size)
        slc("x2", "z" if self.miss == "other-source" else "x", hi_off,
            D - hi_off)
        T1, T2 = tensor(self.shape[:-1] + [lo_size]), \
            tensor(self.shape[:-1] + [D - hi_off])

        def neg(name, src, T, shp):
            lines.append("  %%e_%s = tensor.empty() : %s" % (name, T))
            if self.neg_form == "named":
                lines.append("  %%%s = linalg.negf ins(%%%s : %s) outs(%%e_%s : %s) -> %s"
                             % (name, src, T, name, T, T))
            elif self.neg_form == "generic":
                lines.append(
                    "  %%%s = linalg.generic {indexing_maps = [%s, %s], iterator_types = [%s]} "
                    "ins(%%%s : %s) outs(%%e_%s : %s) {\n  ^bb0(%%a: f32, %%o: f32):\n"
                    "    %%r = arith.negf %%a : f32\n    linalg.yield %%r : f32\n  } -> %s"
                    % (name, ident, ident, par, src, T, name, T, T))
            else:
                lines.append("  %%m1_%s = arith.constant dense<-1.0> : %s" % (name, T))
                lines.append("  %%%s = linalg.mul ins(%%m1_%s, %%%s : %s, %s) outs(%%e_%s : %s) -> %s"
                             % (name, name, src, T, T, name, T, T))

        neg_hi = neg_lo = False
        if self.miss == "no-sign":
            pass
        elif self.miss == "both-negated":
            neg_hi = neg_lo = True
        elif self.inverse:
            neg_lo = True
        else:
            neg_hi = True
        hi, lo = "x2", "x1"
        if neg_hi:
            neg("n2", "x2", T2, None)
            hi = "n2"
        if neg_lo:
            neg("n1", "x1", T1, None)
            lo = "n1"
        # forward: cat(-x2, x1); inverse: cat(x2, -x1); no-sign: cat(x2, x1)
        if self.concat_form == "concat" or self.miss == "off-middle":
            lines.append("  %%rot = tensor.concat dim(%d) %%%s, %%%s : (%s, %s) -> %s"
                         % (n - 1, hi, lo, T2, T1, X))
        else:
            lines.append("  %%re = tensor.empty() : %s" % X)
            parts = [("r0", hi, 0, T2), ("rot", lo, h, T1)]
            if self.concat_form == "insert-rev":
                parts = [("r0", lo, h, T1), ("rot", hi, 0, T2)]
            dest = "re"
            for name, src, off, T in parts:
                lines.append(
                    "  %%%s = tensor.insert_slice %%%s into %%%s[%s, %d] [%s, %d] [%s] : %s into %s"
                    % (name, src, dest, ", ".join(["0"] * (n - 1)), off, full,
                       h, ones, T, X))
                dest = name
        lines.append("  %%e = tensor.empty() : %s" % X)

        def mul(name, a, amap, ta, b, bmap, tb):
            lines.append(
                "  %%%s = linalg.generic {indexing_maps = [%s, %s, %s], iterator_types = [%s]} "
                "ins(%%%s, %%%s : %s, %s) outs(%%e : %s) {\n  ^bb0(%%p: f32, %%q: f32, %%o: f32):\n"
                "    %%r = arith.mulf %%p, %%q : f32\n    linalg.yield %%r : f32\n  } -> %s"
                % (name, amap, bmap, ident, par, a, b, ta, tb, X, X))

        xname = "x"
        if self.miss == "wrong-product":
            xname = "z2"  # x * cos where "x" is a different tensor
            args.append("%%z2: %s" % X)
        if self.swap_x:
            mul("a", "cos", cmap, C, xname, ident, X)
        else:
            mul("a", xname, ident, X, "cos", cmap, C)
        if self.swap_r:
            mul("b", "sin", cmap, C, "rot", ident, X)
        else:
            mul("b", "rot", ident, X, "sin", cmap, C)
        first, second = ("b", "a") if self.swap_add else ("a", "b")
        lines.append("  %%y = linalg.add ins(%%%s, %%%s : %s, %s) outs(%%e : %s) -> %s"
                     % (first, second, X, X, X, X))
        Y = X
        if self.autocast:
            Y = X16
            lines.append("  %%ey = tensor.empty() : %s" % X16)
            lines.append("  %%y16 = linalg.generic {indexing_maps = [%s, %s], iterator_types = [%s]} "
                         "ins(%%y : %s) outs(%%ey : %s) {\n  ^bb0(%%v: f32, %%o: f16):\n"
                         "    %%r = arith.truncf %%v : f32 to f16\n    linalg.yield %%r : f16\n  } -> %s"
                         % (ident, ident, par, X, X16, X16))
        if self.P:
            Y = XF
            TP = tensor(self.shape[:-1] + [self.P])
            lines.append("  %%pass = tensor.extract_slice %%xf[%s, %d] [%s, %d] [%s] : %s to %s"
                         % (", ".join(["0"] * (n - 1)), D, full, self.P, ones,
                            XF, TP))
            lines.append("  %%yp = tensor.concat dim(%d) %%y, %%pass : (%s, %s) -> %s"
                         % (n - 1, X, TP, XF))
        lines.append("  return %%%s : %s" % ("y16" if self.autocast else
                                            "yp" if self.P else "y", Y))
        return ("func.func @main(%s) -> %s {\n" % (", ".join(args), Y) +
                "\n".join(lines) + "\n}\n")

    # ---- data and reference ---------------------------------------------
    def inputs(self):
        rng = self.rng
        if self.form != "rotate_half":
            x = rng.uniform(-1, 1, self.shape).astype(np.float32)
            tshape = [self.shape[d] for d in self.token_dims] + [self.D // 2]
            k = 2 if self.form == "expanded" else 4
            data = [x] + [rng.uniform(-1, 1, tshape).astype(np.float32)
                          for _ in range(k)]
            if self.miss == "other-source":
                data.append(rng.uniform(-1, 1, self.shape).astype(np.float32))
            return data
        x = rng.uniform(-1, 1, self.shape[:-1] + [self.D + self.P]).astype(
            np.float16 if self.autocast else np.float32)
        cshape, _ = self.table_shape_and_map(self.miss == "heads-table")
        cos = rng.uniform(-1, 1, cshape).astype(np.float32)
        sin = rng.uniform(-1, 1, cshape).astype(np.float32)
        data = [x, cos, sin]
        if self.miss == "other-source":
            data.append(rng.uniform(-1, 1, self.shape).astype(np.float32))
        if self.miss == "wrong-product":
            data.append(rng.uniform(-1, 1, self.shape).astype(np.float32))
        return data

    def broadcast(self, t):
        """A table as the multiplies read it, at every element of x."""
        n = self.rank
        t = t.astype(np.float64)
        if self.miss == "heads-table":
            shape = [1] * n
            for d in range(1, n):
                shape[d] = self.shape[d] if (n == 4 or d != 0) else 1
            return np.broadcast_to(t.reshape(shape), self.shape)
        if self.table_form == "seq":
            shape = [1] * n
            shape[self.token_dims[1]] = t.shape[0]
            shape[-1] = self.D
            return np.broadcast_to(t.reshape(shape), self.shape)
        shape = [1] * n
        for k, d in enumerate(self.token_dims):
            shape[d] = t.shape[k]
        shape[-1] = self.D
        return np.broadcast_to(t.reshape(shape), self.shape)

    def reference(self, data):
        if self.form != "rotate_half":
            return self.expanded_reference(data)
        xf = data[0].astype(np.float64)
        y = self.rotated(data, xf[..., :self.D])
        return np.concatenate([y, xf[..., self.D:]], -1) if self.P else y

    def expanded_reference(self, data):
        n, h = self.rank, self.D // 2
        x = data[0].astype(np.float64)
        z = data[-1].astype(np.float64) if self.miss == "other-source" else x
        x1, x2 = x[..., :h], z[..., h:]

        def b(t):
            shape = [1] * n
            for k, d in enumerate(self.token_dims):
                shape[d] = t.shape[k]
            shape[-1] = h
            return t.astype(np.float64).reshape(shape)

        if self.form == "expanded":
            c1 = c2 = b(data[1])
            s1 = s2 = b(data[2])
        else:
            c1, s1, c2, s2 = (b(t) for t in data[1:5])
        second_factor = x1 if self.miss == "wrong-product" else x2
        if self.inverse:
            f = x1 * c1 + second_factor * s1
            g = x2 * c2 - x1 * s2
        else:
            f = x1 * c1 - second_factor * s1
            g = x2 * c2 + x1 * s2
        return np.concatenate([f, g], -1)

    def rotated(self, data, x):
        z = data[3].astype(np.float64) if self.miss == "other-source" else x
        D, h = self.D, self.D // 2
        lo_size = h + 1 if self.miss == "off-middle" else h
        x1, x2 = x[..., :lo_size], z[..., lo_size:]
        if self.miss == "no-sign":
            rot = np.concatenate([x2, x1], -1)
        elif self.miss == "both-negated":
            rot = np.concatenate([-x2, -x1], -1)
        elif self.inverse:
            rot = np.concatenate([x2, -x1], -1)
        else:
            rot = np.concatenate([-x2, x1], -1)
        xa = data[-1].astype(np.float64) if self.miss == "wrong-product" else x
        return xa * self.broadcast(data[1]) + rot * self.broadcast(data[2])


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--rope-opt", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--cases", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    passed = failed = raised = kept = 0
    for case in range(a.cases):
        miss = str(rng.choice(MISSES)) if rng.random() < 0.35 else None
        p = Program(rng, miss)
        d = os.path.join(a.tmp, "raise-%d" % case)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "case.mlir")
        with open(path, "w") as f:
            f.write(p.ir())
        data = p.inputs()
        files = []
        for k, arr in enumerate(data):
            files.append(os.path.join(d, "in%d.npy" % k))
            np.save(files[-1], arr)
        problems = []
        r = run([a.rope_opt, path, "--rope-raise"])
        if r.returncode:
            problems.append("rope-raise failed: " + r.stderr.strip()[:300])
        else:
            is_raised = "rope.apply" in r.stdout
            if miss is None and not is_raised:
                problems.append("valid program not raised")
            if miss is None and p.P and "rotary_dim = %d" % p.D not in r.stdout:
                problems.append("partial rotary not raised to one op")
            if miss is not None and is_raised:
                problems.append("near miss %s raised" % miss)
            raised += miss is None and is_raised
            kept += miss is not None and not is_raised
        want = p.reference(data)
        for opt in ("raise=true", "raise=false"):
            out = os.path.join(d, "y-%s.npy" % opt)
            r = run([a.rope_run, path, "-i", ",".join(files), "-o", out,
                     "--cpu-pipeline-options=" + opt])
            if r.returncode:
                problems.append("%s: rope-run exited %d: %s"
                                % (opt, r.returncode, r.stderr.strip()[:300]))
                continue
            got = np.load(out).astype(np.float64)
            # f32: two products and a sum of values below 1, each rounded
            # once, against float64 (2^-22 of the largest term, with margin).
            err = np.abs(got - want).max() if got.size else 0.0
            # f16 results: one rounding of values below 2 (2^-10), with margin.
            tol = 2.0 ** -10 if p.autocast else 4e-7
            if got.shape != want.shape or err > tol:
                problems.append("%s: max error %.3g" % (opt, err))
        label = "raise-%d (%s %s%s%s)" % (case, p.layout,
                                          "inverse " if p.inverse else "",
                                          "partial " if p.P else "",
                                        "miss " + miss if miss else "valid")
        if problems:
            failed += 1
            print("FAIL %s: %s (%s)" % (label, "; ".join(problems), path))
        else:
            passed += 1
    print("raise: %d passed, %d failed (%d valid raised, %d near misses kept)"
          % (passed, failed, raised, kept))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
