"""Storage-type helpers shared by the test drivers (numpy only)."""
import numpy as np


def f32_to_bf16_bits(a):
    """Round-to-nearest-even float32 -> bfloat16, as uint16 bit patterns."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    u = a.view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    # NaN stays a (quiet) NaN: rounding could carry into the sign bit.
    rounded = np.where(np.isnan(a), (u >> 16) | 0x40, rounded)
    return rounded.astype(np.uint16)


def bf16_bits_to_f64(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)


def to_storage(a64, dtype):
    """float64 array -> array stored in `dtype` ('f32', 'f16', 'bf16')."""
    if dtype == "f32":
        return a64.astype(np.float32)
    if dtype == "f16":
        return a64.astype(np.float16)
    if dtype == "bf16":
        return f32_to_bf16_bits(a64.astype(np.float32))
    raise ValueError(dtype)


def from_storage(a, dtype):
    if dtype == "bf16":
        return bf16_bits_to_f64(a)
    return a.astype(np.float64)


def ulp(a64, dtype):
    """Spacing of `dtype` numbers at the magnitude of each element."""
    mag = np.abs(a64)
    if dtype == "f16":
        return np.spacing(mag.astype(np.float16)).astype(np.float64)
    if dtype == "bf16":
        exp = np.floor(np.log2(np.maximum(mag, 2.0 ** -126)))
        return 2.0 ** (exp - 7)
    return np.spacing(mag.astype(np.float32)).astype(np.float64)
