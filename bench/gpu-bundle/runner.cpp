//===- runner.cpp - rope-gpu-runner: the GPU check bundle's kernels -------===//
//
//   rope-gpu-runner info
//   rope-gpu-runner check CASES.txt OUTDIR    run each case on its .npy inputs,
//                                             write OUTDIR/NAME/y<k>.npy
//   rope-gpu-runner bench BENCH.txt OUT.json  time kernels, the same-bytes
//                                             device copy and an empty launch
//
// Needs only the CUDA driver (libcuda.so.1, loaded at run time) and the C
// runtime; without a driver or a device it says so and exits 2. Buffers are
// device memory; the kernels are the bundle's (BundleKernels.h).
//
//===----------------------------------------------------------------------===//

#include "BundleKernels.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" {
const char *ropeCudaLoadDriver();
int ropeCudaDeviceCount();
int ropeCudaDeviceName(char *buffer, int size);
void ropeCudaCopy(void *dst, const void *src, size_t bytes, int kind);
void ropeCudaKernelTimingBegin();
double ropeCudaKernelTimingEnd();
double ropeCudaTimedCopy(void **dst, void **src, const size_t *bytes, int n);
void ropeCudaFlushL2();
void *mgpuMemAlloc(uint64_t bytes, void *stream, bool isHostShared);
void mgpuMemFree(void *ptr, void *stream);
void *mgpuModuleLoadJIT(void *data, int optLevel);
void *mgpuModuleGetFunction(void *module, const char *name);
void mgpuLaunchKernel(void *function, intptr_t gx, intptr_t gy, intptr_t gz,
                      intptr_t bx, intptr_t by, intptr_t bz, int32_t smem,
                      void *stream, void **params, void **extra, size_t n);
}

