"""rope-raise benchmark: decomposed RoPE programs as frontends write them,
run through rope-cpu-pipeline raised (the default) and with raise=false, and
the same rotation written directly as a rope op, at 1, 16, 512 and 4096
tokens, in the same run on the same inputs.

    raise_bench.py --rope-run PATH --tmp DIR [--tokens 1,16,512,4096]
                   [--repeat 20] [--json OUT]

Prints per program and token count the median times (us) and the ratios
unraised/raised (goal >= 3 at >= 512 tokens) and raised/direct (goal
<= 1.05).
"""
import argparse
import difflib
import json
import os
import platform
import re
import subprocess
import sys

import numpy as np

ID3 = "affine_map<(d0, d1, d2) -> (d0, d1, d2)>"
TOK3 = "affine_map<(d0, d1, d2) -> (d0, d2)>"
PAR3 = '["parallel", "parallel", "parallel"]'


def mul3(res, a, b, ta, tb, tout, mb=TOK3):
    """res = a * b, b broadcast over the heads by `mb`."""
    return f"""  {res} = linalg.generic {{indexing_maps = [{ID3}, {mb}, {ID3}], iterator_types = {PAR3}}}
      ins({a}, {b} : {ta}, {tb}) outs(%e : {tout}) {{
  ^bb0(%u: f32, %v: f32, %o: f32):
    %m = arith.mulf %u, %v : f32
    linalg.yield %m : f32
  }} -> {tout}
"""


def rotate_half_body(H, D, x="%x", t="%t"):
    """HF rotate_half of x [T, H, D]: %r."""
    h = D // 2
    X, Hf = f"tensor<?x{H}x{D}xf32>", f"tensor<?x{H}x{h}xf32>"
    return f"""  %x1 = tensor.extract_slice {x}[0, 0, 0] [{t}, {H}, {h}] [1, 1, 1] : {X} to {Hf}
  %x2 = tensor.extract_slice {x}[0, 0, {h}] [{t}, {H}, {h}] [1, 1, 1] : {X} to {Hf}
  %eh = tensor.empty({t}) : {Hf}
  %n = linalg.negf ins(%x2 : {Hf}) outs(%eh : {Hf}) -> {Hf}
  %r = tensor.concat dim(2) %n, %x1 : ({Hf}, {Hf}) -> {X}
  %e = tensor.empty({t}) : {X}
"""


def rope_tail(H, D, cos, sin, T="?"):
    X, C = f"tensor<?x{H}x{D}xf32>", f"tensor<?x{D}xf32>"
    return (mul3("%a", "%x", cos, X, C, X) + mul3("%b", "%r", sin, X, C, X)
            + f"""  %y = linalg.add ins(%a, %b : {X}, {X}) outs(%e : {X}) -> {X}
  return %y : {X}
}}
""")


def head(args):
    return f"""func.func @main({args}) -> tensor<?xHxDxf32> {{
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?xHxDxf32>
"""


def gather(name, cache, P, W):
    return f"""  {name} = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}}
      ins(%ids : tensor<?xi64>) outs(%eg : tensor<?x{W}xf32>) {{
  ^bb0(%p: i64, %o: f32):
    %i = arith.index_cast %p : i64 to index
    %z = arith.constant 0 : index
    %np = arith.constant {P} : index
    %neg = arith.cmpi slt, %i, %z : index
    %w = arith.addi %i, %np : index
    %row = arith.select %neg, %w, %i : index
    %j = linalg.index 1 : index
    %v = tensor.extract {cache}[%row, %j] : tensor<{P}x{W}xf32>
    linalg.yield %v : f32
  }} -> tensor<?x{W}xf32>
"""


def program_tables(H, D):
    """HF rotate_half, per-token [T, D] tables passed in."""
    X, C = f"tensor<?x{H}x{D}xf32>", f"tensor<?x{D}xf32>"
    dec = (head(f"%x: {X}, %cos: {C}, %sin: {C}") + rotate_half_body(H, D)
           + rope_tail(H, D, "%cos", "%sin"))
    direct = head(f"%x: {X}, %cos: {C}, %sin: {C}") + f"""  %e = tensor.empty(%t) : {X}
  %y = rope.apply half thd ins(%x : {X}) outs(%e : {X}) cos_sin(%cos, %sin : {C}, {C})
  return %y : {X}
}}
"""
    return dec, direct


