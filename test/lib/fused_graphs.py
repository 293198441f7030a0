"""Graphs of rope with its neighbours, as frontends write them (plain
linalg/tensor/arith/math around rope.rotate), their inputs and their float64
numpy reference; shared by the execution test (fused_neighbours.py) and the
benchmark (bench/fusion_bench.py).

  qk-norm    RMSNorm over head_dim (f32 math) of q and k, then rope on both
  kv-cache   rope on q and k; k and the untouched v written into [P, HK, D]
             caches at rows [off, off + T) with tensor.insert_slice
  fp8        rope on q and k, then x / scale clamped and truncated to fp8;
             k's bytes written into an i8 cache
  fp8-token  the same with a dynamic scale per token: the largest |x| of
             the token's rotated q (and k) over the fp8 maximum; the
             scales returned
  qkv-split  q, k, v as views of a fused QKV projection output; rope on q
             and k; k and v written into caches
  qkv-bias   the same with the projection's bias added first (Qwen2), one
             elementwise op over the whole output
  chain      QK-norm, rope, fp8 quantization, cache write (k and v as fp8
             bytes in i8 caches); q returned as fp8
  paged      rope on q and k; k and v written into paged caches
             [blocks, 16, HK, D] through a block table (an scf.forall over
             the tokens, one tensor.parallel_insert_slice each)
  rope-only  rope on q and k alone (the baseline of the benchmark)

Storage `dtype` is f32 or bf16 (bf16 as uint16 bits); fp8 arrays are their
bits (uint8 for f8 tensors, int8 for the i8 caches).
"""
import re

import numpy as np

from npy_util import from_storage, to_storage

GRAPHS = ("qk-norm", "kv-cache", "fp8", "fp8-token", "qkv-split", "qkv-bias", "chain", "paged",
          "paged-fp8", "rope-only")
BLOCK = 16
BASE = 500000.0
EPS = 1e-6
FP8 = {"f8E4M3FN": 448.0, "f8E5M2": 57344.0}

MAPS = """#id3 = affine_map<(t, h, d) -> (t, h, d)>
#row = affine_map<(t, h, d) -> (t, h)>
#dim = affine_map<(t, h, d) -> (d)>
#tok = affine_map<(t, h, d) -> (t)>
"""


def _ext(e, v):
    return ("arith.addf %{v}, %zero : f32" if e == "f32"
            else "arith.extf %{v} : bf16 to f32").format(v=v)


def _trunc(e, v):
    return ("arith.addf %{v}, %zero : f32" if e == "f32"
            else "arith.truncf %{v} : f32 to bf16").format(v=v)


def _norm(n, T, H, D, e):
    """RMSNorm of %{n} over head_dim into %n_{n}."""
    return """  %e2_{n} = tensor.empty() : tensor<{T}x{H}xf32>
  %z_{n} = linalg.fill ins(%zero : f32) outs(%e2_{n} : tensor<{T}x{H}xf32>) -> tensor<{T}x{H}xf32>
  %ss_{n} = linalg.generic {{indexing_maps = [#id3, #row], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%{n} : tensor<{T}x{H}x{D}x{e}>) outs(%z_{n} : tensor<{T}x{H}xf32>) {{
  ^bb0(%x: {e}, %acc: f32):
    %xf = {ext}
    %sq = arith.mulf %xf, %xf : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  }} -> tensor<{T}x{H}xf32>
  %e3_{n} = tensor.empty() : tensor<{T}x{H}x{D}x{e}>
  %n_{n} = linalg.generic {{indexing_maps = [#id3, #row, #dim, #id3], iterator_types = ["parallel", "parallel", "parallel"]}}
      ins(%{n}, %ss_{n}, %w{n} : tensor<{T}x{H}x{D}x{e}>, tensor<{T}x{H}xf32>, tensor<{D}xf32>) outs(%e3_{n} : tensor<{T}x{H}x{D}x{e}>) {{
  ^bb0(%x: {e}, %s: f32, %g: f32, %o: {e}):
    %xf = {ext}
    %m = arith.divf %s, %dimf : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %xn = arith.mulf %xf, %r : f32
    %y = arith.mulf %xn, %g : f32
    %yt = {trunc}
    linalg.yield %yt : {e}
  }} -> tensor<{T}x{H}x{D}x{e}>
""".format(n=n, T=T, H=H, D=D, e=e, ext=_ext(e, "x"), trunc=_trunc(e, "y"))


