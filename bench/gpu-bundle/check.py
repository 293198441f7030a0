"""The bundle's float64 reference check: for each case of cases.txt, the
outputs in OUTDIR/NAME/y<k>.npy against the float64 numpy reference of
rope_exec.py (the same check and limits as the CPU execution tests).

    check.py BUNDLE_DIR OUTDIR

The inputs are regenerated from each case's spec (specs.txt, seeded) and
must equal the bundle's files. Specs 'fused GRAPH DTYPE FMT' (rope with its
neighbours, test/lib/fused_graphs.py) are checked as the CPU test checks
them (fused_neighbours.compare), caches updated in place read back from
u<k>.npy. Specs 'properties DTYPE CONFIG' are checked
by rope_properties.py instead: pair norms kept, scores invariant under
shifts up to 2^30, q_m.k_n = q.R(n-m)k (the CPU tests' limits). Prints
PASS/FAIL per case (the accuracy sweep by position range too); exit 1 if any
case fails or lacks outputs.
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fused_neighbours  # noqa: E402
import rope_exec  # noqa: E402
import rope_properties  # noqa: E402
import npy_util as nu  # noqa: E402


def check_fused(bundle, outdir, name, spec, args, paths):
    graph, dtype, fmt = spec
    ins = [(os.path.basename(a[2:])[2:-4], np.load(os.path.join(bundle, a[2:])))
           for a in args if a[0] in "tu"]
    updated = [os.path.join(outdir, name, "u%d.npy" % k)
               for k in range(sum(1 for a in args if a[0] == "u"))]
    missing = [p for p in paths + updated if not os.path.exists(p)]
    if missing:
        return False, "no output %s" % missing[0]
    fresh, caches = iter(paths), iter(updated)
    outs = [np.load(next(caches) if o in ("kc2", "vc2") else next(fresh))
            for o in fused_neighbours.g.outputs(graph)]
    off = int(dict(ins)["pos"][0])
    errors = fused_neighbours.compare(graph, outs, ins, dtype, fmt, off)
    return not errors, "; ".join(errors) or "outputs within the CPU test's limits"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    bundle, outdir = sys.argv[1], sys.argv[2]
    specs = {}
    with open(os.path.join(bundle, "specs.txt")) as f:
        for line in f:
            if line.strip():
                name, spec = line.split(None, 1)
                specs[name] = spec.split()
    failed = 0
    with open(os.path.join(bundle, "cases.txt")) as f:
        lines = [l.split() for l in f if l.strip() and not l.startswith("#")]
    for name, _, nout, *args in lines:
        paths = [os.path.join(outdir, name, "y%d.npy" % k) for k in range(int(nout))]
        if specs[name][0] == "fused":
            ok, detail = check_fused(bundle, outdir, name, specs[name][1:], args, paths)
            print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail))
            failed += 0 if ok else 1
            continue
        if specs[name][0] == "properties":
            missing = [p for p in paths if not os.path.exists(p)]
            if missing:
                ok, detail = False, "no output %s" % missing[0]
            else:
                ok, detail = rope_properties.check_bundle_case(
                    specs[name], [os.path.join(bundle, a[2:]) for a in args], paths)
            print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail))
            failed += 0 if ok else 1
            continue
        case = rope_exec.Case(specs[name])
        with tempfile.TemporaryDirectory() as tmp:
            data, files = case.build(tmp)
            for a, regenerated in zip(args, files):
                shipped = np.load(os.path.join(bundle, a[2:]))
                if not np.array_equal(shipped, np.load(regenerated)):
                    print("FAIL %s: input %s differs from its spec's" % (name, a[2:]))
                    failed += 1
                    break
            else:
                missing = [p for p in paths if not os.path.exists(p)]
                if missing:
                    print("FAIL %s: no output %s" % (name, missing[0]))
                    failed += 1
                    continue
                outs = [np.load(p) for p in paths]
                if case.s["roundtrip"] == "1":
                    expected = [nu.from_storage(x, case.dtype) for x in data["xs"]]
                else:
                    with np.errstate(invalid="ignore"):
                        expected = case.reference(data)
                if case.s["report"] == "1":
                    rope_exec.report_by_position(case, data, outs, expected)
                ok, detail = rope_exec.compare(case, data, outs, expected)
                print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail))
                failed += 0 if ok else 1
    print("%d of %d cases failed" % (failed, len(lines)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