def program_gathered(H, D, P=4096):
    """HF rotate_half, cos/sin = cache[position_ids] with the wrap."""
    X, C, K = (f"tensor<?x{H}x{D}xf32>", f"tensor<?x{D}xf32>",
               f"tensor<{P}x{D}xf32>")
    dec = (head(f"%x: {X}, %ids: tensor<?xi64>, %cc: {K}, %sc: {K}")
           + f"  %eg = tensor.empty(%t) : {C}\n"
           + gather("%cos", "%cc", P, D) + gather("%sin", "%sc", P, D)
           + rotate_half_body(H, D) + rope_tail(H, D, "%cos", "%sin"))
    # The same rotation written directly: rope.gather of the same
    # full-width caches (a [P, D/2] cache is another input) and rope.apply.
    direct = head(f"%x: {X}, %ids: tensor<?xi64>, %cc: {K}, %sc: {K}") + f"""  %e = tensor.empty(%t) : {X}
  %eg = tensor.empty(%t) : {C}
  %cos, %sin = rope.gather positions(%ids : tensor<?xi64>) tables(%cc, %sc : {K}, {K}) outs(%eg, %eg : {C}, {C})
  %y = rope.apply half thd ins(%x : {X}) outs(%e : {X}) cos_sin(%cos, %sin : {C}, {C})
  return %y : {X}
}}
"""
    return dec, direct


def inv_freq_f32(D, base):
    return (np.float32(1) / (np.float32(base) ** (
        np.arange(0, D, 2).astype(np.float32) / np.float32(D)))).astype(
            np.float32)


def program_computed(H, D, base=500000.0):
    """HF LlamaRotaryEmbedding: cos/sin of positions x inv_freq in f32."""
    h = D // 2
    X, C, Hh = f"tensor<?x{H}x{D}xf32>", f"tensor<?x{D}xf32>", f"tensor<?x{h}xf32>"
    inv = ", ".join(repr(float(v)) for v in inv_freq_f32(D, base))
    trig = lambda n, f: f"""  {n} = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}}
      ins(%emb : {C}) outs(%ec : {C}) {{
  ^bb0(%a: f32, %o: f32):
    %v = math.{f} %a : f32
    linalg.yield %v : f32
  }} -> {C}
"""
    dec = head(f"%x: {X}, %ids: tensor<?xi64>") + f"""  %inv = arith.constant dense<[{inv}]> : tensor<{h}xf32>
  %ef = tensor.empty(%t) : tensor<?xf32>
  %pf = linalg.generic {{indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}}
      ins(%ids : tensor<?xi64>) outs(%ef : tensor<?xf32>) {{
  ^bb0(%p: i64, %o: f32):
    %f = arith.sitofp %p : i64 to f32
    linalg.yield %f : f32
  }} -> tensor<?xf32>
  %eh2 = tensor.empty(%t) : {Hh}
  %fr = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}}
      ins(%pf, %inv : tensor<?xf32>, tensor<{h}xf32>) outs(%eh2 : {Hh}) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  }} -> {Hh}
  %emb = tensor.concat dim(1) %fr, %fr : ({Hh}, {Hh}) -> {C}
  %ec = tensor.empty(%t) : {C}
""" + trig("%cos", "cos") + trig("%sin", "sin") + rotate_half_body(H, D) + rope_tail(H, D, "%cos", "%sin")
    direct = head(f"%x: {X}, %ids: tensor<?xi64>") + f"""  %e = tensor.empty(%t) : {X}
  %y = rope.rotate half thd ins(%x : {X}) outs(%e : {X}) positions(%ids : tensor<?xi64>) freqs(#rope.default<base = {base}>)
  return %y : {X}
}}
"""
    return dec, direct


