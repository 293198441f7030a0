"""Writes the ONNX model ort_bench.py times: Llama-3-8B q and k rotated by
ONNX Runtime's CPU RotaryEmbedding (com.microsoft), half pairing, f32,
cos/sin caches as initializers (the peer is given its tables, as in the
issue's figures). Usage: make_model.py OUT.onnx TOKENS"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HQ, HK, D = 32, 8, 128


def llama3_inv_freq():
    # Llama 3.1: base 500000, factor 8, low/high 1/4, original 8192.
    inv = 1.0 / 500000.0 ** (np.arange(0, D, 2, dtype=np.float64) / D)
    low_wl, high_wl = 8192 / 1.0, 8192 / 4.0
    wl = 2 * np.pi / inv
    smooth = (8192 / wl - 1.0) / (4.0 - 1.0)
    out = np.where(wl < high_wl, inv,
                   np.where(wl > low_wl, inv / 8.0,
                            (1 - smooth) * inv / 8.0 + smooth * inv))
    return out


def main():
    path, tokens = sys.argv[1], int(sys.argv[2])
    ang = np.arange(tokens, dtype=np.float64)[:, None] * llama3_inv_freq()[None, :]
    cos = numpy_helper.from_array(np.cos(ang).astype(np.float32), "cos")
    sin = numpy_helper.from_array(np.sin(ang).astype(np.float32), "sin")
    nodes = [
        helper.make_node("RotaryEmbedding", ["q", "pos", "cos", "sin"], ["q_out"],
                         domain="com.microsoft", interleaved=0, num_heads=HQ),
        helper.make_node("RotaryEmbedding", ["k", "pos", "cos", "sin"], ["k_out"],
                         domain="com.microsoft", interleaved=0, num_heads=HK),
    ]
    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    graph = helper.make_graph(
        nodes, "llama3_qk",
        [helper.make_tensor_value_info("q", f32, [1, tokens, HQ * D]),
         helper.make_tensor_value_info("k", f32, [1, tokens, HK * D]),
         helper.make_tensor_value_info("pos", i64, [1, tokens])],
        [helper.make_tensor_value_info("q_out", f32, [1, tokens, HQ * D]),
         helper.make_tensor_value_info("k_out", f32, [1, tokens, HK * D])],
        initializer=[cos, sin])
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    onnx.save(model, path)


if __name__ == "__main__":
    main()
