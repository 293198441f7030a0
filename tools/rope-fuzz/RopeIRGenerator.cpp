//===- RopeIRGenerator.cpp - Random valid rope IR for fuzzing -------------===//

#include "RopeIRGenerator.h"

#include <cstdio>
#include <vector>

using namespace mlir::rope::fuzz;

namespace {
/// Builds the IR text of one case from the fuzzer's choices.
class Generator {
public:
  explicit Generator(FuzzedDataProvider &data) : data(data) {}

  std::string run();
  bool invalidAttribute = false;

private:
  FuzzedDataProvider &data;

  template <typename T> T pick(std::initializer_list<T> values) {
    std::vector<T> v(values);
    return v[data.ConsumeIntegralInRange<size_t>(0, v.size() - 1)];
  }
  bool chance(int percent) {
    return data.ConsumeIntegralInRange<int>(0, 99) < percent;
  }
  /// A double in [lo, hi], printed in the shortest form that reads back.
  std::string number(double lo, double hi) {
    return format(lo + (hi - lo) * data.ConsumeProbability<double>());
  }
  static std::string format(double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    return buf;
  }
  std::string list(int n, double lo, double hi) {
    std::string s = "[";
    for (int i = 0; i < n; ++i)
      s += (i ? ", " : "") + number(lo, hi);
    return s + "]";
  }
  std::string dim() {
    return chance(50) ? "?" : std::to_string(pick<int>({0, 1, 1, 2, 3, 5}));
  }
  std::string freqs(int half);
};
} // namespace

static std::string tensor(const std::vector<std::string> &dims,
                          const std::string &elt) {
  std::string s = "tensor<";
  for (const std::string &d : dims)
    s += d + "x";
  return s + elt + ">";
}

std::string Generator::freqs(int half) {
  std::string base = pick<std::string>({"10000.0", "500000.0", "1e6"});
  if (chance(30))
    base = number(1.5, 1e7);
  std::string attention =
      chance(20) ? ", attention_factor = " + number(0.1, 4.0) : "";
  // Rarely an invalid parameter, for the verifier.
  bool badFactor = chance(3);
  std::string factor = badFactor ? number(-2.0, 0.0) : number(1.0, 64.0);
  std::string l0 = std::to_string(pick<int>({1, 256, 2048, 4096, 8192}));
  int kind = data.ConsumeIntegralInRange<int>(0, 7);
  // Kinds 1, 2, 3 and 5 take `factor`.
  invalidAttribute |= badFactor && (kind == 1 || kind == 2 || kind == 3 ||
                                    kind == 5);
  switch (kind) {
  case 0:
    return "#rope.default<base = " + base + attention + ">";
  case 1:
    return "#rope.linear<base = " + base + ", factor = " + factor + attention +
           ">";
  case 2:
    return "#rope.dynamic_ntk<base = " + base + ", factor = " + factor +
           ", original_max_position = " + l0 + attention + ">";
  case 3: {
    std::string s = "#rope.yarn<base = " + base + ", factor = " + factor +
                    ", original_max_position = " + l0;
    if (chance(50))
      s += ", beta_fast = " + number(8.0, 64.0) +
           ", beta_slow = " + number(0.5, 4.0);
    if (chance(40))
      s += ", mscale = " + number(0.0, 2.0);
    if (chance(40))
      s += ", mscale_all_dim = " + number(0.0, 2.0);
    if (chance(50))
      s += pick<std::string>({", truncate = false", ", truncate = true"});
    return s + attention + ">";
  }
  case 4:
    return "#rope.longrope<base = " + base + ", original_max_position = " +
           l0 + ", max_position = 131072, short_factor = " +
           list(half, 0.5, 4.0) + ", long_factor = " + list(half, 1.0, 64.0) +
           pick<std::string>({"", ", factors = short", ", factors = long"}) +
           attention + ">";
  case 5:
    return "#rope.llama3<base = " + base + ", factor = " + factor +
           ", low_freq_factor = 1.0, high_freq_factor = " + number(1.5, 8.0) +
           ", original_max_position = " + l0 + ">";
  case 6:
    return "#rope.inv_freqs<values = " +
           list(half, chance(5) ? 1e3 : 1e-6, chance(5) ? 1e5 : 1.0) +
           attention + ">";
  default:
    return "#rope.freq_factors<base = " + base +
           ", divisors = " + list(half, 0.5, 8.0) + attention + ">";
  }
}

