# rope-mlir top-level entry points. See README.md.
#   make demo   install deps, build, lower an example with rope-opt
#   make test   install deps, build, run the whole lit suite
#   make bench  CPU benchmarks (see docs/performance.md)
#   make plots  RoFormer's long-term decay bound of our frequencies (bench/results/decay.png)
#   make bench-gpu  GPU benchmark on CUDA device 0 (docs/performance.md)
#   make gpu-bundle the self-contained GPU check bundle (build/gpu-bundle)
#   make test-sanitized  the lit suite on an ASan+UBSan build ($(SAN_BUILD_DIR))
#   make docs   regenerate docs/generated from ODS

BUILD_DIR ?= build
BUILD_TYPE ?= Release
LLVM_PREFIX ?= /usr/lib/llvm-22
CMAKE_FLAGS ?=

.PHONY: gpu-bundle deps configure build demo test test-sanitized test-random fuzz docs bench bench-gpu plots clean

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -G Ninja -S . -B $(BUILD_DIR) \
	  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_C_COMPILER=$(LLVM_PREFIX)/bin/clang \
	  -DCMAKE_CXX_COMPILER=$(LLVM_PREFIX)/bin/clang++ \
	  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	ninja -C $(BUILD_DIR)

demo: build
	bash examples/demo.sh $(BUILD_DIR)

test: build
	ninja -C $(BUILD_DIR) check-rope

bench: build
	@mkdir -p bench/results
	$(BUILD_DIR)/bin/rope-bench --json bench/results/cpu.json | tee bench/results/cpu.txt
	/usr/bin/python3 bench/torch_bench.py bench/results/cpu.json | tee -a bench/results/cpu.txt
	-@command -v npm >/dev/null && [ ! -d $(BUILD_DIR)/ort/node_modules/onnxruntime-node ] && \
	  npm install --ignore-scripts --no-audit --no-fund --prefix $(BUILD_DIR)/ort onnxruntime-node >/dev/null
	/usr/bin/python3 bench/ort_bench.py bench/results/cpu.json \
	  --ort-node $(BUILD_DIR)/ort/node_modules/onnxruntime-node --tmp $(BUILD_DIR)/ort-bench | tee -a bench/results/cpu.txt
	/usr/bin/python3 bench/plot.py bench/results/cpu.json bench/results/cpu.png
	@if grep -qw avx512f /proc/cpuinfo; then \
	  echo "AVX-512 host: the AVX2 path too (the host without AVX-512)"; \
	  $(BUILD_DIR)/bin/rope-bench --filter=llama3-8b-qk --pipeline-options="cpu=host cpu-features=-avx512f" \
	    | tee bench/results/cpu-avx2-path.txt; \
	fi
	$(BUILD_DIR)/bin/rope-bf16-packing | tee bench/results/bf16-packing.txt
	/usr/bin/python3 bench/fusion_bench.py --rope-run $(BUILD_DIR)/bin/rope-run \
	  --tmp $(BUILD_DIR)/fusion-bench --json bench/results/fusion.json | tee bench/results/fusion.txt
	/usr/bin/python3 bench/raise_bench.py --rope-run $(BUILD_DIR)/bin/rope-run \
	  --tmp $(BUILD_DIR)/raise-bench --json bench/results/raise.json | tee bench/results/raise.txt
	@if command -v mpirun >/dev/null; then \
	  /usr/bin/python3 bench/scale_out_bench.py --rope-opt $(BUILD_DIR)/bin/rope-opt \
	    --rope-aot $(BUILD_DIR)/bin/rope-aot --tmp $(BUILD_DIR)/scale-out-bench \
	    --json bench/results/scale-out.json | tee bench/results/scale-out.txt; \
	else echo "scale-out benchmark skipped: no mpirun (make deps installs OpenMPI)"; fi

# RoFormer's long-term decay bound against m - n for the frequencies rope.inv_freq
# computes (default, linear, dynamic NTK, YaRN, Llama 3.1), through rope-run;
# test/Integration/CPU/long-term-decay.test checks what the plot shows.
plots: build
	@mkdir -p bench/results
	/usr/bin/python3 bench/decay_plot.py --rope-run $(BUILD_DIR)/bin/rope-run \
	  --out bench/results/decay.png | tee bench/results/decay.txt

# Needs an NVIDIA GPU with its driver (libcuda) and the CUDA toolkit at build
# time (for librope_cuda_runtime).
bench-gpu: build
	@mkdir -p bench/results
	$(BUILD_DIR)/bin/rope-bench-gpu --json bench/results/gpu.json | tee bench/results/gpu.txt

# The GPU check bundle (no GPU needed to build it): $(BUILD_DIR)/gpu-bundle/,
# run there with `sh run.sh` (bench/gpu-bundle/README.md, docs/gpu.md).
gpu-bundle: build
	ninja -C $(BUILD_DIR) rope-gpu-bundle
	@du -sh $(BUILD_DIR)/gpu-bundle

# The whole lit suite on a build with AddressSanitizer and UBSan (the CUDA
# runtime included); any report fails the test that triggered it.
SAN_BUILD_DIR ?= build-sanitized
test-sanitized: deps
	@test -f $(SAN_BUILD_DIR)/build.ninja || $(MAKE) --no-print-directory \
	  BUILD_DIR=$(SAN_BUILD_DIR) BUILD_TYPE=RelWithDebInfo \
	  CMAKE_FLAGS="-DROPE_ENABLE_SANITIZERS=ON -DROPE_ENABLE_FUZZERS=ON $(CMAKE_FLAGS)" $(SAN_BUILD_DIR)/build.ninja
	ninja -C $(SAN_BUILD_DIR) check-rope

# The randomized differential tests at length (the suite runs 100 cases of
# rope_random and 50 of raise_random, the rope-raise test).
CASES ?= 1000
RAISE_CASES ?= 500
SEED ?= 0
test-random: build
	/usr/bin/python3 test/lib/rope_random.py --rope-run $(BUILD_DIR)/bin/rope-run \
	  --tmp $(BUILD_DIR)/random --cases $(CASES) --seed $(SEED)
	/usr/bin/python3 test/lib/raise_random.py --rope-run $(BUILD_DIR)/bin/rope-run \
	  --rope-opt $(BUILD_DIR)/bin/rope-opt --tmp $(BUILD_DIR)/raise-random \
	  --cases $(RAISE_CASES) --seed $(SEED)

# The libFuzzer targets on the sanitized build, FUZZ_SECONDS each
# (docs/fuzzing.md).
FUZZ_SECONDS ?= 600
fuzz:
	@test -f $(SAN_BUILD_DIR)/build.ninja || $(MAKE) --no-print-directory \
	  BUILD_DIR=$(SAN_BUILD_DIR) BUILD_TYPE=RelWithDebInfo \
	  CMAKE_FLAGS="-DROPE_ENABLE_SANITIZERS=ON -DROPE_ENABLE_FUZZERS=ON $(CMAKE_FLAGS)" $(SAN_BUILD_DIR)/build.ninja
	ninja -C $(SAN_BUILD_DIR) rope-fuzz-parse rope-fuzz-lower rope-fuzz-npy rope-fuzz-options
	bash scripts/fuzz.sh $(SAN_BUILD_DIR) $(FUZZ_SECONDS)

docs: configure
	ninja -C $(BUILD_DIR) rope-doc

clean:
	rm -rf $(BUILD_DIR)
