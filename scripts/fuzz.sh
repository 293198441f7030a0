#!/usr/bin/env bash
# Runs the libFuzzer targets of a sanitized build (make fuzz; docs/fuzzing.md).
# usage: scripts/fuzz.sh BUILD_DIR SECONDS [target...]   (targets: parse lower npy options)
set -euo pipefail
build=$1; seconds=$2; shift 2
targets=${*:-parse npy lower options}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$build/fuzz
# verify_asan_link_order=0: -shared-libsan puts the ASan runtime after
# libFuzzer's in the load order, which is harmless here; allow_user_poisoning
# as in the sanitized suite (test/lit.cfg.py).
export ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0:verify_asan_link_order=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for t in $targets; do
  corpus=$work/corpus-$t
  mkdir -p "$corpus" "$work/crashes-$t"
  extra=()
  case $t in
    parse)
      # Seeds: every IR test case and example, one file per split.
      for f in "$root"/test/Dialect/Rope/*.mlir "$root"/examples/*.mlir; do
        awk -v out="$corpus/seed-$(basename "$f")" \
          '/^\/\/ -----/{n++; next} {print > (out "." n)}' "$f"
      done
      extra=(-dict="$root/tools/rope-fuzz/rope.dict" -max_len=4096) ;;
    npy)
      /usr/bin/python3 "$root/test/lib/make_bad_npy.py" "$corpus" >/dev/null
      extra=(-max_len=1024) ;;
    lower)
      # Each input is a whole configuration: full length from the start.
      extra=(-max_len=256 -len_control=0) ;;
    options)
      printf 'token-tile=16 parallel=false' > "$corpus/seed-cpu"
      printf 'chip=sm_90 format=isa block-size=128' > "$corpus/seed-gpu"
      extra=(-dict="$root/tools/rope-fuzz/options.dict" -max_len=256) ;;
  esac
  echo "== rope-fuzz-$t: ${seconds}s, corpus $corpus"
  "$build/bin/rope-fuzz-$t" -max_total_time="$seconds" -timeout=60 \
    -artifact_prefix="$work/crashes-$t/" -print_final_stats=1 "${extra[@]}" \
    "$corpus" 2>&1 | tee "$work/$t.log" | grep -E "^#[0-9]+[[:space:]]+(DONE|INITED)|ERROR|==|stat::" || true
  test "${PIPESTATUS[0]}" -eq 0
done
