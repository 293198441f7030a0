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


def with_header(name, header):
    """A version 1.0 file with the given header dict text and no data."""
    text = header.encode() + b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
    open(os.path.join(out, name), "wb").write(
        b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text)


# A shape whose element count overflows 64 bits, and one hidden in a string.
with_header("x_overflow.npy",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2305843009213693952, 2, 8), }")
with_header("x_shape_in_string.npy",
            "{'descr': '<f4', 'fortran_order': False, 'x': \"'shape': (3, 2, 8)\", 'shape': (0, 2, 8), }")
with_header("x_bad_dim.npy",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, -2, 8), }")
# Found by rope-fuzz-npy: an empty array (a zero dim) whose other dims
# overflow their product.
with_header("x_zero_overflow.npy",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 2, 0, 42, 8), }")
