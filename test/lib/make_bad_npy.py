"""Writes valid and malformed .npy files for rope-run's error tests."""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
x = np.ones((3, 2, 8), dtype=np.float32)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "pos.npy"), np.arange(3, dtype=np.int64))
np.save(os.path.join(out, "pos2.npy"), np.arange(2, dtype=np.int64))
np.save(os.path.join(out, "x_f64.npy"), x.astype(np.float64))
np.save(os.path.join(out, "x_rank2.npy"), np.ones((3, 16), dtype=np.float32))
np.save(os.path.join(out, "x_heads3.npy"), np.ones((3, 3, 8), dtype=np.float32))
np.save(os.path.join(out, "x_fortran.npy"), np.asfortranarray(x))
np.save(os.path.join(out, "x_bigendian.npy"), x.astype(">f4"))
raw = open(os.path.join(out, "x.npy"), "rb").read()
open(os.path.join(out, "x_truncated.npy"), "wb").write(raw[:-10])
open(os.path.join(out, "x_trailing.npy"), "wb").write(raw + b"\0\0\0\0")
open(os.path.join(out, "x_badmagic.npy"), "wb").write(b"NOTNUMPY" + raw[8:])
open(os.path.join(out, "x_header.npy"), "wb").write(raw[:10] + b"garbage" + raw[17:])
open(os.path.join(out, "empty.npy"), "wb").write(b"")