namespace {
[[noreturn]] void die(const std::string &message, int code = 1) {
  std::fprintf(stderr, "rope-gpu-runner: %s\n", message.c_str());
  std::exit(code);
}

/// A host array read from or written to .npy (C order, little endian).
struct Npy {
  std::string descr;
  std::vector<int64_t> shape;
  std::vector<char> data;
  size_t elements() const {
    size_t n = 1;
    for (int64_t d : shape)
      n *= size_t(d);
    return n;
  }
};

size_t elementBytes(const std::string &descr, const std::string &file) {
  static const std::map<std::string, size_t> sizes = {
      {"<f4", 4}, {"<f8", 8}, {"<f2", 2}, {"<u2", 2},
      {"<i8", 8}, {"<i4", 4}, {"|i1", 1}, {"|u1", 1}};
  auto it = sizes.find(descr);
  if (it == sizes.end())
    die(file + ": unsupported dtype '" + descr + "'");
  return it->second;
}

std::string field(const std::string &header, const std::string &key,
                  const std::string &file) {
  size_t at = header.find("'" + key + "':");
  if (at == std::string::npos)
    die(file + ": .npy header has no '" + key + "'");
  return header.substr(at + key.size() + 3);
}

Npy readNpy(const std::string &file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    die(file + ": cannot open");
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    die(file + ": not a .npy file");
  uint32_t length = 0;
  if (magic[6] == 1) {
    uint16_t l16 = 0;
    in.read(reinterpret_cast<char *>(&l16), 2);
    length = l16;
  } else {
    in.read(reinterpret_cast<char *>(&length), 4);
  }
  std::string header(length, '\0');
  in.read(&header[0], length);
  if (!in)
    die(file + ": truncated header");
  Npy npy;
  std::string d = field(header, "descr", file);
  size_t q1 = d.find('\''), q2 = d.find('\'', q1 + 1);
  npy.descr = d.substr(q1 + 1, q2 - q1 - 1);
  if (field(header, "fortran_order", file).find("False") != 1 &&
      field(header, "fortran_order", file).find("False") != 0)
    die(file + ": Fortran order is not supported");
  std::string s = field(header, "shape", file);
  s = s.substr(s.find('(') + 1, s.find(')') - s.find('(') - 1);
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (item.find_first_not_of(' ') != std::string::npos)
      npy.shape.push_back(std::stoll(item));
  npy.data.resize(npy.elements() * elementBytes(npy.descr, file));
  in.read(npy.data.data(), npy.data.size());
  if (!in)
    die(file + ": truncated data");
  return npy;
}

void writeNpy(const std::string &file, const Npy &npy) {
  std::string shape = "(";
  for (int64_t d : npy.shape)
    shape += std::to_string(d) + ",";
  shape += ")";
  std::string header = "{'descr': '" + npy.descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::ofstream out(file, std::ios::binary);
  uint16_t length = uint16_t(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  out.write(reinterpret_cast<const char *>(&length), 2);
  out << header;
  out.write(npy.data.data(), npy.data.size());
  if (!out)
    die(file + ": cannot write");
}

/// A strided memref descriptor of a device buffer (StridedMemRefType).
struct Descriptor {
  std::vector<int64_t> words;
  void *device = nullptr;
  size_t bytes = 0;
};

Descriptor deviceBuffer(const std::vector<int64_t> &shape, size_t bytes) {
  Descriptor d;
  d.bytes = bytes;
  d.device = mgpuMemAlloc(bytes ? bytes : 1, nullptr, false);
  size_t rank = shape.size();
  d.words.assign(3 + 2 * rank, 0);
  std::memcpy(&d.words[0], &d.device, sizeof(void *));
  std::memcpy(&d.words[1], &d.device, sizeof(void *));
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    d.words[3 + i] = shape[i];
    d.words[3 + rank + i] = stride;
    stride *= shape[i];
  }
  return d;
}

const BundleKernel &kernel(const std::string &name) {
  for (int i = 0; i < kNumBundleKernels; ++i)
    if (name == kBundleKernels[i].name)
      return kBundleKernels[i];
  die("no kernel '" + name + "' in this runner");
}

void requireDevice() {
  if (const char *error = ropeCudaLoadDriver())
    die(std::string(error) + " (the bundle needs an NVIDIA driver)", 2);
  if (ropeCudaDeviceCount() == 0)
    die("no CUDA device (cuInit failed or no device is visible)", 2);
}

std::string dirOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// The case lines of a cases or bench file (blank lines and # comments
/// dropped).
std::vector<std::string> caseLines(const std::string &file) {
  std::ifstream in(file);
  if (!in)
    die(file + ": cannot open");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#')
      lines.push_back(line);
  return lines;
}

int check(const std::string &casesFile, const std::string &outDir) {
  std::vector<std::string> lines = caseLines(casesFile);
  requireDevice();
  std::string root = dirOf(casesFile);
  mkdir(outDir.c_str(), 0755);
  int ran = 0;
  for (const std::string &line : lines) {
    std::stringstream ss(line);
    std::string name, kname;
    int outputs = 0;
    ss >> name >> kname >> outputs;
    const BundleKernel &k = kernel(kname);
    // Inputs: t (tensor), i (index scalar), u (tensor updated in place,
    // written back as u<k>.npy); o: an output's template (.npy of its
    // shape and type). Without templates, output k is like input k.
    std::vector<std::pair<char, Npy>> inputs;
    std::vector<Npy> templates;
    std::string arg;
    while (ss >> arg) {
      Npy npy = readNpy(root + "/" + arg.substr(2));
      if (arg[0] == 'o')
        templates.push_back(std::move(npy));
      else
        inputs.emplace_back(arg[0], std::move(npy));
    }
    if (templates.empty())
      for (int i = 0; i < outputs && i < int(inputs.size()); ++i)
        templates.push_back(inputs[i].second);
    if (int(inputs.size()) != k.inputs || outputs != k.outputs ||
        int(templates.size()) != outputs)
      die(name + ": arguments do not match kernel " + kname);
    // Sized up front: the kernel gets the addresses of these elements.
    std::vector<Descriptor> descs(inputs.size() + outputs);
    std::vector<int64_t> scalars(inputs.size());
    std::vector<void *> args;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Npy &npy = inputs[i].second;
      if (inputs[i].first == 'i') {
        std::memcpy(&scalars[i], npy.data.data(),
                    std::min<size_t>(8, npy.data.size()));
        args.push_back(&scalars[i]);
        continue;
      }
      descs[i] = deviceBuffer(npy.shape, npy.data.size());
      ropeCudaCopy(descs[i].device, npy.data.data(), npy.data.size(), 0);
      args.push_back(descs[i].words.data());
    }
    const size_t firstOut = inputs.size();
    for (int i = 0; i < outputs; ++i) {
      descs[firstOut + i] =
          deviceBuffer(templates[i].shape, templates[i].data.size());
      args.push_back(descs[firstOut + i].words.data());
    }
    k.call(args.data());
    std::string dir = outDir + "/" + name;
    mkdir(dir.c_str(), 0755);
    for (int i = 0; i < outputs; ++i) {
      Npy y = templates[i];
      ropeCudaCopy(y.data.data(), descs[firstOut + i].device, y.data.size(), 1);
      writeNpy(dir + "/y" + std::to_string(i) + ".npy", y);
    }
    int updated = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].first != 'u')
        continue;
      Npy u = inputs[i].second;
      ropeCudaCopy(u.data.data(), descs[i].device, u.data.size(), 1);
      writeNpy(dir + "/u" + std::to_string(updated++) + ".npy", u);
    }
    for (Descriptor &d : descs)
      if (d.device)
        mgpuMemFree(d.device, nullptr);
    std::printf("ran %s\n", name.c_str());
    ++ran;
  }
  std::printf("ran %d cases\n", ran);
  return 0;
}