std::string Generator::run() {
  std::string layout = pick<std::string>({"thd", "bshd", "bhsd"});
  std::string pairing = pick<std::string>({"half", "interleaved"});
  std::string elt = pick<std::string>({"f32", "f16", "bf16"});
  int d = 2 * pick<int>({1, 2, 4, 8, 16, 32, 64, 3, 5, 12, 40});
  int r = chance(30) ? 2 * data.ConsumeIntegralInRange<int>(1, d / 2) : d;
  int half = r / 2;
  int inputs = data.ConsumeIntegralInRange<int>(1, 3);

  // Token shape; the operands agree where both are static.
  std::vector<std::string> tokens = {dim()};
  if (layout != "thd")
    tokens.push_back(dim());
  auto xShape = [&](int heads) {
    std::vector<std::string> s(tokens);
    std::string h = std::to_string(heads);
    if (layout == "thd")
      s.insert(s.begin() + 1, h);
    else if (layout == "bshd")
      s.insert(s.begin() + 2, h);
    else
      s.insert(s.begin() + 1, h);
    s.push_back(std::to_string(d));
    return s;
  };

  std::vector<std::string> args, xTypes, xs;
  for (int i = 0; i < inputs; ++i) {
    xTypes.push_back(tensor(xShape(data.ConsumeIntegralInRange<int>(1, 6)), elt));
    xs.push_back("%x" + std::to_string(i));
    args.push_back(xs.back() + ": " + xTypes.back());
  }
  auto join = [](const std::vector<std::string> &v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? ", " : "") + v[i];
    return s;
  };

  // Positions and frequency source.
  std::string clauses;
  enum { Freqs, GatherCache, TokenCache } source =
      static_cast<decltype(source)>(pick<int>({0, 0, 0, 1, 2}));
  bool mrope = source == Freqs && chance(15);
  bool offset = source == Freqs && !mrope && chance(25);
  // mrope: 2 to 4 position axes, consecutive or interleaved sections.
  const int axes = mrope ? data.ConsumeIntegralInRange<int>(2, 4) : 0;
  const bool interleaved = mrope && chance(50);
  if (source != TokenCache && !offset) {
    std::vector<std::string> shape(tokens);
    if (mrope)
      shape.insert(shape.begin(), std::to_string(axes));
    std::string type = tensor(shape, pick<std::string>({"i32", "i64"}));
    args.push_back("%pos: " + type);
    clauses += " positions(%pos : " + type + ")";
  }
  if (offset) {
    args.push_back("%off: index");
    clauses += " offset(%off)";
  }
  if (source == Freqs) {
    clauses += " freqs(" + freqs(half) + ")";
  } else {
    std::vector<std::string> shape =
        source == TokenCache ? tokens
                             : std::vector<std::string>{
                                   chance(50) ? "?" : std::to_string(
                                       data.ConsumeIntegralInRange<int>(1, 64))};
    shape.push_back(std::to_string(half));
    std::string type = tensor(shape, pick<std::string>({"f32", "f16", "bf16"}));
    args.push_back("%cos: " + type);
    args.push_back("%sin: " + type);
    clauses += " cache(%cos, %sin : " + type + ", " + type + ")";
  }
  if (r != d || chance(10))
    clauses += " rotary_dim = " + std::to_string(r);
  if (mrope) {
    // Axis k >= 1 takes at most the frequencies its layout gives it (all
    // that are left when consecutive; k, k + N, ... below R/2 interleaved).
    std::vector<int> sections(axes, 0);
    int left = half;
    for (int k = 1; k < axes; ++k) {
      int top = interleaved ? std::max(0, (half - 1 - k) / axes + 1) : left;
      sections[k] = data.ConsumeIntegralInRange<int>(0, std::min(top, left));
      left -= sections[k];
    }
    sections[0] = left;
    clauses += " mrope_section = [";
    for (int k = 0; k < axes; ++k)
      clauses += (k ? ", " : "") + std::to_string(sections[k]);
    clauses += interleaved ? "] mrope_interleaved" : "]";
  }

  std::string types = join(xTypes);
  std::string results;
  for (int i = 0; i < inputs; ++i)
    results += (i ? ", " : "") + std::string("%y#") + std::to_string(i);
  std::string ir = "func.func @fuzz(" + join(args) + ") -> (" + types +
                   ") {\n  %y:" + std::to_string(inputs) + " = rope.rotate " +
                   pairing + " " + layout + (chance(20) ? " inverse" : "") +
                   " ins(" + join(xs) + " : " + types + ") outs(" + join(xs) +
                   " : " + types + ")" + clauses + "\n  return " + results +
                   " : " + types + "\n}\n";
  return ir;
}

GeneratedIR mlir::rope::fuzz::generateRopeIR(FuzzedDataProvider &data) {
  Generator generator(data);
  GeneratedIR result;
  result.text = generator.run();
  result.invalidAttribute = generator.invalidAttribute;
  return result;
}
