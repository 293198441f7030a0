"""Checks scripts/hf-config-to-rope.py on a model's config.json against the
hand-written example of the same model: both are canonicalized by rope-opt
(frequencies folded to #rope.inv_freqs in float64) and their rope.rotate
ops, printed with generic value names, must be identical: pairing, layout,
types, positions, every frequency, attention factor, rotary_dim, mrope.

Usage: hf_config_check.py --rope-opt PATH --script PATH CONFIG EXAMPLE [ARGS...]
(ARGS go to the converter). Prints 'PASS ...' (exit 0) or 'FAIL ...' (exit 1).

       hf_config_check.py derive CONFIG [PATH=JSON | PATH~]...
prints CONFIG with each dotted PATH (`rope_scaling.factor`) set to the JSON
text after '=' (kept verbatim: `1e400`, `NaN`, `16.9`; a number indexes a
list, objects on the way are created) or, with '~', removed: the malformed configs of the error tests,
each one field away from a real one.
"""
import argparse
import json
import os
import subprocess
import sys


def rotate_op(rope_opt, text, what):
    proc = subprocess.run([rope_opt, "-canonicalize", "-"], input=text,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s does not verify: %s" % (what, proc.stderr[:2000]))
    lines = [l.strip() for l in proc.stdout.splitlines() if "rope.rotate" in l]
    if len(lines) != 1:
        raise RuntimeError("%s: expected one rope.rotate, got %d" % (what, len(lines)))
    return lines[0]


def derive(argv):
    if not argv:
        print("usage: hf_config_check.py derive CONFIG [PATH=JSON | PATH~]...",
              file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        cfg = json.load(f)
    raw = {}
    for edit in argv[1:]:
        path, sep, text = edit.partition("=")
        remove = not sep and path.endswith("~")
        if not sep and not remove:
            print("derive: %r is neither PATH=JSON nor PATH~" % edit,
                  file=sys.stderr)
            return 2
        keys = (path[:-1] if remove else path).split(".")
        node = cfg
        for key in keys[:-1]:
            if isinstance(node, list):
                node = node[int(key)]
                continue
            if not isinstance(node.get(key), (dict, list)):
                node[key] = {}
            node = node[key]
        last = int(keys[-1]) if isinstance(node, list) else keys[-1]
        if remove:
            node.pop(last) if isinstance(node, list) else node.pop(last, None)
            continue
        json.loads(text)  # the test's own JSON must be well formed
        placeholder = "@@raw%d@@" % len(raw)
        raw[json.dumps(placeholder)] = text
        node[last] = placeholder
    out = json.dumps(cfg, indent=1)
    for placeholder, text in raw.items():
        out = out.replace(placeholder, text)
    print(out)
    return 0


def main():
    if sys.argv[1:2] == ["derive"]:
        return derive(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--rope-opt", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("config")
    ap.add_argument("example")
    a, a.args = ap.parse_known_args()
    name = os.path.basename(a.config)
    gen = subprocess.run([sys.executable, a.script, a.config] + a.args,
                         capture_output=True, text=True)
    if gen.returncode != 0:
        print("FAIL %s: converter exited %d: %s" % (name, gen.returncode, gen.stderr))
        return 1
    try:
        got = rotate_op(a.rope_opt, gen.stdout, "generated IR")
        with open(a.example) as f:
            want = rotate_op(a.rope_opt, f.read(), a.example)
    except RuntimeError as e:
        print("FAIL %s: %s" % (name, e))
        return 1
    if got != want:
        print("FAIL %s: generated\n  %s\nexample\n  %s" % (name, got, want))
        return 1
    print("PASS %s: same rope.rotate as %s" % (name, os.path.basename(a.example)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
