#!/usr/bin/env python3
"""Rope IR of a model's query/key rotation from its Hugging Face config.json.

    hf-config-to-rope.py config.json [--name NAME] [--layout thd|bshd|bhsd]
                         [--dtype bf16|f16|f32] [--positions explicit|offset]
                         [--longrope-factors dynamic|short|long]

Reads the rope fields (rope_theta, rope_scaling with every rope_type:
default, linear, dynamic, yarn, longrope/su, llama3, mrope;
partial_rotary_factor / rotary_pct, head_dim, num_attention_heads,
num_key_value_heads, max_position_embeddings and
original_max_position_embeddings) and prints a func.func that rotates q and
k with one rope.rotate. Each parameter's HF name is listed beside ours in the
attribute docs (docs/generated/Dialects/RopeDialect.md). A field it cannot map (an
unknown rope_type, a missing required parameter, inconsistent sizes) is an
error naming it, exit status 1. Python standard library only.
"""
import argparse
import json
import re
import sys


class ConfigError(Exception):
    pass


def num(v):
    """An MLIR float literal of v."""
    r = repr(float(v))
    return r if ("." in r or "e" in r or "inf" in r or "nan" in r) else r + ".0"


def need(d, key, where):
    if key not in d or d[key] is None:
        raise ConfigError("%s: missing '%s'" % (where, key))
    return d[key]


def geometry(cfg):
    """(q heads, k heads, head_dim D, rotary_dim R, pairing)."""
    model = cfg.get("model_type", "")
    hq = int(need(cfg, "num_attention_heads", "config"))
    if model in ("deepseek_v2", "deepseek_v3"):
        # MLA: the decoupled rope part of each query head and one shared key
        # head; the reference code pairs adjacent elements.
        d = int(need(cfg, "qk_rope_head_dim", "config (%s)" % model))
        return hq, 1, d, d, "interleaved"
    hk = int(cfg.get("num_key_value_heads") or hq)
    if cfg.get("head_dim"):
        d = int(cfg["head_dim"])
    else:
        hidden = int(need(cfg, "hidden_size", "config (no head_dim)"))
        if hidden % hq:
            raise ConfigError("config: hidden_size %d is not a multiple of "
                              "num_attention_heads %d" % (hidden, hq))
        d = hidden // hq
    frac = cfg.get("partial_rotary_factor", cfg.get("rotary_pct", 1.0))
    r = int(d * float(frac))
    if r <= 0 or r > d or r % 2:
        raise ConfigError("config: partial_rotary_factor %s gives rotary_dim "
                          "%d for head_dim %d (must be even, in (0, D])"
                          % (frac, r, d))
    return hq, hk, d, r, "half"


