#!/usr/bin/env bash
# Installs everything rope-mlir needs on a Debian bookworm machine.
# Idempotent: skips apt when every package is already present.
set -euo pipefail
PKGS=(libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22
      ninja-build cmake ccache make python3-numpy python3-matplotlib
      zlib1g-dev libzstd-dev libedit-dev libxml2-dev libffi-dev libomp-22-dev libclang-rt-22-dev
      qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      openmpi-bin libopenmpi-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
