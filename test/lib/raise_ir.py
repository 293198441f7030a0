"""IR text with its float64 value, op by op: the builder raise_random.py's
programs are written with (each op's numpy evaluation stored next to its
text, so any program has an independent reference)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from npy_util import bf16_bits_to_f64  # noqa: E402


def dims(n):
    return ", ".join("d%d" % i for i in range(n))


def amap(n, exprs):
    return "affine_map<(%s) -> (%s)>" % (dims(n), ", ".join(exprs))


def ident(n):
    return ["d%d" % i for i in range(n)]


def tensor(shape, elt="f32"):
    return "tensor<%s>" % "x".join([str(s) for s in shape] + [elt])


def f32lit(v):
    """A float32 value as a literal that parses back to it."""
    return "%.9e" % float(np.float32(v))


def dense(a):
    """A float32 array as a dense literal (9 digits round-trip float32)."""
    if a.ndim == 0:
        return f32lit(a)
    return "[" + ", ".join(dense(s) for s in a) + "]"


def unit_after(n):
    """Reassociation of a rank-n tensor to rank n+1 with a unit (or pair)
    dimension appended."""
    return [[i] for i in range(n - 1)] + [[n - 1, n]]


def reassoc_str(groups):
    return "[" + ", ".join("[" + ", ".join(map(str, g)) + "]"
                           for g in groups) + "]"


def hf_inv_freq(base, rot):
    """HF RoPE inv_freq in float32: 1 / base ** (arange(0, R, 2) / R)."""
    e = np.arange(0, rot, 2).astype(np.float32) / np.float32(rot)
    return (np.float32(1.0) / np.power(np.float32(base), e)).astype(np.float32)


def read(val, exprs, ishape):
    """The value of `val` read through the map results `exprs` ('dK' or
    '0') at every point of the iteration space `ishape`."""
    a = val.v
    index, axes = [], []
    for k, e in enumerate(exprs):
        if e == "0":
            assert a.shape[k] == 1, (val.name, exprs)
            index.append(0)
        else:
            index.append(slice(None))
            axes.append(int(e[1:]))
    a = a[tuple(index)]
    a = np.transpose(a, np.argsort(axes))
    shape = [1] * len(ishape)
    for j, size in zip(sorted(axes), a.shape):
        assert size == ishape[j], (val.name, exprs, ishape)
        shape[j] = size
    return np.broadcast_to(a.reshape(shape), ishape)


class Val:
    def __init__(self, name, shape, elt, v):
        self.name, self.shape, self.elt, self.v = name, list(shape), elt, v
        assert list(v.shape) == self.shape, (name, v.shape, shape)

    @property
    def ty(self):
        return tensor(self.shape, self.elt)


class IR:
    """IR text and, next to it, the float64 (or integer) value of every
    tensor: the numpy evaluation of the program."""

    def __init__(self):
        self.pro, self.lines, self.args, self.data = [], [], [], []
        self.k = 0
        self.consts = {}

    def fresh(self, hint):
        self.k += 1
        return "%%%s_%d" % (hint, self.k)

    def arg(self, hint, stored, elt):
        if elt == "bf16":
            value = bf16_bits_to_f64(stored)
        elif elt in ("i32", "i64"):
            value = stored.astype(np.int64)
        else:
            value = stored.astype(np.float64)
        name = "%" + hint
        while any(a.startswith(name + ":") for a in self.args):
            name += "_"
        v = Val(name, stored.shape, elt, value)
        self.args.append("%s: %s" % (v.name, v.ty))
        self.data.append(stored)
        return v

    def const(self, text, typ):
        key = (text, typ)
        if key not in self.consts:
            name = self.fresh("k")
            self.pro.append("  %s = arith.constant %s : %s" % (name, text,
                                                                  typ))
            self.consts[key] = name
        return self.consts[key]

    def empty(self, shape, elt="f32"):
        name = self.fresh("e")
        self.lines.append("  %s = tensor.empty() : %s" % (name,
                                                          tensor(shape, elt)))
        return name

    def emit(self, hint, text, shape, elt, value):
        name = self.fresh(hint)
        self.lines.append("  %s = %s" % (name, text))
        return Val(name, shape, elt, value)

    # ---- tensor ops ------------------------------------------------------
    def slice(self, v, offsets, sizes, strides=None, drop_last=False):
        n = len(v.shape)
        strides = strides or [1] * n
        shape = list(sizes[:-1] if drop_last else sizes)
        index = tuple(slice(o, o + (s - 1) * st + 1, st)
                      for o, s, st in zip(offsets, sizes, strides))
        value = v.v[index].reshape(shape)
        text = "tensor.extract_slice %s[%s] [%s] [%s] : %s to %s" % (
            v.name, ", ".join(map(str, offsets)), ", ".join(map(str, sizes)),
            ", ".join(map(str, strides)), v.ty, tensor(shape, v.elt))
        return self.emit("s", text, shape, v.elt, value)

    def window(self, v, offset, size, stride=1):
        n = len(v.shape)
        return self.slice(v, [0] * (n - 1) + [offset], v.shape[:-1] + [size],
                          [1] * (n - 1) + [stride])

    def concat(self, dim, parts):
        shape = list(parts[0].shape)
        shape[dim] = sum(p.shape[dim] for p in parts)
        value = np.concatenate([p.v for p in parts], dim)
        text = "tensor.concat dim(%d) %s : (%s) -> %s" % (
            dim, ", ".join(p.name for p in parts),
            ", ".join(p.ty for p in parts), tensor(shape, parts[0].elt))
        return self.emit("cat", text, shape, parts[0].elt, value)

    def insert_join(self, parts, reverse):
        """cat(parts) along the last dimension as insert_slices into a
        tensor.empty, in order or reversed."""
        shape = list(parts[0].shape)
        shape[-1] = sum(p.shape[-1] for p in parts)
        n = len(shape)
        dest = self.empty(shape, parts[0].elt)
        offsets, off = [], 0
        for p in parts:
            offsets.append(off)
            off += p.shape[-1]
        order = list(range(len(parts)))
        if reverse:
            order.reverse()
        value = np.concatenate([p.v for p in parts], -1)
        result = None
        for i in order:
            p = parts[i]
            text = ("tensor.insert_slice %s into %s[%s] [%s] [%s] : %s into %s"
                    % (p.name, dest, ", ".join(["0"] * (n - 1) +
                                               [str(offsets[i])]),
                       ", ".join(map(str, p.shape)),
                       ", ".join(["1"] * n), p.ty, tensor(shape, p.elt)))
            result = self.emit("ins", text, shape, p.elt, value)
            dest = result.name
        return result

    def join_last(self, parts, form):
        if form == "concat":
            return self.concat(len(parts[0].shape) - 1, parts)
        return self.insert_join(parts, form == "insert-rev")

    def expand(self, v, groups, shape):
        text = "tensor.expand_shape %s %s output_shape [%s] : %s into %s" % (
            v.name, reassoc_str(groups), ", ".join(map(str, shape)), v.ty,
            tensor(shape, v.elt))
        return self.emit("x", text, shape, v.elt, v.v.reshape(shape))

    def collapse(self, v, groups):
        shape = [int(np.prod([v.shape[j] for j in g])) for g in groups]
        text = "tensor.collapse_shape %s %s : %s into %s" % (
            v.name, reassoc_str(groups), v.ty, tensor(shape, v.elt))
        return self.emit("c", text, shape, v.elt, v.v.reshape(shape))

    def transpose(self, v, perm):
        shape = [v.shape[p] for p in perm]
        e = self.empty(shape, v.elt)
        text = ("linalg.transpose ins(%s : %s) outs(%s : %s) permutation = "
                "[%s]" % (v.name, v.ty, e, tensor(shape, v.elt),
                          ", ".join(map(str, perm))))
        return self.emit("t", text, shape, v.elt, np.transpose(v.v, perm))

    # ---- linalg ----------------------------------------------------------
    def generic(self, ins, shape, elt, body, value, hint="g", result="%br"):
        """linalg.generic over `shape` (all parallel) with inputs (Val, map
        results) and an identity init; `body` computes `result` from the
        input elements %ba<k> (a copy: no body, result %ba0)."""
        n = len(shape)
        e = self.empty(shape, elt)
        maps = [amap(n, m) for _, m in ins] + [amap(n, ident(n))]
        args = ", ".join("%%ba%d: %s" % (k, v.elt) for k, (v, _) in
                         enumerate(ins))
        text = ("linalg.generic {indexing_maps = [%s], iterator_types = [%s]} "
                "ins(%s : %s) outs(%s : %s) {\n  ^bb0(%s, %%bo: %s):\n%s"
                "    linalg.yield %s : %s\n  } -> %s"
                % (", ".join(maps), ", ".join(['"parallel"'] * n),
                   ", ".join(v.name for v, _ in ins),
                   ", ".join(v.ty for v, _ in ins), e, tensor(shape, elt),
                   args, elt, "".join("    " + b + "\n" for b in body),
                   result, elt, tensor(shape, elt)))
        return self.emit(hint, text, shape, elt, value)

    def unary(self, v, op, elt_out="f32", hint="u"):
        fns = {"negf": np.negative, "cos": np.cos, "sin": np.sin,
               "extf": lambda a: a, "truncf": lambda a: a,
               "sitofp": lambda a: a.astype(np.float64)}
        if op in ("extf", "truncf", "sitofp"):
            body = ["%%br = arith.%s %%ba0 : %s to %s" % (op, v.elt, elt_out)]
        elif op in ("cos", "sin"):
            body = ["%%br = math.%s %%ba0 : f32" % op]
        else:
            body = ["%%br = arith.%s %%ba0 : f32" % op]
        n = len(v.shape)
        return self.generic([(v, ident(n))], v.shape, elt_out, body,
                            fns[op](v.v), hint)

    def binary(self, op, a, amap_, b, bmap_, shape, named=False):
        fn = {"addf": np.add, "subf": np.subtract, "mulf": np.multiply}[op]
        n = len(shape)
        value = fn(read(a, amap_, shape), read(b, bmap_, shape))
        if named and amap_ == ident(n) and bmap_ == ident(n) and \
                a.shape == shape and b.shape == shape:
            e = self.empty(shape)
            text = "linalg.%s ins(%s, %s : %s, %s) outs(%s : %s) -> %s" % (
                {"addf": "add", "subf": "sub", "mulf": "mul"}[op], a.name,
                b.name, a.ty, b.ty, e, tensor(shape), tensor(shape))
            return self.emit(op[:3], text, shape, "f32", value)
        return self.generic([(a, amap_), (b, bmap_)], shape, "f32",
                            ["%%br = arith.%s %%ba0, %%ba1 : f32" % op], value,
                            op[:3])

    def negate(self, v, form):
        if form == "generic":
            return self.unary(v, "negf", hint="neg")
        e = self.empty(v.shape)
        if form == "named":
            text = "linalg.negf ins(%s : %s) outs(%s : %s) -> %s" % (
                v.name, v.ty, e, v.ty, v.ty)
        else:
            m1 = self.const("dense<-1.0>", v.ty)
            text = "linalg.mul ins(%s, %s : %s, %s) outs(%s : %s) -> %s" % (
                m1, v.name, v.ty, v.ty, e, v.ty, v.ty)
        return self.emit("neg", text, v.shape, "f32", -v.v)

    def scale(self, v, factor, form):
        """v * factor (a float32 constant): a generic with the scalar in its
        body, or linalg.mul by a splat tensor."""
        f = float(np.float32(factor))
        if form == "body":
            c = self.const(f32lit(f), "f32")
            return self.generic([(v, ident(len(v.shape)))], v.shape, "f32",
                                ["%%br = arith.mulf %%ba0, %s : f32" % c],
                                v.v * f, "sc")
        c = self.const("dense<%s>" % f32lit(f), v.ty)
        e = self.empty(v.shape)
        text = "linalg.mul ins(%s, %s : %s, %s) outs(%s : %s) -> %s" % (
            v.name, c, v.ty, v.ty, e, v.ty, v.ty)
        return self.emit("sc", text, v.shape, "f32", v.v * f)

    def repeat_interleave(self, v):
        """torch.repeat_interleave(v, 2, -1): unsqueeze, broadcast, flatten."""
        n = len(v.shape)
        u = self.expand(v, unit_after(n), v.shape + [1])
        b = self.generic([(u, ident(n) + ["0"])], v.shape + [2], "f32", [],
                         np.broadcast_to(u.v, v.shape + [2]).copy(), "ri",
                         "%ba0")
        return self.collapse(b, unit_after(n))

    def fill_zero(self, shape):
        e = self.empty(shape)
        z = self.const("0.000000e+00", "f32")
        text = "linalg.fill ins(%s : f32) outs(%s : %s) -> %s" % (
            z, e, tensor(shape), tensor(shape))
        return self.emit("fill", text, shape, "f32", np.zeros(shape))

    def matmul(self, a, b, batched):
        shape = ([a.shape[0], a.shape[1], b.shape[2]] if batched
                 else [a.shape[0], b.shape[1]])
        init = self.fill_zero(shape)
        text = "linalg.%s ins(%s, %s : %s, %s) outs(%s : %s) -> %s" % (
            "batch_matmul" if batched else "matmul", a.name, b.name, a.ty,
            b.ty, init.name, init.ty, init.ty)
        return self.emit("mm", text, shape, "f32", np.matmul(a.v, b.v))

    def gather(self, pos, cache, wrap, row_add=0):
        """cache[row(pos), j] for every position and column j (torch-mlir's
        aten.index.Tensor), row with the negative-index wrap or plus a
        constant."""
        P, W = cache.shape
        shape = pos.shape + [W]
        m = len(shape)
        body = ["%%bi = arith.index_cast %%ba0 : %s to index" % pos.elt]
        row = "%bi"
        rows = pos.v.copy()
        if wrap:
            c0 = self.const("0", "index")
            cP = self.const(str(P), "index")
            body += ["%%bn = arith.cmpi slt, %%bi, %s : index" % c0,
                     "%%bw = arith.addi %%bi, %s : index" % cP,
                     "%bs = arith.select %bn, %bw, %bi : index"]
            row = "%bs"
            rows = np.where(rows < 0, rows + P, rows)
        if row_add:
            c = self.const(str(row_add), "index")
            body.append("%%bp = arith.addi %s, %s : index" % (row, c))
            row = "%bp"
            rows = rows + row_add
        assert rows.min() >= 0 and rows.max() < P
        body += ["%%bc = linalg.index %d : index" % (m - 1),
                 "%%br = tensor.extract %s[%s, %%bc] : %s" % (cache.name, row,
                                                            cache.ty)]
        return self.generic([(pos, ident(m - 1))], shape, "f32", body,
                            cache.v[rows], "gat")

    def add_int(self, pos, c):
        k = self.const(str(c), pos.elt)
        return self.generic([(pos, ident(len(pos.shape)))], pos.shape, pos.elt,
                            ["%%br = arith.addi %%ba0, %s : %s" % (k, pos.elt)],
                            pos.v + c, "pp")

    def text(self, results):
        types = ", ".join(r.ty for r in results)
        return ("func.func @main(%s) -> %s {\n" % (
            ", ".join(self.args),
            types if len(results) == 1 else "(%s)" % types) +
            "\n".join(self.pro + self.lines) + "\n  return %s : %s\n}\n" % (
                ", ".join(r.name for r in results),
                ", ".join(r.ty for r in results)))
