#!/usr/bin/env bash
# qemu user-mode emulation, to run the arm64 Lambda binaries on an x86-64 machine.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "qemu-aarch64-static is needed to run the arm64 binaries here: install qemu-user-static as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq qemu-user-static > /dev/null
