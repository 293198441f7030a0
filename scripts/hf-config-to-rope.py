#!/usr/bin/env python3
"""Rope IR of a model's query/key rotation from its Hugging Face config.json.

    hf-config-to-rope.py config.json [--name NAME] [--layout thd|bshd|bhsd]
                         [--dtype bf16|f16|f32] [--positions explicit|offset]
                         [--longrope-factors dynamic|short|long]
                         [--layer-type TYPE]

Reads the rope fields in either layout: transformers 4 (`rope_theta` and
`rope_scaling` at the top level) or transformers 5 (`rope_parameters`, which
holds `rope_theta` and the scaling parameters, possibly one dict per layer
type, chosen with --layer-type). Every rope_type: default, linear, dynamic,
yarn, longrope/su, llama3, mrope (contiguous sections, or interleaved with
`mrope_interleaved`, Qwen3-VL); partial_rotary_factor / rotary_pct,
head_dim, num_attention_heads, num_key_value_heads, max_position_embeddings,
original_max_position_embeddings, torch_dtype / dtype; a multimodal
config's `text_config` (Qwen3-VL). Prints a func.func
that rotates q and k with one rope.rotate. Each parameter's HF name is listed
beside ours in the attribute docs (docs/generated/Dialects/RopeDialect.md).

Every field is checked where it is read, against what the rope dialect's
verifiers accept: a field that is malformed, missing, out of range, given
twice with different values, or that cannot be mapped is an error

    error: <config>: <field path>: <what is wrong>, expected <what>

with exit status 1; what is printed verifies in rope-opt. Python standard
library only.
"""
import argparse
import json
import math
import re
import sys

# Limits of the rope dialect's verifiers (RopeOps.td, RopeAttrs.cpp).
MAX_HEAD_DIM = 65536          # RotateOp::kMaxHeadDim
MAX_INV_FREQ = 65536.0        # RotateOp::kMaxInverseFrequency
MAX_INT64 = 2 ** 63 - 1       # int64_t attribute parameters
MAX_HEADS = 2 ** 31 - 1       # a static tensor dimension, with margin

ROPE_TYPES = ("default", "linear", "dynamic", "yarn", "longrope", "su",
              "llama3", "mrope")
DTYPES = {"bfloat16": "bf16", "float16": "f16", "float32": "f32"}
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
C_KEYWORDS = frozenset("""
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    alignas alignof bool constexpr false nullptr static_assert thread_local
    true typeof typeof_unqual _Alignas _Alignof _Atomic _BitInt _Bool
    _Complex _Decimal128 _Decimal32 _Decimal64 _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local""".split())


class ConfigError(Exception):
    """A field that cannot be mapped: its path, what is wrong, what is
    expected."""

    def __init__(self, path, problem, expected=None):
        Exception.__init__(self, path, problem, expected)
        self.path, self.problem, self.expected = path, problem, expected

    def __str__(self):
        text = "%s: %s" % (self.path, self.problem)
        return text + (", expected %s" % self.expected if self.expected else "")


# ---- Typed readers ---------------------------------------------------------
# Each takes a JSON value and its field path; None means absent (or null).