def program_complex(H, D):
    """Meta's apply_rotary_emb in the complex dialect, [T, D/2] tables."""
    h = D // 2
    X, Hh = f"tensor<?x{H}x{D}xf32>", f"tensor<?x{H}x{h}xf32>"
    V, V1 = f"tensor<?x{H}x{h}x2xf32>", f"tensor<?x{H}x{h}x1xf32>"
    Z, F, C = (f"tensor<?x{H}x{h}xcomplex<f32>>", f"tensor<?x{h}xcomplex<f32>>",
               f"tensor<?x{h}xf32>")
    ID2 = "affine_map<(d0, d1) -> (d0, d1)>"
    part = lambda n, op: f"""  {n} = linalg.generic {{indexing_maps = [{ID3}, {ID3}], iterator_types = {PAR3}}}
      ins(%p : {Z}) outs(%eh : {Hh}) {{
  ^bb0(%a: complex<f32>, %o: f32):
    %c = complex.{op} %a : complex<f32>
    linalg.yield %c : f32
  }} -> {Hh}
"""
    dec = head(f"%x: {X}, %cos: {C}, %sin: {C}") + f"""  %xv = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [%t, {H}, {h}, 2] : {X} into {V}
  %xr = tensor.extract_slice %xv[0, 0, 0, 0] [%t, {H}, {h}, 1] [1, 1, 1, 1] : {V} to {Hh}
  %xi = tensor.extract_slice %xv[0, 0, 0, 1] [%t, {H}, {h}, 1] [1, 1, 1, 1] : {V} to {Hh}
  %ez = tensor.empty(%t) : {Z}
  %z = linalg.generic {{indexing_maps = [{ID3}, {ID3}, {ID3}], iterator_types = {PAR3}}}
      ins(%xr, %xi : {Hh}, {Hh}) outs(%ez : {Z}) {{
  ^bb0(%a: f32, %b: f32, %o: complex<f32>):
    %c = complex.create %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  }} -> {Z}
  %ef = tensor.empty(%t) : {F}
  %f = linalg.generic {{indexing_maps = [{ID2}, {ID2}, {ID2}], iterator_types = ["parallel", "parallel"]}}
      ins(%cos, %sin : {C}, {C}) outs(%ef : {F}) {{
  ^bb0(%a: f32, %b: f32, %o: complex<f32>):
    %c = complex.create %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  }} -> {F}
  %p = linalg.generic {{indexing_maps = [{ID3}, {TOK3}, {ID3}], iterator_types = {PAR3}}}
      ins(%z, %f : {Z}, {F}) outs(%ez : {Z}) {{
  ^bb0(%a: complex<f32>, %b: complex<f32>, %o: complex<f32>):
    %c = complex.mul %a, %b : complex<f32>
    linalg.yield %c : complex<f32>
  }} -> {Z}
  %eh = tensor.empty(%t) : {Hh}
""" + part("%re", "re") + part("%im", "im") + f"""  %re1 = tensor.expand_shape %re [[0], [1], [2, 3]] output_shape [%t, {H}, {h}, 1] : {Hh} into {V1}
  %im1 = tensor.expand_shape %im [[0], [1], [2, 3]] output_shape [%t, {H}, {h}, 1] : {Hh} into {V1}
  %st = tensor.concat dim(3) %re1, %im1 : ({V1}, {V1}) -> {V}
  %y = tensor.collapse_shape %st [[0], [1], [2, 3]] : {V} into {X}
  return %y : {X}
}}
"""
    direct = head(f"%x: {X}, %cos: {C}, %sin: {C}") + f"""  %e = tensor.empty(%t) : {X}
  %y = rope.apply interleaved thd ins(%x : {X}) outs(%e : {X}) cos_sin(%cos, %sin : {C}, {C})
  return %y : {X}
}}
"""
    return dec, direct


H, D = 32, 128  # Llama q: 32 heads of 128
PROGRAMS = {
    "rotate_half-tables": program_tables,
    "rotate_half-gathered": program_gathered,
    "rotate_half-computed": program_computed,
    "complex-meta": program_complex,
}