/// xorshift: std::mt19937 would pull libstdc++'s random.o, which needs
/// glibc 2.36 (arc4random) on the GPU machine.
struct XorShift {
  uint32_t state;
  explicit XorShift(uint32_t seed) : state(seed) {}
  uint32_t operator()() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// An empty kernel, for the launch overhead the decode target is held to.
const char *kEmptyPtx = ".version 8.0\n.target sm_90\n.address_size 64\n"
                        ".visible .entry rope_empty() { ret; }\n";

int bench(const std::string &benchFile, const std::string &jsonFile,
          int repeat) {
  std::vector<std::string> lines = caseLines(benchFile);
  requireDevice();
  char device[256] = "?";
  ropeCudaDeviceName(device, sizeof(device));

  void *module = mgpuModuleLoadJIT(const_cast<char *>(kEmptyPtx), 3);
  void *empty = mgpuModuleGetFunction(module, "rope_empty");
  std::vector<double> launches;
  for (int r = 0; r < 50; ++r) {
    ropeCudaKernelTimingBegin();
    mgpuLaunchKernel(empty, 1, 1, 1, 32, 1, 1, 0, nullptr, nullptr, nullptr, 0);
    launches.push_back(ropeCudaKernelTimingEnd() * 1e3);
  }
  double emptyUs = median(launches);

  std::ofstream json(jsonFile);
  json << "{\"device\": \"" << device << "\", \"empty_launch_us\": " << emptyUs
       << ", \"cases\": [\n";
  XorShift rng(0x9e3779b9u);
  bool first = true;
  for (const std::string &line : lines) {
    std::stringstream ss(line);
    std::string label, kname, dtype, form;
    int64_t tokens, hq, hk, dim, cacheRows;
    ss >> label >> kname >> dtype >> tokens >> hq >> hk >> dim >> form >>
        cacheRows;
    const BundleKernel &k = kernel(kname);
    size_t e = dtype == "f32" ? 4 : 2;
    std::vector<Descriptor> d;
    d.reserve(8);
    std::vector<int64_t> heads = {hq, hk};
    for (int64_t h : heads) {
      size_t bytes = size_t(tokens * h * dim) * e;
      d.push_back(deviceBuffer({tokens, h, dim}, bytes));
      // Values in [0.5, 1): the high 16 bits of an f32 and a whole bf16
      // alike; an f32's low half is random.
      std::vector<uint16_t> host(bytes / 2);
      for (size_t i = 0; i < host.size(); ++i)
        host[i] = e == 4 && i % 2 == 0 ? uint16_t(rng())
                                       : uint16_t(0x3f00 + rng() % 0x80);
      ropeCudaCopy(d.back().device, host.data(), bytes, 0);
    }
    std::vector<int64_t> pos(tokens);
    for (int64_t t = 0; t < tokens; ++t)
      pos[t] = form == "cache" ? t % cacheRows : t;
    d.push_back(deviceBuffer({tokens}, size_t(tokens) * 8));
    ropeCudaCopy(d.back().device, pos.data(), pos.size() * 8, 0);
    if (form == "cache")
      for (int c = 0; c < 2; ++c) {
        size_t bytes = size_t(cacheRows * dim / 2) * 4;
        d.push_back(deviceBuffer({cacheRows, dim / 2}, bytes));
        std::vector<float> table(bytes / 4);
        for (size_t i = 0; i < table.size(); ++i)
          table[i] = c ? std::sin(0.001f * i) : std::cos(0.001f * i);
        ropeCudaCopy(d.back().device, table.data(), bytes, 0);
      }
    size_t firstOut = d.size();
    for (int64_t h : heads)
      d.push_back(deviceBuffer({tokens, h, dim}, size_t(tokens * h * dim) * e));
    std::vector<void *> args;
    for (Descriptor &x : d)
      args.push_back(x.words.data());
    if (int(args.size()) != k.inputs + k.outputs)
      die(label + ": arguments do not match kernel " + kname);

    for (int w = 0; w < 3; ++w)
      k.call(args.data());
    std::vector<double> kernelUs, callUs, copyUs;
    for (int r = 0; r < repeat; ++r) {
      ropeCudaFlushL2();
      ropeCudaKernelTimingBegin();
      auto t0 = std::chrono::steady_clock::now();
      k.call(args.data());
      auto t1 = std::chrono::steady_clock::now();
      kernelUs.push_back(ropeCudaKernelTimingEnd() * 1e3);
      callUs.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      ropeCudaFlushL2();
      void *dst[2] = {d[firstOut].device, d[firstOut + 1].device};
      void *src[2] = {d[0].device, d[1].device};
      size_t bytes[2] = {d[0].bytes, d[1].bytes};
      copyUs.push_back(ropeCudaTimedCopy(dst, src, bytes, 2) * 1e3);
    }
    double kernel = median(kernelUs), copy = median(copyUs);
    double moved = 2.0 * double(d[0].bytes + d[1].bytes);
    json << (first ? "" : ",\n") << "  {\"label\": \"" << label
         << "\", \"tokens\": " << tokens << ", \"dtype\": \"" << dtype
         << "\", \"form\": \"" << form << "\", \"bytes_moved\": " << moved
         << ", \"kernel_us\": " << kernel << ", \"call_us\": " << median(callUs)
         << ", \"copy_us\": " << copy
         << ", \"copy_over_kernel\": " << copy / kernel
         << ", \"kernel_gb_s\": " << moved / kernel / 1e3 << "}";
    first = false;
    std::printf("%-32s kernel %9.2f us  copy %9.2f us  copy/kernel %.3f\n",
                label.c_str(), kernel, copy, copy / kernel);
    for (Descriptor &x : d)
      mgpuMemFree(x.device, nullptr);
  }
  json << "\n]}\n";
  return 0;
}
/// One argument of a fused-graph bench case: "KIND:TYPE:DIMS", KIND t
/// (input), c (cache, written in rows, never read) or o (output), DIMS
/// with T for the token count.
struct FusedArg {
  char kind;
  std::string type;
  std::vector<int64_t> shape;
  size_t bytes() const {
    size_t n = type == "f32" ? 4 : type == "bf16" ? 2 : type == "i64" ? 8 : 1;
    for (int64_t d : shape)
      n *= size_t(d);
    return n;
  }
};

FusedArg parseFusedArg(const std::string &text, int64_t tokens) {
  size_t a = text.find(':'), b = text.find(':', a + 1);
  if (a != 1 || b == std::string::npos)
    die("bad fused bench argument '" + text + "'");
  FusedArg arg{text[0], text.substr(a + 1, b - a - 1), {}};
  std::stringstream dims(text.substr(b + 1));
  std::string d;
  while (std::getline(dims, d, ','))
    arg.shape.push_back(d == "T" ? tokens : std::stoll(d));
  return arg;
}

/// The fused graphs of test/lib/fused_graphs.py (Llama-3-8B shapes, cache
/// offset 0): kernel time against the device copy of the activations it
/// reads (each read once and written once: the traffic rope alone has).
int benchFused(const std::string &benchFile, const std::string &jsonFile,
               int repeat) {
  std::vector<std::string> lines = caseLines(benchFile);
  requireDevice();
  char device[256] = "?";
  ropeCudaDeviceName(device, sizeof(device));
  std::ofstream json(jsonFile);
  json << "{\"device\": \"" << device << "\", \"cases\": [\n";
  XorShift rng(0x2545f491u);
  bool first = true;
  for (const std::string &line : lines) {
    std::stringstream ss(line);
    std::string label, kname, text;
    int64_t tokens = 0;
    ss >> label >> kname >> tokens;
    const BundleKernel &k = kernel(kname);
    std::vector<FusedArg> spec;
    while (ss >> text)
      spec.push_back(parseFusedArg(text, tokens));
    std::vector<Descriptor> d;
    d.reserve(spec.size());
    std::vector<void *> copyDst, copySrc;
    std::vector<size_t> copyBytes;
    for (const FusedArg &arg : spec) {
      d.push_back(deviceBuffer(arg.shape, arg.bytes()));
      std::vector<uint8_t> host(arg.bytes(), 0);
      bool activation = arg.kind == 't' && arg.shape.size() >= 2;
      if (activation && arg.type == "bf16") {
        for (size_t i = 0; i + 1 < host.size(); i += 2) {
          uint16_t v = uint16_t(0x3f00 + rng() % 0x80);
          std::memcpy(&host[i], &v, 2);
        }
      } else if (arg.type == "f32" && arg.kind == 't') {
        // Activations in [0.5, 1); weights 1; a scale (one element) 1/64.
        for (size_t i = 0; i + 3 < host.size(); i += 4) {
          float v = activation ? 0.5f + float(rng() % 4096) / 8192.0f
                    : arg.shape.size() == 1 && arg.shape[0] == 1
                        ? 1.0f / 64
                        : 1.0f;
          std::memcpy(&host[i], &v, 4);
        }
      } else if (arg.type == "i64" && arg.shape.size() == 1 &&
                 arg.shape[0] == tokens) {
        for (int64_t t = 0; t < tokens; ++t)
          std::memcpy(&host[size_t(t) * 8], &t, 8);
      }
      ropeCudaCopy(d.back().device, host.data(), host.size(), 0);
      if (activation) {
        copySrc.push_back(d.back().device);
        copyBytes.push_back(arg.bytes());
      }
    }
    std::vector<Descriptor> scratch;
    for (size_t b : copyBytes) {
      scratch.push_back(deviceBuffer({int64_t(b)}, b));
      copyDst.push_back(scratch.back().device);
    }
    std::vector<void *> args;
    for (Descriptor &x : d)
      args.push_back(x.words.data());
    if (int(args.size()) != k.inputs + k.outputs)
      die(label + ": arguments do not match kernel " + kname);
    for (int w = 0; w < 3; ++w)
      k.call(args.data());
    std::vector<double> kernelUs, copyUs;
    for (int r = 0; r < repeat; ++r) {
      ropeCudaFlushL2();
      ropeCudaKernelTimingBegin();
      k.call(args.data());
      kernelUs.push_back(ropeCudaKernelTimingEnd() * 1e3);
      ropeCudaFlushL2();
      copyUs.push_back(ropeCudaTimedCopy(copyDst.data(), copySrc.data(),
                                         copyBytes.data(), copyBytes.size()) *
                       1e3);
    }
    double kernelTime = median(kernelUs), copy = median(copyUs);
    json << (first ? "" : ",\n") << "  {\"label\": \"" << label
         << "\", \"tokens\": " << tokens << ", \"kernel_us\": " << kernelTime
         << ", \"copy_us\": " << copy
         << ", \"copy_over_kernel\": " << copy / kernelTime << "}";
    first = false;
    std::printf("%-32s kernel %9.2f us  copy %9.2f us  copy/kernel %.3f\n",
                label.c_str(), kernelTime, copy, copy / kernelTime);
    for (Descriptor &x : d)
      mgpuMemFree(x.device, nullptr);
    for (Descriptor &x : scratch)
      mgpuMemFree(x.device, nullptr);
  }
  json << "\n]}\n";
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  // Line by line: a run cut short by a timeout still shows how far it got.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 1 && a[0] == "info") {
    requireDevice();
    char name[256] = "?";
    ropeCudaDeviceName(name, sizeof(name));
    std::printf("device 0: %s; %d kernels\n", name, kNumBundleKernels);
    return 0;
  }
  if (a.size() == 3 && a[0] == "check")
    return check(a[1], a[2]);
  if ((a.size() == 3 || a.size() == 4) && a[0] == "bench-fused")
    return benchFused(a[1], a[2], a.size() == 4 ? std::atoi(a[3].c_str()) : 20);
  if ((a.size() == 3 || a.size() == 4) && a[0] == "bench")
    return bench(a[1], a[2], a.size() == 4 ? std::atoi(a[3].c_str()) : 20);
  std::fprintf(stderr, "usage: rope-gpu-runner info | check CASES.txt OUTDIR "
                       "| bench BENCH.txt OUT.json [REPEAT] "
                       "| bench-fused FUSED.txt OUT.json [REPEAT]\n");
  return 1;
}