def show(v):
    """A JSON value as the message quotes it."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int):
        return str(v) if abs(v) < 10 ** 30 else "an integer of %d digits" % len(str(abs(v)))
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return "a list of %d values" % len(v)
    return repr(v)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def as_float(v, path, expected):
    if not is_number(v):
        raise ConfigError(path, "%s is not a number" % show(v), expected)
    try:
        x = float(v)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        raise ConfigError(path, "%s is not finite" % show(v), expected)
    return x


def positive_float(v, path, what="a finite positive number"):
    x = as_float(v, path, what)
    if not x > 0.0:
        raise ConfigError(path, "%s is not positive" % show(v), what)
    return x


def nonnegative_float(v, path, what):
    x = as_float(v, path, what)
    if x < 0.0:
        raise ConfigError(path, "%s is negative" % show(v), what)
    return x


def integer(v, path, expected):
    """An integer, also written as an integral float (8192.0)."""
    if isinstance(v, float) and math.isfinite(v) and v == int(v):
        return int(v)
    if not isinstance(v, int) or isinstance(v, bool):
        problem = ("%s is not an integer" % show(v) if is_number(v)
                   else "%s is not a number" % show(v))
        raise ConfigError(path, problem, expected)
    return v


def positive_int(v, path, maximum=MAX_INT64):
    what = "a positive integer" + ("" if maximum == MAX_INT64
                                   else " of at most %d" % maximum)
    n = integer(v, path, what)
    if n <= 0:
        raise ConfigError(path, "%s is not positive" % show(v), what)
    if n > maximum:
        raise ConfigError(path, "%s is too large" % show(v), what)
    return n


def boolean(v, path):
    if not isinstance(v, bool):
        raise ConfigError(path, "%s is not a boolean" % show(v),
                          "JSON true or false")
    return v


def string(v, path, expected="a string"):
    if not isinstance(v, str):
        raise ConfigError(path, "%s is not a string" % show(v), expected)
    return v


def obj(v, path):
    """A JSON object or null (None)."""
    if v is not None and not isinstance(v, dict):
        raise ConfigError(path, "%s is not an object" % show(v),
                          "an object or null")
    return v


def int_list(v, path, expected):
    if not isinstance(v, list):
        raise ConfigError(path, "%s is not a list" % show(v), expected)
    out = []
    for i, x in enumerate(v):
        n = integer(x, "%s[%d]" % (path, i), expected)
        if n < 0:
            raise ConfigError("%s[%d]" % (path, i), "%d is negative" % n, expected)
        out.append(n)
    return out


def positive_float_list(v, path, length):
    expected = "a list of rotary_dim / 2 = %d finite positive numbers" % length
    if not isinstance(v, list):
        raise ConfigError(path, "%s is not a list" % show(v), expected)
    if len(v) != length:
        raise ConfigError(path, "has %d values" % len(v), expected)
    return [positive_float(x, "%s[%d]" % (path, i), expected)
            for i, x in enumerate(v)]


def equal(a, b):
    """JSON values equal as numbers (8 == 8.0), NaN equal to NaN, a boolean
    only to a boolean."""
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return a == b


class Fields:
    """Config fields by name, each with the path it was read from."""

    def __init__(self):
        self.items = {}

    def add(self, key, value, path):
        """Adds a field; one given twice must have the same value."""
        if value is None:
            return
        if key in self.items:
            old, old_path = self.items[key]
            if not equal(old, value):
                raise ConfigError(path, "%s disagrees with %s = %s"
                                  % (show(value), old_path, show(old)),
                                  "the same value in both places")
            return
        self.items[key] = (value, path)

    def get(self, key):
        """(value, path); value None when absent."""
        return self.items.get(key, (None, key))

    def __contains__(self, key):
        return key in self.items


def agree(sources, reader):
    """Reads every given (value, path) with `reader`; all must be equal.
    Returns (value, path) of the first, or (None, None)."""
    found = []
    for v, path in sources:
        if v is not None:
            found.append((reader(v, path), v, path))
    for x, v, path in found[1:]:
        if x != found[0][0]:
            raise ConfigError(path, "%s disagrees with %s = %s"
                              % (show(v), found[0][2], show(found[0][1])),
                              "the same value in both places")
    return (found[0][0], found[0][2]) if found else (None, None)


# ---- The config ------------------------------------------------------------


def rope_fields(cfg, layer_type):
    """The rope parameters of both layouts, merged: transformers 4's
    `rope_scaling` and transformers 5's `rope_parameters` (for a dict keyed
    by layer type, the entry of `layer_type`). `type` reads as `rope_type`;
    a parameter given in both with different values is an error."""
    old = obj(cfg.get("rope_scaling"), "rope_scaling")
    new = obj(cfg.get("rope_parameters"), "rope_parameters")
    layer_types = cfg.get("layer_types")
    if layer_types is not None:
        expected = "a list of layer type names"
        if not isinstance(layer_types, list):
            raise ConfigError("layer_types", "%s is not a list" % show(layer_types),
                              expected)
        for i, t in enumerate(layer_types):
            string(t, "layer_types[%d]" % i, expected)
    new_prefix = "rope_parameters."
    if new and any(isinstance(v, dict) for v in new.values()):
        # transformers 5, one dict per layer type (Gemma 3, ModernBERT, ...).
        for key, v in new.items():
            if not isinstance(v, dict):
                raise ConfigError("rope_parameters.%s" % key,
                                  "%s is not an object beside per-layer-type "
                                  "entries" % show(v),
                                  "one object per layer type")
            if layer_types is not None and key not in layer_types:
                raise ConfigError("rope_parameters.%s" % key,
                                  "'%s' is not in layer_types" % key,
                                  "one entry per layer type of layer_types")
        keys = ", ".join(sorted(new))
        if layer_type is None:
            raise ConfigError("rope_parameters",
                              "has one entry per layer type (%s)" % keys,
                              "--layer-type to choose one")
        if layer_type not in new:
            raise ConfigError("--layer-type", "'%s' is not a key of "
                              "rope_parameters" % layer_type, "one of " + keys)
        if old:
            raise ConfigError("rope_scaling", "given beside a per-layer-type "
                              "rope_parameters", "one layout only")
        new, new_prefix = new[layer_type], "rope_parameters.%s." % layer_type
    elif layer_type is not None and (layer_types is None
                                     or layer_type not in layer_types):
        raise ConfigError("--layer-type", "'%s': the config has one set of "
                          "rope parameters for every layer" % layer_type,
                          "no --layer-type, or one of layer_types")
    fields = Fields()
    for prefix, d in (("rope_scaling.", old), (new_prefix, new)):
        for key, v in (d or {}).items():
            fields.add("rope_type" if key == "type" else key, v, prefix + key)
    return fields


def geometry(cfg, rope):
    """(q heads, k heads, head_dim D, rotary_dim R, pairing)."""
    model = cfg.get("model_type")
    if cfg.get("num_attention_heads") is None:
        missing("num_attention_heads", "a positive integer")
    hq = positive_int(cfg["num_attention_heads"], "num_attention_heads",
                      MAX_HEADS)
    if model in ("deepseek_v2", "deepseek_v3"):
        # MLA: the decoupled rope part of each query head and one shared key
        # head; the reference code pairs adjacent elements.
        v = cfg.get("qk_rope_head_dim")
        if v is None:
            missing("qk_rope_head_dim", "a positive even integer (model_type %s)"
                    % model)
        d = positive_int(v, "qk_rope_head_dim", MAX_HEAD_DIM)
        if d % 2:
            raise ConfigError("qk_rope_head_dim", "%d is odd" % d,
                              "a positive even integer")
        frac, path = partial_factor(cfg, rope)
        if frac is not None and frac != 1.0:
            raise ConfigError(path, "%s with MLA (model_type %s)" % (frac, model),
                              "1 (the rope part is qk_rope_head_dim)")
        return hq, 1, d, d, "interleaved"
    v = cfg.get("num_key_value_heads")
    hk = hq if v is None else positive_int(v, "num_key_value_heads", MAX_HEADS)
    if hq % hk:
        raise ConfigError("num_key_value_heads", "%d does not divide "
                          "num_attention_heads %d" % (hk, hq),
                          "a divisor of num_attention_heads")
    if cfg.get("head_dim") is not None:
        d = positive_int(cfg["head_dim"], "head_dim", MAX_HEAD_DIM)
    else:
        v = cfg.get("hidden_size")
        if v is None:
            missing("hidden_size", "a positive integer (there is no head_dim)")
        hidden = positive_int(v, "hidden_size")
        if hidden % hq:
            raise ConfigError("hidden_size", "%d is not a multiple of "
                              "num_attention_heads %d" % (hidden, hq),
                              "a multiple (or a head_dim field)")
        d = hidden // hq
        if d > MAX_HEAD_DIM:
            raise ConfigError("hidden_size", "%d / num_attention_heads %d gives "
                              "head_dim %d" % (hidden, hq, d),
                              "a head_dim of at most %d" % MAX_HEAD_DIM)
    frac, path = partial_factor(cfg, rope)
    if frac is None:
        if d % 2:
            if cfg.get("head_dim") is not None:
                raise ConfigError("head_dim", "%d is odd" % d, "an even head_dim"
                                  " (rotary_dim = head_dim)")
            raise ConfigError("hidden_size", "%d / num_attention_heads %d gives "
                              "head_dim %d, which is odd" % (hidden, hq, d),
                              "an even head_dim (rotary_dim = head_dim)")
        return hq, hk, d, d, "half"
    r = int(d * frac)
    if r <= 0 or r % 2:
        raise ConfigError(path, "%s gives rotary_dim int(%d * %s) = %d"
                          % (show(frac), d, show(frac), r),
                          "a factor giving a positive even rotary_dim")
    return hq, hk, d, r, "half"


def missing(path, expected):
    raise ConfigError(path, "missing", expected)


def fraction(v, path):
    what = "a number in (0, 1]"
    x = as_float(v, path, what)
    if not 0.0 < x <= 1.0:
        raise ConfigError(path, "%s is out of range" % show(v), what)
    return x


def partial_factor(cfg, rope):
    """The rotary fraction of the head, from any of its fields."""
    return agree([rope.get("partial_rotary_factor"),
                  (cfg.get("partial_rotary_factor"), "partial_rotary_factor"),
                  (cfg.get("rotary_pct"), "rotary_pct")], fraction)


def base_frequencies(base, base_path, r):
    """f_i = base^(-2i/R), checked against rope-opt's limit |f| <= 65536."""
    freqs = []
    for i in range(r // 2):
        try:
            freqs.append(base ** (-2.0 * i / r))
        except OverflowError:
            freqs.append(math.inf)
    fmax = max(freqs)
    if fmax > MAX_INV_FREQ:
        raise ConfigError(base_path, "%s gives inverse frequencies up to %.6g "
                          "for rotary_dim %d" % (num(base), fmax, r),
                          "a base giving at most %g (rope-opt's limit)"
                          % MAX_INV_FREQ)
    return freqs


def divided_range(freqs, divisor, path):
    """Refuses a divisor of the frequencies (a scaling factor) that takes
    them above rope-opt's limit; `freqs` may be one value per divisor."""
    f = max(freqs) / divisor
    if f > MAX_INV_FREQ:
        raise ConfigError(path, "%s gives inverse frequencies up to %.6g"
                          % (num(divisor), f),
                          "a value giving at most %g (rope-opt's limit)"
                          % MAX_INV_FREQ)


def frequencies(cfg, rope, r, longrope_factors):
    """(the #rope.* attribute, mrope_section or None)."""
    base, base_path = agree([rope.get("rope_theta"),
                             (cfg.get("rope_theta"), "rope_theta"),
                             (cfg.get("rotary_emb_base"), "rotary_emb_base")],
                            positive_float)
    if base is None:
        base, base_path = 10000.0, "rope_theta"
    kind, kind_path = rope.get("rope_type")
    if kind is None:
        kind = "default"
    string(kind, kind_path, "one of " + ", ".join(ROPE_TYPES))
    if kind not in ROPE_TYPES:
        raise ConfigError(kind_path, "unknown rope_type '%s'" % kind,
                          "one of " + ", ".join(ROPE_TYPES))
    if kind == "su":
        kind = "longrope"

    def param(key, reader, required=False, *args):
        v, path = rope.get(key)
        if v is None:
            if required:
                raise ConfigError(path if key in rope else
                                  rope_path(rope, key), "missing",
                                  "a value for rope_type %s" % kind)
            return None, rope_path(rope, key)
        return reader(v, path, *args), path

    attn, _ = param("attention_factor", positive_float)
    max_pos_v = cfg.get("max_position_embeddings")

    def max_pos():
        if max_pos_v is None:
            missing("max_position_embeddings",
                    "a positive integer (rope_type %s)" % kind)
        return positive_int(max_pos_v, "max_position_embeddings")

    # mrope sections: Qwen2-VL's `mrope` type, or any type with a section.
    sections, mrope_path = param("mrope_section", int_list, False,
                                 "non-negative integers summing to "
                                 "rotary_dim / 2 = %d" % (r // 2))
    if sections is not None and (not sections or sum(sections) != r // 2):
        raise ConfigError(mrope_path, "%s has %d sections summing to %d"
                          % (sections, len(sections), sum(sections)),
                          "one section per position axis, summing to "
                          "rotary_dim / 2 = %d" % (r // 2))
    # Qwen3-VL: the axes' frequencies interleaved (THWTHW...TT).
    interleaved, path = param("mrope_interleaved", boolean)
    if interleaved and sections is None:
        raise ConfigError(path, "true without mrope_section",
                          "mrope_section beside it")
    if interleaved:
        n = len(sections)
        for k in range(1, n):
            if sections[k] and k + n * (sections[k] - 1) >= r // 2:
                raise ConfigError(
                    mrope_path, "interleaved section %d (%d) needs frequency "
                    "%d of %d" % (k, sections[k], k + n * (sections[k] - 1),
                                  r // 2),
                    "every section k >= 1 to fit: k + %d * (s_k - 1) < %d"
                    % (n, r // 2))
    mrope = None if sections is None else (sections, bool(interleaved))
    if kind == "mrope":
        if mrope is None:
            missing(rope_path(rope, "mrope_section"),
                    "integers summing to rotary_dim / 2 = %d" % (r // 2))
        kind = "default"
    if longrope_factors is not None and kind != "longrope":
        raise ConfigError("--longrope-factors", "given for rope_type %s" % kind,
                          "it only with rope_type longrope")

    def with_attn(parts):
        if attn is not None:
            parts.append("attention_factor = %s" % num(attn))
        return ", ".join(parts)

    if kind == "default":
        base_frequencies(base, base_path, r)
        return "#rope.default<%s>" % with_attn(["base = %s" % num(base)]), mrope

    factor, factor_path = param("factor", positive_float, kind != "longrope")
    if kind == "linear":
        divided_range(base_frequencies(base, base_path, r), factor, factor_path)
        return ("#rope.linear<%s>" % with_attn(
            ["base = %s" % num(base), "factor = %s" % num(factor)])), mrope

    orig, orig_path = original_max_position(cfg, rope)
    if kind == "dynamic":
        if r <= 2:
            raise ConfigError(rotary_dim_path(cfg, rope), "rotary_dim %d with "
                              "rope_type dynamic" % r, "rotary_dim > 2")
        if 1.0 / base > MAX_INV_FREQ:
            raise ConfigError(base_path, "%s is below 1 / %g" % (num(base),
                                                                 MAX_INV_FREQ),
                              "a base of at least %g (rope-opt's limit)"
                              % (1.0 / MAX_INV_FREQ))
        l0 = max_pos()
        if orig is not None and orig != l0:
            raise ConfigError(orig_path, "%d differs from max_position_embeddings "
                              "%d, which transformers uses as the original length "
                              "of rope_type dynamic" % (orig, l0),
                              "no original_max_position_embeddings, or the same")
        return ("#rope.dynamic_ntk<%s>" % with_attn(
            ["base = %s" % num(base), "factor = %s" % num(factor),
             "original_max_position = %d" % l0])), mrope

    if kind == "yarn":
        if not base > 1.0:
            raise ConfigError(base_path, "%s with rope_type yarn, whose ramp "
                              "divides by ln(base)" % num(base), "a base > 1")
        if orig is None:
            orig = max_pos()
        elif orig_path == "original_max_position_embeddings" and \
                max_pos_v is not None and orig != max_pos():
            # Only at the top level: transformers 4 reads the rope dict's, else
            # max_position_embeddings; transformers 5 prefers the top level.
            raise ConfigError(orig_path, "%d is outside the rope parameters and "
                              "differs from max_position_embeddings %d (which "
                              "transformers 4 uses for yarn)" % (orig, max_pos()),
                              "it in %s" % rope_path(
                                  rope, "original_max_position_embeddings"))
        beta_fast, fast_path = param("beta_fast", positive_float)
        beta_slow, slow_path = param("beta_slow", positive_float)
        beta_fast = 32.0 if beta_fast is None else beta_fast
        beta_slow = 1.0 if beta_slow is None else beta_slow
        if beta_fast <= beta_slow:
            raise ConfigError(fast_path if "beta_fast" in rope else slow_path,
                              "beta_fast %s is not above beta_slow %s"
                              % (num(beta_fast), num(beta_slow)),
                              "beta_fast > beta_slow (defaults 32 and 1)")
        parts = ["base = %s" % num(base), "factor = %s" % num(factor),
                 "original_max_position = %d" % orig,
                 "beta_fast = %s" % num(beta_fast),
                 "beta_slow = %s" % num(beta_slow)]
        for key in ("mscale", "mscale_all_dim"):
            # 0 is unset, as in transformers (`if mscale and mscale_all_dim`).
            v, _ = param(key, nonnegative_float, False,
                         "a finite number >= 0 (0: unset)")
            if v:
                parts.append("%s = %s" % (key, num(v)))
        parts = [with_attn(parts)]
        truncate, _ = param("truncate", boolean)
        if truncate is not None:
            parts.append("truncate = %s" % ("true" if truncate else "false"))
        divided_range(base_frequencies(base, base_path, r), factor, factor_path)
        return "#rope.yarn<%s>" % ", ".join(parts), mrope

    if kind == "longrope":
        if orig is None:
            missing(rope_path(rope, "original_max_position_embeddings"),
                    "a positive integer (rope_type longrope; also read at the "
                    "top level)")
        mp = max_pos()
        if factor is not None and attn is None and \
                abs(factor - mp / orig) > 1e-12 * (mp / orig):
            raise ConfigError(factor_path, "%s differs from max_position_embeddings"
                              " / original_max_position_embeddings = %d / %d, "
                              "which the attention factor is derived from"
                              % (num(factor), mp, orig),
                              "no factor, the same ratio, or an attention_factor")
        lists = {}
        freqs = base_frequencies(base, base_path, r)
        for key in ("short_factor", "long_factor"):
            values, path = param(key, positive_float_list, True, r // 2)
            for i, (f, v) in enumerate(zip(freqs, values)):
                divided_range([f], v, "%s[%d]" % (path, i))
            lists[key] = "[%s]" % ", ".join(num(v) for v in values)
        parts = ["base = %s" % num(base), "original_max_position = %d" % orig,
                 "max_position = %d" % mp,
                 "short_factor = %s" % lists["short_factor"],
                 "long_factor = %s" % lists["long_factor"]]
        if longrope_factors not in (None, "dynamic"):
            parts.append("factors = %s" % longrope_factors)
        return "#rope.longrope<%s>" % with_attn(parts), mrope

    assert kind == "llama3"
    low, low_path = param("low_freq_factor", positive_float, True)
    high, _ = param("high_freq_factor", positive_float, True)
    if high <= low:
        raise ConfigError(low_path, "%s is not below high_freq_factor %s"
                          % (num(low), num(high)),
                          "low_freq_factor < high_freq_factor")
    if orig is None:
        missing(rope_path(rope, "original_max_position_embeddings"),
                "a positive integer (rope_type llama3)")
    divided_range(base_frequencies(base, base_path, r), factor, factor_path)
    return ("#rope.llama3<%s>" % with_attn(
        ["base = %s" % num(base), "factor = %s" % num(factor),
         "low_freq_factor = %s" % num(low), "high_freq_factor = %s" % num(high),
         "original_max_position = %d" % orig])), mrope


def rope_path(rope, key):
    """The path a missing rope parameter would have: in the dict given."""
    for k in ("rope_type", "rope_theta", "factor"):
        if k in rope:
            path = rope.get(k)[1]
            return path[:path.rindex(".") + 1] + key
    for _, (_, path) in rope.items.items():
        return path[:path.rindex(".") + 1] + key
    return "rope_scaling." + key


def rotary_dim_path(cfg, rope):
    _, path = partial_factor(cfg, rope)
    return path or ("head_dim" if cfg.get("head_dim") is not None
                    else "num_attention_heads")


def original_max_position(cfg, rope):
    """original_max_position_embeddings, from the rope dict or the top level
    (Phi-3); both given must agree."""
    return agree([rope.get("original_max_position_embeddings"),
                  (cfg.get("original_max_position_embeddings"),
                   "original_max_position_embeddings")], positive_int)


def element_type(cfg, dtype):
    if dtype:
        return dtype
    expected = "one of %s (or --dtype)" % ", ".join(DTYPES)

    def reader(v, path):
        if string(v, path, expected) not in DTYPES:
            raise ConfigError(path, "unsupported dtype %s" % show(v), expected)
        return DTYPES[v]

    dt, _ = agree([(cfg.get("dtype"), "dtype"),
                   (cfg.get("torch_dtype"), "torch_dtype")], reader)
    return dt or "bf16"


def num(v):
    """An MLIR float literal of the finite float v, always with a '.'."""
    r = repr(float(v))
    if "." in r:
        return r
    if "e" in r:
        return r.replace("e", ".0e", 1)
    return r + ".0"


def tensor(layout, heads, d, dt):
    shape = {"thd": "?x%dx%d", "bshd": "?x?x%dx%d", "bhsd": "?x%dx?x%d"}[layout]
    return "tensor<%sx%s>" % (shape % (heads, d), dt)


def function_name(cfg, name):
    if name is not None:
        if not IDENT.match(name) or name in C_KEYWORDS:
            raise ConfigError("--name", "%s is not an identifier" % show(name),
                              "a C identifier ([A-Za-z_][A-Za-z0-9_]*, not a "
                              "keyword)")
        return name
    model = cfg.get("model_type")
    if model is None:
        return "model_qk"
    # Derived from the model: any character outside [A-Za-z0-9_] becomes '_'
    # and a leading digit gets a prefix.
    derived = re.sub(r"[^A-Za-z0-9_]", "_", model) + "_qk"
    return derived if IDENT.match(derived) else "model_" + derived


def language_model_config(cfg):
    """A multimodal model's (Qwen3-VL) attention lives in `text_config`: its
    fields over the top level's, `model_type` the top level's (the model's
    name)."""
    text = cfg.get("text_config")
    if text is None:
        return cfg
    if not isinstance(text, dict):
        raise ConfigError("text_config", "%s is not an object" % show(text),
                          "the language model's config object")
    model = text.get("model_type")
    if model is not None and not isinstance(model, str):
        raise ConfigError("text_config.model_type", "%s is not a string"
                          % show(model), "a string such as \"qwen3_vl_text\"")
    merged = dict(cfg)
    del merged["text_config"]
    for key, value in text.items():
        if key != "model_type":
            merged[key] = value
    return merged


def build(cfg, name, layout, dtype, positions, longrope_factors, layer_type):
    model = cfg.get("model_type")
    if model is not None and (not isinstance(model, str) or not model):
        raise ConfigError("model_type", "%s is not a non-empty string"
                          % show(model), "a string such as \"llama\"")
    name = function_name(cfg, name)
    rope = rope_fields(cfg, layer_type)
    hq, hk, d, r, pairing = geometry(cfg, rope)
    freqs, mrope = frequencies(cfg, rope, r, longrope_factors)
    dt = element_type(cfg, dtype)
    tq, tk = tensor(layout, hq, d, dt), tensor(layout, hk, d, dt)
    token_rank = 1 if layout == "thd" else 2
    tokens = "x".join(["?"] * token_rank)
    if mrope is not None and positions == "offset":
        raise ConfigError("--positions", "offset with mrope_section",
                          "explicit positions ([axes, tokens])")
    if positions == "offset":
        parg, pclause = "%offset: index", "offset(%offset)"
    else:
        pt = "tensor<%s%sxi64>" % ("%dx" % len(mrope[0]) if mrope is not None
                                   else "", tokens)
        parg, pclause = "%pos: " + pt, "positions(%%pos : %s)" % pt
    lines = [
        "// Generated by scripts/hf-config-to-rope.py from a Hugging Face config",
        "// (model_type %s): %d query and %d key heads, head_dim %d, rotary_dim %d."
        % ("?" if model is None else model if re.match(r"[\w.-]+\Z", model, re.A)
           else json.dumps(model), hq, hk, d, r),
        "func.func @%s(%%q: %s, %%k: %s, %s) -> (%s, %s) {" % (name, tq, tk, parg, tq, tk),
        "  %%q1, %%k1 = rope.rotate %s %s ins(%%q, %%k : %s, %s) outs(%%q, %%k : %s, %s)"
        % (pairing, layout, tq, tk, tq, tk),
        "      %s freqs(%s)" % (pclause, freqs),
    ]
    if r != d:
        lines.append("      rotary_dim = %d" % r)
    if mrope is not None:
        lines.append("      mrope_section = [%s]%s"
                     % (", ".join(str(v) for v in mrope[0]),
                        " mrope_interleaved" if mrope[1] else ""))
    lines += ["  return %%q1, %%k1 : %s, %s" % (tq, tk), "}"]
    return "\n".join(lines) + "\n"


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise ConfigError(k, "given twice in one object", "each key once")
    return dict(pairs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("config")
    ap.add_argument("--name", default=None,
                    help="function name (default: <model_type>_qk)")
    ap.add_argument("--layout", choices=["thd", "bshd", "bhsd"], default="thd")
    ap.add_argument("--dtype", choices=["bf16", "f16", "f32"], default=None)
    ap.add_argument("--positions", choices=["explicit", "offset"], default="explicit")
    ap.add_argument("--longrope-factors", choices=["dynamic", "short", "long"],
                    default=None,
                    help="LongRoPE factor list: chosen at run time (dynamic, "
                    "the default) or fixed")
    ap.add_argument("--layer-type", default=None,
                    help="the entry of a per-layer-type rope_parameters "
                    "(transformers 5), e.g. full_attention")
    a = ap.parse_args()

    def fail(message):
        print("error: %s: %s" % (a.config, message), file=sys.stderr)
        return 1

    try:
        with open(a.config, encoding="utf-8") as f:
            cfg = json.load(f, object_pairs_hook=no_duplicates)
    except ConfigError as e:
        return fail(e)
    except (OSError, ValueError) as e:
        return fail("cannot read the config: %s" % e)
    except RecursionError:
        return fail("cannot read the config: nested too deeply")
    if not isinstance(cfg, dict):
        return fail("the config is %s, expected a JSON object" % show(cfg))
    try:
        cfg = language_model_config(cfg)
        text = build(cfg, a.name, a.layout, a.dtype, a.positions,
                     a.longrope_factors, a.layer_type)
    except ConfigError as e:
        return fail(e)
    except Exception as e:  # a case the checks above missed: still no traceback
        return fail("internal error (%s: %s); please report it"
                    % (type(e).__name__, e))
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as e:
        return fail("cannot write the IR: %s" % e.strerror)
    return 0


if __name__ == "__main__":
    sys.exit(main())