def inputs(name, T, rng):
    x = rng.uniform(-1, 1, (T, H, D)).astype(np.float32)
    if name in ("rotate_half-tables", "complex-meta"):
        w = D if name == "rotate_half-tables" else D // 2
        t = [rng.uniform(-1, 1, (T, w)).astype(np.float32) for _ in range(2)]
        return [x] + t, [x] + t
    ids = rng.integers(0, 4096, T).astype(np.int64)
    if name == "rotate_half-computed":
        return [x, ids], [x, ids]
    ang = np.arange(4096)[:, None] * (10000.0 ** (-np.arange(D // 2) /
                                                   (D // 2)))[None]
    c, s = np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)
    full = [np.concatenate([c, c], 1), np.concatenate([s, s], 1)]
    return [x, ids] + full, [x, ids] + full


def run(rope_run, path, files, out, opts, repeat):
    cmd = [rope_run, path, "-i", ",".join(files), "-o", out,
           "--repeat=%d" % repeat, "--cpu-pipeline-options=" + opts]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit("%s failed: %s" % (" ".join(cmd), r.stderr[-2000:]))
    m = re.search(r"min ([0-9.e+-]+) us, median ([0-9.e+-]+) us",
                  r.stdout + r.stderr)
    return float(m.group(1)), float(m.group(2))


def compiled(rope_opt, path):
    """The LLVM dialect rope-cpu-pipeline makes of `path`, without locations
    and message globals (their names hash the source locations), sorted:
    what differs only in the order of hoisted constants compares equal."""
    r = subprocess.run([rope_opt, path, "--rope-cpu-pipeline"],
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit("%s failed: %s" % (path, r.stderr[-2000:]))
    lines = [re.sub(r"%[\w.-]+|loc\(.*\)", "", l).strip()
             for l in r.stdout.splitlines() if "__rope_msg" not in l]
    return sorted(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--rope-opt",
                    help="default: rope-opt beside rope-run")
    ap.add_argument("--tokens", default="1,16,512,4096")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5,
                    help="processes per variant, alternating raised/direct")
    ap.add_argument("--programs", default=",".join(PROGRAMS),
                    help="comma-separated subset of: " + ", ".join(PROGRAMS))
    ap.add_argument("--json")
    a = ap.parse_args()
    os.makedirs(a.tmp, exist_ok=True)
    rng = np.random.default_rng(0)
    print("# rope-raise bench: decomposed programs through rope-cpu-pipeline "
          "raised (raise=true), unraised (raise=false) and the rotation "
          "written directly as a rope op; Llama q f32 [T, %d, %d] thd; "
          "rope-run --repeat %d, median us (raised and direct: median of %d "
          "alternating processes); host %s %s, %d CPUs"
          % (H, D, a.repeat, a.rounds, platform.machine(),
             platform.processor() or "", os.cpu_count()))
    print("%-22s %6s %12s %12s %12s %10s %10s" % (
        "program", "tokens", "raised", "unraised", "direct",
        "unr/raised", "raised/dir"))
    rows = []
    for name in a.programs.split(","):
        make = PROGRAMS[name]
        dec, direct = make(H, D)
        dec = dec.replace("HxD", "%dx%d" % (H, D))
        direct = direct.replace("HxD", "%dx%d" % (H, D))
        pd, pr = (os.path.join(a.tmp, name + s) for s in (".mlir", "-direct.mlir"))
        open(pd, "w").write(dec)
        open(pr, "w").write(direct)
        rope_opt = a.rope_opt or os.path.join(os.path.dirname(a.rope_run),
                                              "rope-opt")
        ca, cb = compiled(rope_opt, pd), compiled(rope_opt, pr)
        differ = sum(1 for l in difflib.unified_diff(ca, cb, lineterm="", n=0)
                     if l[:1] in "+-" and l[:3] not in ("+++", "---"))
        print("# %s: raised and direct compile to %d and %d lines of LLVM "
              "dialect, %d differing (up to SSA names and order)"
              % (name, len(ca), len(cb), differ))
        for T in (int(t) for t in a.tokens.split(",")):
            ins_dec, ins_dir = inputs(name, T, rng)
            files = {}
            for tag, arrays in (("dec", ins_dec), ("dir", ins_dir)):
                files[tag] = []
                for k, arr in enumerate(arrays):
                    f = os.path.join(a.tmp, "%s-%d-%s%d.npy" % (name, T, tag, k))
                    np.save(f, arr)
                    files[tag].append(f)
            out = os.path.join(a.tmp, "out.npy")
            # Raised and direct alternate over several processes (the
            # shared host's load drifts); each process reports the median of
            # --repeat calls, and the median over processes is kept.
            raised_t, direct_t = [], []
            for _ in range(a.rounds):
                raised_t.append(run(a.rope_run, pd, files["dec"], out,
                                    "raise=true", a.repeat)[1])
                y_raised = np.load(out)
                direct_t.append(run(a.rope_run, pr, files["dir"], out,
                                    "raise=false", a.repeat)[1])
                y_direct = np.load(out)
            raised = (0.0, float(np.median(raised_t)))
            direct_t = (0.0, float(np.median(direct_t)))
            unraised = run(a.rope_run, pd, files["dec"], out, "raise=false",
                           max(3, a.repeat // 4) if T >= 512 else a.repeat)
            y_unraised = np.load(out)
            # The three compute the same rotation (f32 rounding apart; the
            # computed program's unraised angles are formed in f32).
            tol = 5e-3 if name == "rotate_half-computed" else 1e-5
            for label, y in (("unraised", y_unraised), ("direct", y_direct)):
                err = float(np.abs(y.astype(np.float64) - y_raised).max())
                if err > tol:
                    sys.exit("%s T=%d: raised and %s differ by %g"
                             % (name, T, label, err))
            row = dict(program=name, tokens=T, raised_us=raised[1],
                       unraised_us=unraised[1], direct_us=direct_t[1])
            rows.append(row)
            print("%-22s %6d %12.1f %12.1f %12.1f %10.2f %10.3f" % (
                name, T, raised[1], unraised[1], direct_t[1],
                unraised[1] / raised[1], raised[1] / direct_t[1]))
            sys.stdout.flush()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
