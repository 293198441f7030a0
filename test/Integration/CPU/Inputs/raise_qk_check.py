"""Checker of raise-qk.test: x * cos + cat(-x2, x1) * sin in float64."""
import sys

import numpy as np

d = sys.argv[1]
load = lambda n: np.load("%s/%s.npy" % (d, n)).astype(np.float64)
c, s = load("c")[:, None, :], load("s")[:, None, :]
for tag, suffix in (("raised", "1"), ("unraised", "0")):
    for name in ("q", "k"):
        x = load(name)
        want = x * c + np.concatenate([-x[..., 32:], x[..., :32]], -1) * s
        err = np.abs(load(name + suffix) - want).max()
        # f32: two products and a sum of values below 1.
        print(tag, name, "PASS" if err <= 4e-7 else "FAIL %g" % err)
