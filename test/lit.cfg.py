# -*- Python -*-
import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "ROPE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "lib", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.rope_obj_root, "test")

config.environment["FILECHECK_OPTS"] = (
    "-enable-var-scope --allow-unused-prefixes=false")

llvm_config.use_default_substitutions()

# Sanitized build: a report aborts (a signal, which `not` does not hide) and
# fails the test; the suppressions name upstream false positives only.
if getattr(config, "rope_sanitized", False):
    config.available_features.add("sanitized")
    supp = os.path.join(config.test_source_root, "sanitizer-suppressions")
    # allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its free space
    # when inlined into our instrumented code, and the uninstrumented
    # libMLIR.so then writes into that space through the same allocator
    # (false use-after-poison in StringAttr::get and the like).
    # verify_asan_link_order=0: the fuzz targets load libFuzzer's runtime
    # before the shared ASan runtime (-shared-libsan), which is harmless.
    config.environment["ASAN_OPTIONS"] = (
        "abort_on_error=1:detect_leaks=1:allow_user_poisoning=0:"
        "verify_asan_link_order=0")
    config.environment["UBSAN_OPTIONS"] = (
        "abort_on_error=1:halt_on_error=1:print_stacktrace=1")
    config.environment["LSAN_OPTIONS"] = (
        "suppressions=%s/lsan.txt:print_suppressions=0" % supp)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Python helpers (numpy references) run with Debian's interpreter, which has
# python3-numpy; the first python3 on PATH may be a separate build.
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
config.substitutions.append(("%python", python))
config.substitutions.append(("%rope_src", config.rope_src_root))
config.substitutions.append(("%test_lib", os.path.join(config.test_source_root, "lib")))
shared = os.path.normpath(os.path.join(config.rope_src_root, "..", "shared"))
config.substitutions.append(("%shared", shared))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
# LLVM's libraries (mlir-runner's runtime support, libomp) beside its tools.
config.substitutions.append(("%llvm_lib_dir", os.path.join(
    os.path.dirname(config.llvm_tools_dir), "lib")))
config.substitutions.append(("%rope_obj", config.rope_obj_root))
# A downstream CMake project configured against an installed rope-mlir.
config.substitutions.append(("%cmake_downstream", (
    "%s -G Ninja -DCMAKE_MAKE_PROGRAM=%s -DCMAKE_C_COMPILER=%s "
    "-DCMAKE_CXX_COMPILER=%s") % (config.cmake_command, config.make_program,
                                  config.c_compiler, config.cxx_compiler)))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%ninja", config.make_program))
config.substitutions.append(("%rope_plugin", os.path.join(config.rope_obj_root, "lib", "RopeMLIRPlugin.so")))
config.substitutions.append(("%rope_opt_path", os.path.join(config.rope_tools_dir, "rope-opt")))
config.substitutions.append(("%rope_run_path", os.path.join(config.rope_tools_dir, "rope-run")))
config.substitutions.append(("%rope_aot_path", os.path.join(config.rope_tools_dir, "rope-aot")))
# Execution-test driver: builds a rope.rotate case, runs it with rope-run and
# compares with the float64 numpy reference. Use as `%rope_exec --tmp %t k=v`.
config.substitutions.append(("%rope_exec", "%s %s --rope-run %s" % (
    python, os.path.join(config.test_source_root, "lib", "rope_exec.py"),
    os.path.join(config.rope_tools_dir, "rope-run"))))

tool_dirs = [config.rope_tools_dir, config.llvm_tools_dir]
tools = ["rope-opt", "rope-min-opt", "rope-run", "rope-capi-test", "rope-aot", "rope-bench-gpu", "mlir-opt", "mlir-runner"]
fuzzers = ["rope-fuzz-parse", "rope-fuzz-lower", "rope-fuzz-npy", "rope-fuzz-options"]
if all(os.path.exists(os.path.join(config.rope_tools_dir, f)) for f in fuzzers):
    config.available_features.add("fuzzers")
    tools += fuzzers
# The CPU benchmark harnesses (built where OpenMP is found).
benches = ["rope-bench", "rope-bf16-packing"]
if all(os.path.exists(os.path.join(config.rope_tools_dir, b)) for b in benches):
    config.available_features.add("cpu-bench")
    tools += benches
llvm_config.add_tool_substitutions(tools, tool_dirs)

# ---- Features ---------------------------------------------------------------
def _has_numpy():
    try:
        return subprocess.run([python, "-c", "import numpy"],
                              capture_output=True).returncode == 0
    except OSError:
        return False

if _has_numpy():
    config.available_features.add("numpy")

# The host converts f32 to bf16 in hardware (native-bf16-conversion runs).
try:
    with open("/proc/cpuinfo") as cpuinfo:
        _flags = cpuinfo.read().split()
    if "avx512_bf16" in _flags and "avx512vl" in _flags:
        config.available_features.add("avx512bf16")
    if "avx2" in _flags and "fma" in _flags:
        config.available_features.add("avx2")
except OSError:
    pass
# AArch64 kernels built here run under user-mode QEMU (the README's
# dependency step installs qemu-user and the cross C toolchain).
import shutil
_qemu = shutil.which("qemu-aarch64")
_a64cc = shutil.which("aarch64-linux-gnu-gcc")
if _qemu and _a64cc:
    config.available_features.add("aarch64-qemu")
    config.substitutions.append(("%qemu_aarch64", _qemu))
    config.substitutions.append(("%aarch64_cc", _a64cc))
# Partitioned programs run on OpenMPI processes (the README's dependency step
# installs OpenMPI).
_mpicc, _mpirun = shutil.which("mpicc"), shutil.which("mpirun")
if _mpicc and _mpirun:
    config.available_features.add("mpi")
    config.substitutions.append(("%mpicc", _mpicc))
    config.substitutions.append(("%mpirun", _mpirun))
if os.path.exists(os.path.join(config.rope_obj_root, "gpu-bundle", "rope-gpu-runner")):
    config.available_features.add("gpu-bundle")
if os.path.isdir(os.path.join(shared, "conformance")):
    config.available_features.add("conformance-data")

cuda_root = os.environ.get("CUDA_HOME", "/usr/local/cuda")
ptxas = shutil.which("ptxas") or os.path.join(cuda_root, "bin", "ptxas")
if os.path.exists(ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
    # gpu-module-to-binary (format=bin/fatbin) finds ptxas through these.
    config.environment["CUDA_HOME"] = os.path.dirname(os.path.dirname(ptxas))
    llvm_config.with_environment("PATH", os.path.dirname(ptxas), append_path=True)

def _has_cuda_device():
    smi = shutil.which("nvidia-smi")
    if not smi:
        return False
    try:
        out = subprocess.run([smi, "-L"], capture_output=True, text=True,
                             timeout=20)
        return out.returncode == 0 and "GPU" in out.stdout
    except (OSError, subprocess.TimeoutExpired):
        return False

if _has_cuda_device():
    config.available_features.add("cuda-device")
