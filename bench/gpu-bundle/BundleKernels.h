// The bundle's kernels, as make_bundle.py lists them in kernels.cpp.
#ifndef ROPE_BENCH_GPU_BUNDLE_KERNELS_H
#define ROPE_BENCH_GPU_BUNDLE_KERNELS_H

/// One kernel: `call(args)` calls `_mlir_ciface_<name>` with `inputs`
/// arguments then `outputs` output descriptors (all by pointer; index
/// scalars point to an int64_t).
struct BundleKernel {
  const char *name;
  int inputs;
  int outputs;
  void (*call)(void **args);
};
extern const BundleKernel kBundleKernels[];
extern const int kNumBundleKernels;

#endif
