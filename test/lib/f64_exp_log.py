"""rope-gpu-f64-exp-log's exp and log (rope/Utils/ExpLog.h), run on the CPU
through rope-run, against numpy's (libm) in ulps: random and edge
arguments, special values. Prints PASS/FAIL lines.

    f64_exp_log.py --rope-opt PATH --rope-run PATH --tmp DIR
"""
import argparse
import os
import subprocess
import sys

import numpy as np

IR = """#id = affine_map<(i) -> (i)>
func.func @main(%x: tensor<{n}xf64>, %y: tensor<{n}xf64>) -> (tensor<{n}xf64>, tensor<{n}xf64>) {{
  %e0 = tensor.empty() : tensor<{n}xf64>
  %e = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel"]}}
      ins(%x : tensor<{n}xf64>) outs(%e0 : tensor<{n}xf64>) {{
  ^bb0(%a: f64, %o: f64):
    %r = math.exp %a : f64
    linalg.yield %r : f64
  }} -> tensor<{n}xf64>
  %l0 = tensor.empty() : tensor<{n}xf64>
  %l = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel"]}}
      ins(%y : tensor<{n}xf64>) outs(%l0 : tensor<{n}xf64>) {{
  ^bb0(%a: f64, %o: f64):
    %r = math.log %a : f64
    linalg.yield %r : f64
  }} -> tensor<{n}xf64>
  return %e, %l : tensor<{n}xf64>, tensor<{n}xf64>
}}
"""


def ulps(got, want):
    """|got - want| in units of the last place of want (0 where equal,
    including infinities; inf where one is NaN and the other not)."""
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    spacing = np.spacing(np.abs(np.where(np.isfinite(want), want, 1.0)))
    with np.errstate(invalid="ignore"):
        d = np.abs(got - want) / spacing
    return np.where(same, 0.0, np.where(np.isfinite(d), d, np.inf))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-opt", required=True)
    ap.add_argument("--rope-run", required=True)
    ap.add_argument("--tmp", required=True)
    a = ap.parse_args()
    rng = np.random.default_rng(7)
    n = 1 << 16
    special = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 709.78, 709.79,
               -745.13, -745.14, -708.4, -708.5, 1e-300, 5e-324, 2.2250738585072014e-308,
               0.5, 2.0, np.sqrt(2.0), np.nextafter(np.sqrt(2.0), 3), 1e300, np.finfo(np.float64).max]
    x = np.concatenate([rng.uniform(-745, 710, n - 2 * len(special)),
                        rng.uniform(-1, 1, len(special)), special])
    y = np.concatenate([np.exp(rng.uniform(-744, 709, n - 2 * len(special))),
                        rng.uniform(0, 4, len(special)), special])
    assert x.size == n and y.size == n
    os.makedirs(a.tmp, exist_ok=True)
    case = os.path.join(a.tmp, "case.mlir")
    with open(case, "w") as f:
        f.write(IR.format(n=n))
    expanded = os.path.join(a.tmp, "expanded.mlir")
    proc = subprocess.run([a.rope_opt, case, "--rope-gpu-f64-exp-log", "-o", expanded],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print("FAIL rope-gpu-f64-exp-log: %s" % proc.stderr)
        return 1
    if "math.exp" in open(expanded).read() or "math.log" in open(expanded).read():
        print("FAIL: math.exp/math.log left after rope-gpu-f64-exp-log")
        return 1
    paths = [os.path.join(a.tmp, p) for p in ("x.npy", "y.npy", "e.npy", "l.npy")]
    np.save(paths[0], x)
    np.save(paths[1], y)
    proc = subprocess.run([a.rope_run, expanded, "-i", ",".join(paths[:2]),
                           "-o", ",".join(paths[2:])], capture_output=True, text=True)
    if proc.returncode != 0:
        print("FAIL rope-run: %s" % proc.stderr)
        return 1
    with np.errstate(all="ignore"):
        want_e, want_l = np.exp(x), np.log(y)
    failed = 0
    for name, got, want, arg in (("exp", np.load(paths[2]), want_e, x),
                                 ("log", np.load(paths[3]), want_l, y)):
        u = ulps(got, want)
        worst = int(np.argmax(u))
        # Subnormal results of exp lose bits to the scaling (libm rounds
        # them once): judged in absolute terms there.
        tiny = np.abs(want) < 2.2250738585072014e-308
        with np.errstate(invalid="ignore"):
            ok = (u <= 4) | (tiny & (np.abs(got - want) <= 4 * 5e-324))
        status = "PASS" if ok.all() else "FAIL"
        failed += status == "FAIL"
        print("%s %s: max %.2f ulp over %d arguments (worst at %r: %r, libm %r)" % (
            status, name, float(np.max(np.where(tiny, 0, u))), n, float(arg[worst]),
            float(got[worst]), float(want[worst])))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
