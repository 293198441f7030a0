"""Execution test of rope fused with its neighbours (fused_graphs.py):
each graph through the CPU pipeline against float64 numpy.
Usage: fused_neighbours.py --rope-run PATH --tmp DIR GRAPH {f32,bf16}
[--fmt f8E4M3FN|f8E5M2] [PIPELINE_OPTIONS]. Prints 'PASS ...' (exit 0) or
'FAIL ...'. With --emit-ir it prints the graph's IR and exits (for
FileCheck)."""
import argparse
import os
import subprocess
import sys

import numpy as np

import fused_graphs as g
import gpu_tiled
from fp8_check import decode_table, quantize
from npy_util import from_storage

T, HQ, HK, D, P = 37, 8, 2, 128, 64


def check_float(got, ref, e, what):
    got = from_storage(got, e)
    err = np.abs(got - ref).max() / np.abs(ref).max()
    # f32: a few ulp of the rotation (and of the norm); bf16: the stored
    # inputs of the rotation and its result rounded to bf16 (2^-9 each).
    bound = 2e-6 if e == "f32" else 8e-3
    if not err <= bound:
        return "%s: max relative error %.3g > %.3g" % (what, err, bound)
    return None


def check_fp8(codes, values, fmt, what):
    top = g.FP8[fmt]
    expected = quantize(np.clip(values, -top, top).ravel(), fmt)
    got = codes.view(np.uint8).ravel()
    table = decode_table(fmt)
    gv, ev = table[got], table[expected]
    if np.isnan(gv).any():
        return "%s: NaN codes in a clamped quantization" % what
    # A rotation error of a few f32 ulp can cross a rounding boundary: one
    # code either way (or +-0).
    close = (np.abs(got.astype(int) - expected.astype(int)) <= 1) | ((gv == 0) & (ev == 0))
    if not close.all():
        i = int(np.flatnonzero(~close)[0])
        return "%s: code 0x%02x for %r, expected 0x%02x" % (what, got[i], values.ravel()[i], expected[i])
    if (got == expected).mean() < 0.99:
        return "%s: only %.4f of the codes exact" % (what, (got == expected).mean())
    return None


def compare(graph, outs, ins, dtype, fmt, off, pairing="half", rotated_k=False):
    """Errors (empty when all hold) of the outputs `outs` (in
    fused_graphs.outputs order, then the rotated k with rotated_k; caches
    as updated) of `graph` on `ins`."""
    errors = []
    names = g.outputs(graph) + (("rk",) if rotated_k else ())
    for got, out, ref in zip(outs, names,
                             g.references(graph, ins, dtype, HQ, HK, D, off, pairing,
                                          rotated_k, fmt)):
        if ref[0] == "float":
            errors.append(check_float(got, ref[1], dtype, out))
        elif ref[0] == "f32":
            # Scales from the rounded rotation: one storage rounding apart.
            bound = 2e-6 if dtype == "f32" else 8e-3
            err = np.abs(got.astype(np.float64) - ref[1]).max() / np.abs(ref[1]).max()
            if got.dtype != np.float32 or not err <= bound:
                errors.append("%s: %s, max relative error %.3g > %.3g" % (out, got.dtype, err, bound))
        elif ref[0] == "fp8":
            errors.append(check_fp8(got, ref[1], fmt, out))
        elif ref[0] == "paged":
            _, before, (blocks, slots), kind, value = ref
            mask = np.ones(before.shape[:2], bool)
            mask[blocks, slots] = False
            if got.shape != before.shape or not np.array_equal(got[mask], before[mask]):
                errors.append("%s: slots outside the written ones changed" % out)
            elif kind == "exact":
                if not np.array_equal(got[blocks, slots], value):
                    errors.append("%s: copied rows differ" % out)
            elif kind == "fp8":
                errors.append(check_fp8(got[blocks, slots], value, fmt, out))
            else:
                errors.append(check_float(got[blocks, slots], value, dtype, out))
        else:
            _, before, rows, kind, value = ref
            mask = np.ones(before.shape[0], bool)
            mask[rows] = False
            if got.dtype != before.dtype or got.shape != before.shape:
                errors.append("%s: %s %s, expected %s %s" % (out, got.dtype, got.shape,
                                                             before.dtype, before.shape))
                continue
            if not np.array_equal(got[mask], before[mask]):
                errors.append("%s: rows outside [%d, %d) changed" % (out, rows.start, rows.stop))
            elif kind == "exact":
                if not np.array_equal(got[rows], value):
                    errors.append("%s: copied rows differ" % out)
            elif kind == "float":
                errors.append(check_float(got[rows], value, dtype, out))
            else:
                errors.append(check_fp8(got[rows], value, fmt, out))
    return [e for e in errors if e]


