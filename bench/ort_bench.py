"""ONNX Runtime as a peer: its CPU RotaryEmbedding (com.microsoft, MLAS) on
the Llama-3-8B q+k f32 cases of bench/results/cpu.json, same thread count,
cos/sin caches given (bench/ort/make_model.py writes the models with
Debian's python3-onnx), kernel time from ORT's own profiler, summed over the
q and k nodes, median of 50 runs (bench/ort/run.js, Node's onnxruntime-node).
Adds ort_time_s and ratio_ort_over_kernel to the JSON. Skipped with a
message where node, onnxruntime-node or python3-onnx is missing; `make
bench` installs onnxruntime-node with `npm install --ignore-scripts` (its
install script fetches GPU binaries; the CPU library ships in the package).
Usage: ort_bench.py CPU_JSON [--ort-node DIR] [--tmp DIR] [--max-tokens N]"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def skip(why):
    print("ort_bench: %s; skipped" % why)
    sys.exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json")
    ap.add_argument("--ort-node", default="build/ort/node_modules/onnxruntime-node")
    ap.add_argument("--tmp", default="build/ort-bench")
    ap.add_argument("--max-tokens", type=int, default=4096,
                    help="larger cases need gigabytes in Node")
    a = ap.parse_args()
    node = shutil.which("node")
    if not node:
        skip("node not installed (apt-get install nodejs npm)")
    if not os.path.isdir(a.ort_node):
        skip("onnxruntime-node not found at %s (npm install --ignore-scripts "
             "--prefix build/ort onnxruntime-node)" % a.ort_node)
    import importlib.util
    if importlib.util.find_spec("onnx") is None:
        skip("python3-onnx not installed (apt-get install python3-onnx)")
    data = json.load(open(a.json))
    threads = data.get("threads", 2)
    os.makedirs(a.tmp, exist_ok=True)
    env = dict(os.environ, ROPE_ORT_NODE=os.path.abspath(a.ort_node))
    print("%-28s %12s %12s %9s" % ("case", "ort_us", "kernel_us", "speed-up"))
    for c in data["cases"]:
        if not c["name"].startswith("llama3-8b-qk-f32-") or c["tokens"] > a.max_tokens:
            continue
        t = c["tokens"]
        model = os.path.join(a.tmp, "llama3-qk-%d.onnx" % t)
        subprocess.run([sys.executable, os.path.join(HERE, "ort", "make_model.py"),
                        model, str(t)], check=True)
        p = subprocess.run([node, os.path.join(HERE, "ort", "run.js"), model, str(t),
                            str(threads), "50"], capture_output=True, text=True, env=env)
        if p.returncode != 0:
            print("ort_bench: %s: %s" % (c["name"], p.stderr.strip()[:500]))
            continue
        r = json.loads(p.stdout)
        if r["position0_max_abs_diff"] != 0:
            print("ort_bench: %s: position 0 is not the identity (%g); not recorded"
                  % (c["name"], r["position0_max_abs_diff"]))
            continue
        ort_s = r["median_us"] * 1e-6
        c["ort_time_s"] = ort_s
        c["ort_version"] = r["ort_version"]
        c["ratio_ort_over_kernel"] = ort_s / c["kernel_time_s"]
        print("%-28s %12.1f %12.1f %9.2f" % (c["name"], ort_s * 1e6,
                                            c["kernel_time_s"] * 1e6,
                                            ort_s / c["kernel_time_s"]))
    json.dump(data, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