def _norm_named(n, T, H, D, e):
    """The same RMSNorm in named ops, as a frontend lowering op by op writes
    it: the upcast (used twice), square, row sum, rsqrt, broadcasts and
    products each an op of its own."""
    f = "tensor<{T}x{H}x{D}xf32>".format(T=T, H=H, D=D)
    up = ("""  %ef_{n} = tensor.empty() : {f}
  %xf_{n} = linalg.map ins(%{n} : tensor<{T}x{H}x{D}x{e}>) outs(%ef_{n} : {f})
    (%x: {e}, %o: f32) {{
      %y = arith.extf %x : {e} to f32
      linalg.yield %y : f32
    }}
""" if e != "f32" else "")
    down = ("""  %e3_{n} = tensor.empty() : tensor<{T}x{H}x{D}x{e}>
  %n_{n} = linalg.map ins(%y_{n} : {f}) outs(%e3_{n} : tensor<{T}x{H}x{D}x{e}>)
    (%x: f32, %o: {e}) {{
      %y = arith.truncf %x : f32 to {e}
      linalg.yield %y : {e}
    }}
""" if e != "f32" else "")
    # f32 storage: no casts, the last product is the norm.
    src = "xf_" + n if e != "f32" else n
    return (up + """  %es_{n} = tensor.empty() : {f}
  %sq_{n} = linalg.mul ins(%{src}, %{src} : {f}, {f}) outs(%es_{n} : {f}) -> {f}
  %e2_{n} = tensor.empty() : tensor<{T}x{H}xf32>
  %z_{n} = linalg.fill ins(%zero : f32) outs(%e2_{n} : tensor<{T}x{H}xf32>) -> tensor<{T}x{H}xf32>
  %ss_{n} = linalg.reduce ins(%sq_{n} : {f}) outs(%z_{n} : tensor<{T}x{H}xf32>) dimensions = [2]
    (%x: f32, %acc: f32) {{
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }}
  %er_{n} = tensor.empty() : tensor<{T}x{H}xf32>
  %r_{n} = linalg.map ins(%ss_{n} : tensor<{T}x{H}xf32>) outs(%er_{n} : tensor<{T}x{H}xf32>)
    (%s: f32, %o: f32) {{
      %m = arith.divf %s, %dimf : f32
      %me = arith.addf %m, %eps : f32
      %r = math.rsqrt %me : f32
      linalg.yield %r : f32
    }}
  %eb_{n} = tensor.empty() : {f}
  %rb_{n} = linalg.broadcast ins(%r_{n} : tensor<{T}x{H}xf32>) outs(%eb_{n} : {f}) dimensions = [2]
  %en_{n} = tensor.empty() : {f}
  %xn_{n} = linalg.mul ins(%{src}, %rb_{n} : {f}, {f}) outs(%en_{n} : {f}) -> {f}
  %ew_{n} = tensor.empty() : {f}
  %wb_{n} = linalg.broadcast ins(%w{n} : tensor<{D}xf32>) outs(%ew_{n} : {f}) dimensions = [0, 1]
  %ey_{n} = tensor.empty() : {f}
  %{y} = linalg.mul ins(%xn_{n}, %wb_{n} : {f}, {f}) outs(%ey_{n} : {f}) -> {f}
""").format(n=n, T=T, H=H, D=D, e=e, f=f, src=src, y=("y_" if e != "f32" else "n_") + n) + down.format(
        n=n, T=T, H=H, D=D, e=e, f=f)


def _rope(out, x, T, H, D, e):
    return """  %o_{out} = tensor.empty() : tensor<{T}x{H}x{D}x{e}>
  %{out} = rope.rotate half thd ins(%{x} : tensor<{T}x{H}x{D}x{e}>) outs(%o_{out} : tensor<{T}x{H}x{D}x{e}>)
      positions(%pos : tensor<{T}xi64>) freqs(#rope.default<base = {base}>)
""".format(out=out, x=x, T=T, H=H, D=D, e=e, base=BASE)


def _quant(out, x, T, H, D, e, fmt, as_bytes, sc=None):
    """x / scale clamped to the format's range, truncated to fmt (as i8 bits
    with as_bytes); the scale %scale, or with `sc` the token's entry of %{sc}."""
    t = "i8" if as_bytes else fmt
    last = ("    %b = arith.bitcast %f : {f} to i8\n    linalg.yield %b : i8"
            if as_bytes else "    linalg.yield %f : {f}").format(f=fmt)
    maps, ins, args, div = "#id3, #id3", "%{x} : tensor<{T}x{H}x{D}x{e}>", "", "%scale"
    if sc:
        maps, ins = "#id3, #tok, #id3", "%{x}, %{sc} : tensor<{T}x{H}x{D}x{e}>, tensor<{T}xf32>"
        args, div = "%s: f32, ", "%s"
    return ("""  %e8_{out} = tensor.empty() : tensor<{T}x{H}x{D}x{t}>
  %{out} = linalg.generic {{indexing_maps = [""" + maps + """], iterator_types = ["parallel", "parallel", "parallel"]}}
      ins(""" + ins + """) outs(%e8_{out} : tensor<{T}x{H}x{D}x{t}>) {{
  ^bb0(%x: {e}, """ + args + """%o: {t}):
    %xf = {ext}
    %d = arith.divf %xf, """ + div + """ : f32
    %c = arith.maximumf %d, %lo : f32
    %c2 = arith.minimumf %c, %hi : f32
    %f = arith.truncf %c2 : f32 to {fmt}
{last}
  }} -> tensor<{T}x{H}x{D}x{t}>
""").format(out=out, x=x, sc=sc, T=T, H=H, D=D, e=e, t=t, fmt=fmt, last=last,
            ext=_ext(e, "x"))


