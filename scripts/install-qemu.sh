#!/usr/bin/env bash
# qemu user-mode emulation and arm64 glibc, to run the arm64 Lambda binaries on x86-64.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "qemu-aarch64-static is needed to run the arm64 binaries here: install qemu-user-static and libc6-arm64-cross as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq qemu-user-static libc6-arm64-cross > /dev/null