def frequencies(cfg, r, longrope_factors):
    """(the #rope.* attribute, mrope_section or None)."""
    base = float(cfg.get("rope_theta", cfg.get("rotary_emb_base", 10000.0)))
    scaling = cfg.get("rope_scaling") or {}
    kind = scaling.get("rope_type", scaling.get("type", "default"))
    where = "rope_scaling (%s)" % kind
    attn = scaling.get("attention_factor")
    extra = ", attention_factor = %s" % num(attn) if attn is not None else ""
    max_pos = cfg.get("max_position_embeddings")
    mrope = scaling.get("mrope_section")
    if kind == "mrope":
        kind = "default"
    if mrope is not None:
        mrope = [int(v) for v in mrope]
        if sum(mrope) != r // 2 or len(mrope) != 3:
            raise ConfigError("%s: mrope_section %s must be 3 sections "
                              "summing to rotary_dim / 2 = %d"
                              % (where, mrope, r // 2))
    if kind == "default":
        return "#rope.default<base = %s%s>" % (num(base), extra), mrope
    factor = float(need(scaling, "factor", where)) if kind in (
        "linear", "dynamic", "yarn", "llama3") else None
    if kind == "linear":
        return ("#rope.linear<base = %s, factor = %s%s>"
                % (num(base), num(factor), extra)), mrope
    if kind == "dynamic":
        l0 = int(need(cfg, "max_position_embeddings", "config (dynamic)"))
        return ("#rope.dynamic_ntk<base = %s, factor = %s, "
                "original_max_position = %d%s>"
                % (num(base), num(factor), l0, extra)), mrope
    if kind == "yarn":
        l0 = scaling.get("original_max_position_embeddings") or max_pos
        if l0 is None:
            raise ConfigError("%s: missing 'original_max_position_embeddings' "
                              "and 'max_position_embeddings'" % where)
        parts = ["base = %s" % num(base), "factor = %s" % num(factor),
                 "original_max_position = %d" % int(l0),
                 "beta_fast = %s" % num(scaling.get("beta_fast", 32.0)),
                 "beta_slow = %s" % num(scaling.get("beta_slow", 1.0))]
        for key in ("mscale", "mscale_all_dim"):
            if scaling.get(key) is not None:
                parts.append("%s = %s" % (key, num(scaling[key])))
        if attn is not None:
            parts.append("attention_factor = %s" % num(attn))
        if scaling.get("truncate") is not None:
            parts.append("truncate = %s" % ("true" if scaling["truncate"]
                                            else "false"))
        return "#rope.yarn<%s>" % ", ".join(parts), mrope
    if kind in ("longrope", "su"):
        l0 = (scaling.get("original_max_position_embeddings")
              or cfg.get("original_max_position_embeddings"))
        if l0 is None:
            raise ConfigError("%s: missing 'original_max_position_embeddings'"
                              % where)
        if max_pos is None:
            raise ConfigError("config (longrope): missing "
                              "'max_position_embeddings'")
        lists = {}
        for key in ("short_factor", "long_factor"):
            values = need(scaling, key, where)
            if len(values) != r // 2:
                raise ConfigError("%s: %s has %d values, expected rotary_dim "
                                  "/ 2 = %d" % (where, key, len(values), r // 2))
            lists[key] = "[%s]" % ", ".join(num(v) for v in values)
        sel = "" if longrope_factors == "dynamic" else ", factors = %s" % longrope_factors
        return ("#rope.longrope<base = %s, original_max_position = %d, "
                "max_position = %d, short_factor = %s, long_factor = %s%s%s>"
                % (num(base), int(l0), int(max_pos), lists["short_factor"],
                   lists["long_factor"], sel, extra)), mrope
    if kind == "llama3":
        parts = ["base = %s" % num(base), "factor = %s" % num(factor),
                 "low_freq_factor = %s" % num(need(scaling, "low_freq_factor", where)),
                 "high_freq_factor = %s" % num(need(scaling, "high_freq_factor", where)),
                 "original_max_position = %d"
                 % int(need(scaling, "original_max_position_embeddings", where))]
        return "#rope.llama3<%s%s>" % (", ".join(parts), extra), mrope
    raise ConfigError("rope_scaling: unknown rope_type '%s' (expected default, "
                      "linear, dynamic, yarn, longrope, su, llama3 or mrope)"
                      % kind)


DTYPES = {"bfloat16": "bf16", "float16": "f16", "float32": "f32"}


def tensor(layout, heads, d, dt):
    shape = {"thd": "?x%dx%d", "bshd": "?x?x%dx%d", "bhsd": "?x%dx?x%d"}[layout]
    return "tensor<%sx%s>" % (shape % (heads, d), dt)


def build(cfg, name, layout, dtype, positions, longrope_factors):
    hq, hk, d, r, pairing = geometry(cfg)
    freqs, mrope = frequencies(cfg, r, longrope_factors)
    dt = dtype or DTYPES.get(cfg.get("torch_dtype", "bfloat16"), "bf16")
    tq, tk = tensor(layout, hq, d, dt), tensor(layout, hk, d, dt)
    token_rank = 1 if layout == "thd" else 2
    tokens = "x".join(["?"] * token_rank)
    if mrope is not None and positions == "offset":
        raise ConfigError("mrope needs explicit positions ([3, tokens])")
    if positions == "offset":
        parg, pclause = "%offset: index", "offset(%offset)"
    else:
        pt = "tensor<%s%sxi64>" % ("3x" if mrope is not None else "", tokens)
        parg, pclause = "%pos: " + pt, "positions(%%pos : %s)" % pt
    lines = [
        "// Generated by scripts/hf-config-to-rope.py from a Hugging Face config",
        "// (model_type %s): %d query and %d key heads, head_dim %d, rotary_dim %d."
        % (cfg.get("model_type", "?"), hq, hk, d, r),
        "func.func @%s(%%q: %s, %%k: %s, %s) -> (%s, %s) {" % (name, tq, tk, parg, tq, tk),
        "  %%q1, %%k1 = rope.rotate %s %s ins(%%q, %%k : %s, %s) outs(%%q, %%k : %s, %s)"
        % (pairing, layout, tq, tk, tq, tk),
        "      %s freqs(%s)" % (pclause, freqs),
    ]
    if r != d:
        lines.append("      rotary_dim = %d" % r)
    if mrope is not None:
        lines.append("      mrope_section = [%s]" % ", ".join(str(v) for v in mrope))
    lines += ["  return %%q1, %%k1 : %s, %s" % (tq, tk), "}"]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("config")
    ap.add_argument("--name", default=None)
    ap.add_argument("--layout", choices=["thd", "bshd", "bhsd"], default="thd")
    ap.add_argument("--dtype", choices=["bf16", "f16", "f32"], default=None)
    ap.add_argument("--positions", choices=["explicit", "offset"], default="explicit")
    ap.add_argument("--longrope-factors", choices=["dynamic", "short", "long"],
                    default="dynamic")
    a = ap.parse_args()
    try:
        with open(a.config) as f:
            cfg = json.load(f)
    except (OSError, ValueError) as e:
        print("hf-config-to-rope: %s: %s" % (a.config, e), file=sys.stderr)
        return 1
    if not isinstance(cfg, dict):
        print("hf-config-to-rope: %s: not a JSON object" % a.config, file=sys.stderr)
        return 1
    name = a.name or re.sub(r"\W", "_", cfg.get("model_type", "model")) + "_qk"
    try:
        sys.stdout.write(build(cfg, name, a.layout, a.dtype, a.positions,
                               a.longrope_factors))
    except (ConfigError, TypeError, ValueError) as e:
        print("hf-config-to-rope: %s: %s" % (a.config, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