def _token_scale(out, x, T, H, D, e):
    """Per token: max |x| over heads and head_dim, over the format's
    largest value (%hi), at least %tiny."""
    return """  %ea_{out} = tensor.empty() : tensor<{T}xf32>
  %za_{out} = linalg.fill ins(%zero : f32) outs(%ea_{out} : tensor<{T}xf32>) -> tensor<{T}xf32>
  %am_{out} = linalg.generic {{indexing_maps = [#id3, #tok], iterator_types = ["parallel", "reduction", "reduction"]}}
      ins(%{x} : tensor<{T}x{H}x{D}x{e}>) outs(%za_{out} : tensor<{T}xf32>) {{
  ^bb0(%x: {e}, %acc: f32):
    %xf = {ext}
    %a = math.absf %xf : f32
    %m = arith.maximumf %acc, %a : f32
    linalg.yield %m : f32
  }} -> tensor<{T}xf32>
  %es_{out} = tensor.empty() : tensor<{T}xf32>
  %{out} = linalg.generic {{indexing_maps = [affine_map<(t) -> (t)>, affine_map<(t) -> (t)>], iterator_types = ["parallel"]}}
      ins(%am_{out} : tensor<{T}xf32>) outs(%es_{out} : tensor<{T}xf32>) {{
  ^bb0(%a: f32, %o: f32):
    %d = arith.divf %a, %hi : f32
    %s = arith.maximumf %d, %tiny : f32
    linalg.yield %s : f32
  }} -> tensor<{T}xf32>
""".format(out=out, x=x, T=T, H=H, D=D, e=e, ext=_ext(e, "x"))


def _bias(out, x, T, W, e):
    """%{x} + the projection's f32 bias per column, in f32, stored as e."""
    return """  %eb_{out} = tensor.empty() : tensor<{T}x{W}x{e}>
  %{out} = linalg.generic {{indexing_maps = [affine_map<(t, c) -> (t, c)>, affine_map<(t, c) -> (c)>, affine_map<(t, c) -> (t, c)>], iterator_types = ["parallel", "parallel"]}}
      ins(%{x}, %bias : tensor<{T}x{W}x{e}>, tensor<{W}xf32>) outs(%eb_{out} : tensor<{T}x{W}x{e}>) {{
  ^bb0(%x: {e}, %b: f32, %o: {e}):
    %xf = {ext}
    %y = arith.addf %xf, %b : f32
    %yt = {trunc}
    linalg.yield %yt : {e}
  }} -> tensor<{T}x{W}x{e}>
""".format(out=out, x=x, T=T, W=W, e=e, ext=_ext(e, "x"), trunc=_trunc(e, "y"))


def _insert(out, x, cache, T, P, H, D, t):
    return ("  %{out} = tensor.insert_slice %{x} into %{c}[%off, 0, 0] [{T}, {H}, {D}] [1, 1, 1]"
            " : tensor<{T}x{H}x{D}x{t}> into tensor<{P}x{H}x{D}x{t}>\n").format(
                out=out, x=x, c=cache, T=T, P=P, H=H, D=D, t=t)