def gpu_tiled_form(rope_opt, case, name):
    """The GPU pipeline's tiled form of `case` (gpu_tiled.py), or None."""
    out = case[:-len(".mlir")] + "-gpu-tiled.mlir"
    error = gpu_tiled.form(rope_opt, case, out)
    if error:
        print("FAIL %s: %s" % (name, error))
        return None
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-run", default="")
    ap.add_argument("--tmp", default="")
    ap.add_argument("--emit-ir", action="store_true")
    ap.add_argument("--fmt", default="f8E4M3FN", choices=sorted(g.FP8))
    ap.add_argument("--interleaved", action="store_true",
                    help="interleaved pairing instead of half")
    ap.add_argument("--dynamic", action="store_true",
                    help="the token count dynamic (tensor<?x...>)")
    ap.add_argument("--torch-pow", action="store_true",
                    help="the norm's squares as math.fpowi (torch-mlir's pow(x, 2))")
    ap.add_argument("--torch-powf", action="store_true",
                    help="the norm's squares as math.powf / linalg.powf by 2.0")
    ap.add_argument("--keepdim", action="store_true",
                    help="the norm's row sums as tensor<T x H x 1> read at (t, h, 0)")
    ap.add_argument("--named-norm", action="store_true",
                    help="the norm in named ops (linalg.map/mul/reduce/broadcast)")
    ap.add_argument("--return-rotated-k", action="store_true",
                    help="the rotated k returned as well as quantized (fp8 graphs)")
    ap.add_argument("--scale-operand", action="store_true",
                    help="the fp8 scale as a tensor<1xf32> operand read at (0)")
    ap.add_argument("--dps-copy", action="store_true",
                    help="cache insertions as extract_slice + linalg.copy + insert_slice")
    ap.add_argument("--bad", default="", choices=["", "offset", "block-id"],
                    help="inputs out of bounds: the cache offset one row past "
                    "the end (for a paged cache, past the block table), or a block id "
                    "past the cache; rope-run must stop with a message")
    ap.add_argument("--gpu-tiled", default="", metavar="ROPE_OPT",
                    help="run the GPU pipeline's tiled form (rope-gpu-tiled-stage "
                    "by this rope-opt) on the CPU instead of the graph itself")
    ap.add_argument("graph", choices=g.GRAPHS)
    ap.add_argument("dtype", choices=["f32", "bf16"])
    ap.add_argument("options", nargs="?", default="")
    a = ap.parse_args()
    text = g.ir(a.graph, T, HQ, HK, D, P, a.dtype, a.fmt, named_norm=a.named_norm)
    if a.return_rotated_k:
        text = g.return_rotated_k(text, T, HK, D, a.dtype)
    if a.dynamic:
        text = g.dynamic_tokens(text, T)
    if a.interleaved:
        text = g.interleaved(text)
    if a.torch_pow:
        text = g.torch_pow(text)
    if a.torch_powf:
        text = g.torch_powf(text)
    if a.keepdim:
        text = g.keepdim(text)
    if a.scale_operand:
        text = g.scale_operand(text)
    if a.dps_copy:
        text = g.dps_copy(text)
    if a.emit_ir:
        print(text)
        return 0
    name = "%s-%s%s%s%s" % (a.graph, a.dtype, "-" + a.fmt if a.graph in ("fp8", "fp8-token", "chain", "paged-fp8") else "",
                            ("-dynamic" if a.dynamic else "") +
                            ("-interleaved" if a.interleaved else "") +
                            ("-torch-pow" if a.torch_pow else "") +
                            ("-named-norm" if a.named_norm else "") +
                            ("-torch-powf" if a.torch_powf else "") +
                            ("-return-rk" if a.return_rotated_k else "") +
                            ("-keepdim" if a.keepdim else "") +
                            ("-scale-operand" if a.scale_operand else "") +
                            ("-dps-copy" if a.dps_copy else "") +
                            ("-bad-" + a.bad if a.bad else ""),
                            "-" + a.options if a.options else "") + (
                                "-gpu-tiled" if a.gpu_tiled else "")
    tmp = os.path.join(a.tmp, name.replace(" ", "_").replace("=", "_"))
    os.makedirs(tmp, exist_ok=True)
    ins, off = g.inputs(a.graph, T, HQ, HK, D, P, a.dtype, a.fmt,
                        off=P - T + 1 if a.bad == "offset" else None)
    if a.bad == "block-id":
        table = dict(ins)["table"]
        table[off // g.BLOCK] = 2 * len(table) + 7  # the first token's block
    case = os.path.join(tmp, "case.mlir")
    with open(case, "w") as f:
        f.write(text)
    if a.gpu_tiled:
        case = gpu_tiled_form(a.gpu_tiled, case, name)
        if case is None:
            return 1
    in_paths = [os.path.join(tmp, n + ".npy") for n, _ in ins]
    for p, (_, arr) in zip(in_paths, ins):
        np.save(p, arr)
    out_paths = [os.path.join(tmp, "out_" + n + ".npy") for n in
                 g.outputs(a.graph) + (("rk",) if a.return_rotated_k else ())]
    cmd = [a.rope_run, case, "-i", ",".join(in_paths), "-o", ",".join(out_paths)]
    if a.options:
        cmd.append("--cpu-pipeline-options=" + a.options)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if a.bad:
        # Stopped by a check naming what is out of bounds, not by a crash.
        said = (proc.stdout + proc.stderr).strip()
        stopped = proc.returncode == 1 and ("is outside" in said or "puts it outside" in said)
        print("%s %s: %s" % ("REJECTED" if stopped else "FAIL", name,
                             said.splitlines()[0] if said else "exit %d" % proc.returncode))
        return 0 if stopped else 1
    if proc.returncode != 0:
        print("FAIL %s: rope-run exited %d: %s" % (name, proc.returncode, proc.stderr.strip()[:2000]))
        return 1
    errors = compare(a.graph, [np.load(p) for p in out_paths], ins, a.dtype, a.fmt, off,
                     "interleaved" if a.interleaved else "half", a.return_rotated_k)
    if errors:
        print("FAIL %s: %s" % (name, "; ".join(errors)))
        return 1
    print("PASS %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