def _paged(out, x, cache, T, NB, H, D, e):
    """Token i of %{x} into block table[(off + i) / 16], slot (off + i) % 16."""
    return """  %{out} = scf.forall (%i) in ({T}) shared_outs(%c = %{cache}) -> (tensor<{NB}x{B}x{H}x{D}x{e}>) {{
    %p = affine.apply affine_map<(i)[o] -> (i + o)>(%i)[%off]
    %b = affine.apply affine_map<(p) -> (p floordiv {B})>(%p)
    %s = affine.apply affine_map<(p) -> (p mod {B})>(%p)
    %blk64 = tensor.extract %table[%b] : tensor<{NT}xi64>
    %blk = arith.index_cast %blk64 : i64 to index
    %row = tensor.extract_slice %{x}[%i, 0, 0] [1, {H}, {D}] [1, 1, 1] : tensor<{T}x{H}x{D}x{e}> to tensor<1x{H}x{D}x{e}>
    scf.forall.in_parallel {{
      tensor.parallel_insert_slice %row into %c[%blk, %s, 0, 0] [1, 1, {H}, {D}] [1, 1, 1, 1] : tensor<1x{H}x{D}x{e}> into tensor<{NB}x{B}x{H}x{D}x{e}>
    }}
  }}
""".format(out=out, x=x, cache=cache, T=T, NB=NB, B=BLOCK, H=H, D=D, e=e,
           NT=NB // 2)


def ir(graph, T, HQ, HK, D, P, e, fmt="f8E4M3FN", named_norm=False):
    """The function @main of `graph` (with named_norm, its norms in named
    ops)."""
    norm = _norm_named if named_norm else _norm
    q, k = "tensor<%dx%dx%dx%s>" % (T, HQ, D, e), "tensor<%dx%dx%dx%s>" % (T, HK, D, e)
    cache = "tensor<%dx%dx%dx%s>" % (P, HK, D, e)
    cache8 = "tensor<%dx%dx%dxi8>" % (P, HK, D)
    pos = "%%pos: tensor<%dxi64>" % T
    consts = ("  %%zero = arith.constant 0.0 : f32\n  %%dimf = arith.constant %d.0 : f32\n"
              "  %%eps = arith.constant %.1e : f32\n" % (D, EPS))
    offset = ("  %c0 = arith.constant 0 : index\n"
              "  %o64 = tensor.extract %offs[%c0] : tensor<1xi64>\n"
              "  %off = arith.index_cast %o64 : i64 to index\n")
    scale = ("  %%c0s = arith.constant 0 : index\n"
             "  %%scale = tensor.extract %%scales[%%c0s] : tensor<1xf32>\n"
             "  %%lo = arith.constant -%r : f32\n  %%hi = arith.constant %r : f32\n"
             % (FP8[fmt], FP8[fmt]))
    if graph == "rope-only":
        args = "%%q: %s, %%k: %s, %s" % (q, k, pos)
        body = consts + _rope("rq", "q", T, HQ, D, e) + _rope("rk", "k", T, HK, D, e)
        rets = ("%rq, %rk", "%s, %s" % (q, k))
    elif graph == "qk-norm":
        args = "%%q: %s, %%k: %s, %%wq: tensor<%dxf32>, %%wk: tensor<%dxf32>, %s" % (q, k, D, D, pos)
        body = (consts + norm("q", T, HQ, D, e) + norm("k", T, HK, D, e) +
                _rope("rq", "n_q", T, HQ, D, e) + _rope("rk", "n_k", T, HK, D, e))
        rets = ("%rq, %rk", "%s, %s" % (q, k))
    elif graph in ("kv-cache", "qkv-split", "qkv-bias"):
        if graph == "kv-cache":
            args = "%%q: %s, %%k: %s, %%v: %s" % (q, k, k)
            views = ""
        else:
            W = (HQ + 2 * HK) * D
            args = "%%qkv: tensor<%dx%dx%s>" % (T, W, e)
            views, src = "", "qkv"
            if graph == "qkv-bias":
                args += ", %%bias: tensor<%dxf32>" % W
                views, src = _bias("qkvb", "qkv", T, W, e), "qkvb"
            for n, h, start in (("q", HQ, 0), ("k", HK, HQ * D), ("v", HK, (HQ + HK) * D)):
                views += ("  %{n}f = tensor.extract_slice %{src}[0, {s}] [{T}, {w}] [1, 1]"
                          " : tensor<{T}x{W}x{e}> to tensor<{T}x{w}x{e}>\n"
                          "  %{n} = tensor.expand_shape %{n}f [[0], [1, 2]] output_shape [{T}, {h}, {D}]"
                          " : tensor<{T}x{w}x{e}> into tensor<{T}x{h}x{D}x{e}>\n").format(
                              n=n, src=src, s=start, T=T, w=h * D, W=W, e=e, h=h, D=D)
        args += ", %%kc: %s, %%vc: %s, %s, %%offs: tensor<1xi64>" % (cache, cache, pos)
        body = (consts + offset + views + _rope("rq", "q", T, HQ, D, e) +
                _rope("rk", "k", T, HK, D, e) +
                _insert("kc2", "rk", "kc", T, P, HK, D, e) +
                _insert("vc2", "v", "vc", T, P, HK, D, e))
        rets = ("%rq, %kc2, %vc2", "%s, %s, %s" % (q, cache, cache))
    elif graph == "fp8":
        args = "%%q: %s, %%k: %s, %s, %%scales: tensor<1xf32>, %%kc: %s, %%offs: tensor<1xi64>" % (
            q, k, pos, cache8)
        body = (consts + offset + scale + _rope("rq", "q", T, HQ, D, e) +
                _rope("rk", "k", T, HK, D, e) +
                _quant("q8", "rq", T, HQ, D, e, fmt, False) +
                _quant("k8", "rk", T, HK, D, e, fmt, True) +
                _insert("kc2", "k8", "kc", T, P, HK, D, "i8"))
        rets = ("%q8, %kc2", "tensor<%dx%dx%dx%s>, %s" % (T, HQ, D, fmt, cache8))
    elif graph == "fp8-token":
        args = "%%q: %s, %%k: %s, %s, %%kc: %s, %%offs: tensor<1xi64>" % (q, k, pos, cache8)
        top = ("  %%lo = arith.constant -%r : f32\n  %%hi = arith.constant %r : f32\n"
               "  %%tiny = arith.constant 1.0e-12 : f32\n" % (FP8[fmt], FP8[fmt]))
        body = (consts + offset + top + _rope("rq", "q", T, HQ, D, e) +
                _rope("rk", "k", T, HK, D, e) +
                _token_scale("sq", "rq", T, HQ, D, e) + _token_scale("sk", "rk", T, HK, D, e) +
                _quant("q8", "rq", T, HQ, D, e, fmt, False, "sq") +
                _quant("k8", "rk", T, HK, D, e, fmt, True, "sk") +
                _insert("kc2", "k8", "kc", T, P, HK, D, "i8"))
        rets = ("%q8, %sq, %kc2, %sk", "tensor<%dx%dx%dx%s>, tensor<%dxf32>, %s, tensor<%dxf32>" % (
            T, HQ, D, fmt, T, cache8, T))
    elif graph == "chain":
        args = ("%%q: %s, %%k: %s, %%v: %s, %%wq: tensor<%dxf32>, %%wk: tensor<%dxf32>, %s, "
                "%%scales: tensor<1xf32>, %%kc: %s, %%vc: %s, %%offs: tensor<1xi64>") % (
                    q, k, k, D, D, pos, cache8, cache8)
        body = (consts + offset + scale + norm("q", T, HQ, D, e) + norm("k", T, HK, D, e) +
                _rope("rq", "n_q", T, HQ, D, e) + _rope("rk", "n_k", T, HK, D, e) +
                _quant("q8", "rq", T, HQ, D, e, fmt, False) +
                _quant("k8", "rk", T, HK, D, e, fmt, True) +
                _quant("v8", "v", T, HK, D, e, fmt, True) +
                _insert("kc2", "k8", "kc", T, P, HK, D, "i8") +
                _insert("vc2", "v8", "vc", T, P, HK, D, "i8"))
        rets = ("%q8, %kc2, %vc2", "tensor<%dx%dx%dx%s>, %s, %s" % (T, HQ, D, fmt, cache8, cache8))
    elif graph == "paged":
        NB = 2 * (P // BLOCK)
        paged = "tensor<%dx%dx%dx%dx%s>" % (NB, BLOCK, HK, D, e)
        args = ("%%q: %s, %%k: %s, %%v: %s, %%kc: %s, %%vc: %s, %%table: tensor<%dxi64>, %s, "
                "%%offs: tensor<1xi64>") % (q, k, k, paged, paged, NB // 2, pos)
        body = (consts + offset + _rope("rq", "q", T, HQ, D, e) + _rope("rk", "k", T, HK, D, e) +
                _paged("kc2", "rk", "kc", T, NB, HK, D, e) + _paged("vc2", "v", "vc", T, NB, HK, D, e))
        rets = ("%rq, %kc2, %vc2", "%s, %s, %s" % (q, paged, paged))
    elif graph == "paged-fp8":
        # vLLM's fp8 KV cache, paged: k rotated and v quantized to fp8 bytes.
        NB = 2 * (P // BLOCK)
        paged8 = "tensor<%dx%dx%dx%dxi8>" % (NB, BLOCK, HK, D)
        args = ("%%q: %s, %%k: %s, %%v: %s, %s, %%scales: tensor<1xf32>, %%kc: %s, %%vc: %s, "
                "%%table: tensor<%dxi64>, %%offs: tensor<1xi64>") % (
                    q, k, k, pos, paged8, paged8, NB // 2)
        body = (consts + offset + scale + _rope("rq", "q", T, HQ, D, e) +
                _rope("rk", "k", T, HK, D, e) +
                _quant("q8", "rq", T, HQ, D, e, fmt, False) +
                _quant("k8", "rk", T, HK, D, e, fmt, True) +
                _quant("v8", "v", T, HK, D, e, fmt, True) +
                _paged("kc2", "k8", "kc", T, NB, HK, D, "i8") +
                _paged("vc2", "v8", "vc", T, NB, HK, D, "i8"))
        rets = ("%q8, %kc2, %vc2", "tensor<%dx%dx%dx%s>, %s, %s" % (T, HQ, D, fmt, paged8, paged8))
    else:
        raise ValueError(graph)
    return (MAPS + "func.func @main(%s) -> (%s) {\n%s  return %s : %s\n}\n" %
            (args, rets[1], body, rets[0], rets[1]))


def dynamic_tokens(text, T):
    """`text` with the token count dynamic (tensor<?x...>, tensor.empty(%t),
    slices of %t rows): what a frontend compiling one function for every
    sequence length writes."""
    import re
    text = text.replace("tensor<%dx" % T, "tensor<?x").replace("tensor<%dxi64>" % T, "tensor<?xi64>")
    first = re.search(r"func\.func @main\(%(\w+): (tensor<[^>]*>)", text)
    text = text.replace("{\n", "{\n  %%c0t = arith.constant 0 : index\n"
                        "  %%t = tensor.dim %%%s, %%c0t : %s\n" % (first.group(1), first.group(2)), 1)
    text = re.sub(r"tensor\.empty\(\) : tensor<\?x", "tensor.empty(%t) : tensor<?x", text)
    text = text.replace("] [%d, " % T, "] [%t, ")
    text = text.replace("output_shape [%d, " % T, "output_shape [%t, ")
    text = text.replace("scf.forall (%%i) in (%d)" % T, "scf.forall (%i) in (%t)")
    return text


def inputs(graph, T, HQ, HK, D, P, e, fmt="f8E4M3FN", seed=5, off=None):
    """(name, storage array) in argument order, and the offset used."""
    rng = np.random.default_rng(seed)
    off = (P - T) // 3 if off is None else off

    def act(h):
        return to_storage(rng.standard_normal((T, h, D)) * 3, e)

    pos = (off + np.arange(T)).astype(np.int64)
    w = lambda: rng.uniform(0.5, 1.5, D).astype(np.float32)
    offs = np.array([off], np.int64)
    if graph == "rope-only":
        return [("q", act(HQ)), ("k", act(HK)), ("pos", pos)], off
    if graph == "qk-norm":
        return [("q", act(HQ)), ("k", act(HK)), ("wq", w()), ("wk", w()), ("pos", pos)], off
    cache = lambda: to_storage(rng.standard_normal((P, HK, D)), e)
    cache8 = lambda: rng.integers(-128, 128, (P, HK, D)).astype(np.int8)
    if graph == "kv-cache":
        return [("q", act(HQ)), ("k", act(HK)), ("v", act(HK)), ("kc", cache()),
                ("vc", cache()), ("pos", pos), ("offs", offs)], off
    if graph in ("qkv-split", "qkv-bias"):
        qkv = to_storage(rng.standard_normal((T, (HQ + 2 * HK) * D)) * 3, e)
        bias = [("bias", rng.uniform(-1, 1, (HQ + 2 * HK) * D).astype(np.float32))]
        return [("qkv", qkv)] + (bias if graph == "qkv-bias" else []) + [
            ("kc", cache()), ("vc", cache()), ("pos", pos), ("offs", offs)], off
    if graph == "paged-fp8":
        NB = 2 * (P // BLOCK)
        paged8 = lambda: rng.integers(-128, 128, (NB, BLOCK, HK, D)).astype(np.int8)
        table = rng.permutation(NB)[:NB // 2].astype(np.int64)
        scale = np.array([3 * 4.0 / FP8[fmt]], np.float32)
        return [("q", act(HQ)), ("k", act(HK)), ("v", act(HK)), ("pos", pos), ("scales", scale),
                ("kc", paged8()), ("vc", paged8()), ("table", table), ("offs", offs)], off
    if graph == "paged":
        NB = 2 * (P // BLOCK)
        paged = lambda: to_storage(rng.standard_normal((NB, BLOCK, HK, D)), e)
        table = rng.permutation(NB)[:NB // 2].astype(np.int64)
        return [("q", act(HQ)), ("k", act(HK)), ("v", act(HK)), ("kc", paged()),
                ("vc", paged()), ("table", table), ("pos", pos), ("offs", offs)], off
    # A scale that clamps the largest few values.
    scale = np.array([3 * 4.0 / FP8[fmt]], np.float32)
    if graph == "fp8":
        return [("q", act(HQ)), ("k", act(HK)), ("pos", pos), ("scales", scale),
                ("kc", cache8()), ("offs", offs)], off
    if graph == "fp8-token":
        return [("q", act(HQ)), ("k", act(HK)), ("pos", pos), ("kc", cache8()),
                ("offs", offs)], off
    if graph == "chain":
        scale = np.array([4.0 / FP8[fmt]], np.float32)
        return [("q", act(HQ)), ("k", act(HK)), ("v", act(HK)), ("wq", w()), ("wk", w()),
                ("pos", pos), ("scales", scale), ("kc", cache8()), ("vc", cache8()),
                ("offs", offs)], off
    raise ValueError(graph)


def outputs(graph):
    return {"rope-only": ("rq", "rk"), "qk-norm": ("rq", "rk"),
            "kv-cache": ("rq", "kc2", "vc2"), "qkv-split": ("rq", "kc2", "vc2"),
            "qkv-bias": ("rq", "kc2", "vc2"),
            "fp8": ("q8", "kc2"), "fp8-token": ("q8", "sq", "kc2", "sk"),
            "chain": ("q8", "kc2", "vc2"),
            "paged": ("rq", "kc2", "vc2"), "paged-fp8": ("q8", "kc2", "vc2")}[graph]


def rotate(x, pos, pairing="half"):
    D = x.shape[-1]
    inv = 1.0 / BASE ** (np.arange(0, D, 2, dtype=np.float64) / D)
    a = pos.astype(np.float64)[:, None] * inv[None, :]
    c, s = np.cos(a)[:, None, :], np.sin(a)[:, None, :]
    if pairing == "interleaved":
        x1, x2 = x[..., 0::2], x[..., 1::2]
        y = np.empty_like(x)
        y[..., 0::2], y[..., 1::2] = x1 * c - x2 * s, x2 * c + x1 * s
        return y
    x1, x2 = x[..., :D // 2], x[..., D // 2:]
    return np.concatenate([x1 * c - x2 * s, x2 * c + x1 * s], axis=-1)


def interleaved(text):
    """`text` with interleaved pairing (GPT-J, DeepSeek) instead of half."""
    return text.replace("rope.rotate half", "rope.rotate interleaved")


def torch_pow(text):
    """`text` with the norm's squares spelled as torch-mlir writes
    pow(x, 2): math.fpowi by an i32 constant."""
    text = text.replace("%sq = arith.mulf %xf, %xf : f32",
                        "%sq = math.fpowi %xf, %two_i32 : f32, i32")
    return text.replace("  %zero = arith.constant 0.0 : f32\n",
                        "  %zero = arith.constant 0.0 : f32\n"
                        "  %two_i32 = arith.constant 2 : i32\n", 1)


def torch_powf(text):
    """`text` with the norm's squares spelled as pow(x, 2.0): math.powf by
    a constant in the one-generic norm; linalg.powf by a filled tensor of
    2.0 in the named-op norm."""
    text = text.replace("%sq = arith.mulf %xf, %xf : f32",
                        "%sq = math.powf %xf, %two_f32 : f32")
    text = re.sub(r"  %sq_(\w+) = linalg.mul ins\(%(\w+), %\2 : (tensor<[^>]*>), \3\) "
                  r"outs\(%es_\1 : \3\) -> \3\n",
                  lambda m: ("  %ep_{n} = tensor.empty() : {t}\n"
                             "  %twos_{n} = linalg.fill ins(%two_f32 : f32) outs(%ep_{n} : {t}) -> {t}\n"
                             "  %sq_{n} = linalg.powf ins(%{x}, %twos_{n} : {t}, {t}) "
                             "outs(%es_{n} : {t}) -> {t}\n").format(n=m.group(1), x=m.group(2),
                                                                    t=m.group(3)), text)
    return text.replace("  %zero = arith.constant 0.0 : f32\n",
                        "  %zero = arith.constant 0.0 : f32\n"
                        "  %two_f32 = arith.constant 2.0 : f32\n", 1)


def keepdim(text):
    """`text` with the norm's row sums kept with their reduced dimension, as
    torch's mean(-1, keepdim=True) gives them: tensor<T x H x 1> through
    (t, h, d) -> (t, h, 0)."""
    # The row sums' types, those of the norm's empty tensors.
    for ty in set(re.findall(r"%e2_\w+ = tensor.empty\([^)]*\) : (tensor<[^>]*xf32>)", text)):
        text = text.replace(ty, ty[:-len("xf32>")] + "x1xf32>")
    text = re.sub(r"#row\b(?! =)", "#row1", text)
    return text.replace("#row = affine_map<(t, h, d) -> (t, h)>\n",
                        "#row = affine_map<(t, h, d) -> (t, h)>\n"
                        "#row1 = affine_map<(t, h, d) -> (t, h, 0)>\n", 1)


def scale_operand(text):
    """`text` with the quantizations reading the scale as an operand, the
    tensor<1xf32> itself through (t, h, d) -> (0), not an extracted scalar."""
    text = re.sub(r"indexing_maps = \[#id3, #id3\](, iterator_types = [^\n]*\n"
                  r"\s*)ins\(%(\w+) : (tensor<[^>]*>)\) outs\(%e8_",
                  r"indexing_maps = [#id3, #one, #id3]\1ins(%\2, %scales : \3, "
                  r"tensor<1xf32>) outs(%e8_", text)
    text = re.sub(r"\^bb0\(%x: (\w+), %o: (\w+)\):(\n\s*%xf = [^\n]*\n\s*)"
                  r"%d = arith.divf %xf, %scale : f32",
                  r"^bb0(%x: \1, %sc: f32, %o: \2):\3%d = arith.divf %xf, %sc : f32", text)
    return text.replace("#id3 = affine_map<(t, h, d) -> (t, h, d)>\n",
                        "#id3 = affine_map<(t, h, d) -> (t, h, d)>\n"
                        "#one = affine_map<(t, h, d) -> (0)>\n", 1)


def dps_copy(text):
    """`text` with each cache insertion written in destination-passing
    style: a slice of the cache, linalg.copy of the rows into it, the slice
    inserted back."""
    def rewrite(m):
        out, x, cache, offs, sizes, src, dst = m.groups()
        return ("  %sl_{o} = tensor.extract_slice %{c}[{of}] [{sz}] [1, 1, 1] : {d} to {s}\n"
                "  %cp_{o} = linalg.copy ins(%{x} : {s}) outs(%sl_{o} : {s}) -> {s}\n"
                "  %{o} = tensor.insert_slice %cp_{o} into %{c}[{of}] [{sz}] [1, 1, 1]"
                " : {s} into {d}\n").format(o=out, x=x, c=cache, of=offs, sz=sizes, s=src, d=dst)
    return re.sub(r"  %(\w+) = tensor.insert_slice %(\w+) into %(\w+)\[([^\]]*)\] "
                  r"\[([^\]]*)\] \[1, 1, 1\] : (tensor<[^>]*>) into (tensor<[^>]*>)\n",
                  rewrite, text)


def return_rotated_k(text, T, HK, D, e):
    """`text` with the rotated k returned as well as quantized (attention
    reads it at full precision while the cache keeps fp8): a rope result
    with two users."""
    ty = "tensor<%dx%dx%dx%s>" % (T, HK, D, e)
    text = re.sub(r"(\n  return [^:\n]*) : ([^\n]*)\n}", lambda m: "%s, %%rk : %s, %s\n}" % (
        m.group(1), m.group(2), ty), text)
    return re.sub(r"(func\.func @main\(.*\) -> \()(.*)(\) \{)",
                  lambda m: m.group(1) + m.group(2) + ", " + ty + m.group(3), text)


def rmsnorm(x, w):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + EPS) * w


def references(graph, ins, e, HQ, HK, D, off, pairing="half", rotated_k=False,
               fmt="f8E4M3FN"):
    """Each output's float64 reference and its kind: ('float', array),
    ('fp8', values before rounding), ('cache', untouched cache, rows, kind,
    reference rows); with rotated_k, the rotated k last (return_rotated_k)."""
    res, rk = _references(graph, ins, e, HQ, HK, D, off, pairing, fmt)
    return res + [("float", rk)] if rotated_k else res


def _references(graph, ins, e, HQ, HK, D, off, pairing, fmt):
    a = dict(ins)
    f = lambda n: from_storage(a[n], e)
    pos = a["pos"]
    if graph in ("qkv-split", "qkv-bias"):
        qkv = f("qkv")
        if graph == "qkv-bias":
            # The graph's f32 sum, then its rounding to the storage type.
            qkv = (qkv.astype(np.float32) + a["bias"]).astype(np.float64)
            a["qkv"] = to_storage(qkv, e)
            qkv = from_storage(a["qkv"], e)
        T = qkv.shape[0]
        q = qkv[:, :HQ * D].reshape(T, HQ, D)
        k = qkv[:, HQ * D:(HQ + HK) * D].reshape(T, HK, D)
        v = qkv[:, (HQ + HK) * D:].reshape(T, HK, D)
    else:
        q, k = f("q"), f("k")
        v = f("v") if "v" in a else None
    if graph in ("qk-norm", "chain"):
        q = to_storage_round(rmsnorm(q, a["wq"].astype(np.float64)), e)
        k = to_storage_round(rmsnorm(k, a["wk"].astype(np.float64)), e)
    rq, rk = rotate(q, pos, pairing), rotate(k, pos, pairing)
    T = q.shape[0]
    rows = slice(off, off + T)
    if graph in ("rope-only", "qk-norm"):
        return [("float", rq), ("float", rk)], rk
    if graph == "paged":
        slots = off + np.arange(T)
        blocks, within = a["table"][slots // BLOCK], slots % BLOCK
        return [("float", rq), ("paged", a["kc"], (blocks, within), "float", rk),
                ("paged", a["vc"], (blocks, within), "exact", a["v"])], rk
    if graph in ("kv-cache", "qkv-split", "qkv-bias"):
        return [("float", rq), ("cache", a["kc"], rows, "float", rk),
                ("cache", a["vc"], rows, "exact", a["qkv"][:, (HQ + HK) * D:].reshape(T, HK, D)
                 if graph != "kv-cache" else a["v"])], rk
    if e == "bf16":
        rq, rk = to_storage_round(rq, e), to_storage_round(rk, e)
    if graph == "fp8-token":
        top = FP8[fmt]
        # f32 division of f32 operands, correctly rounded through float64.
        scale = lambda x: np.maximum(
            (np.abs(x).max(axis=(1, 2)) / top).astype(np.float32), np.float32(1e-12)).astype(np.float64)
        sq, sk = scale(rq), scale(rk)
        return [("fp8", rq / sq[:, None, None]), ("f32", sq),
                ("cache", a["kc"], rows, "fp8", rk / sk[:, None, None]), ("f32", sk)], rk
    s = float(a["scales"][0])
    if graph == "paged-fp8":
        slots = off + np.arange(T)
        blocks, within = a["table"][slots // BLOCK], slots % BLOCK
        return [("fp8", rq / s), ("paged", a["kc"], (blocks, within), "fp8", rk / s),
                ("paged", a["vc"], (blocks, within), "fp8", v / s)], rk
    res = [("fp8", rq / s), ("cache", a["kc"], rows, "fp8", rk / s)]
    if graph == "chain":
        res.append(("cache", a["vc"], rows, "fp8", v / s))
    return res, rk


def to_storage_round(x64, e):
    """x rounded to the storage type, as float64 (what a bf16 graph stores
    between its ops)."""
    return from_storage(to_storage(x64, e), e)
