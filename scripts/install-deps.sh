#!/usr/bin/env bash
# Installs what Ballast builds and tests with, idempotently: Debian packages only
# when missing (one apt-get call), Python test packages only when not importable.
#   scripts/install-deps.sh          build + demo needs (and dpkg-dev for make deb)
#   scripts/install-deps.sh --test   also what the test suites need (promtool,
#                                    Prometheus, libvirtd + QEMU + a kernel for
#                                    real guests, headless Chromium for the
#                                    simulator's HTML report, lintian for the
#                                    Debian package, tmux for the live dashboard's
#                                    terminal test, Python test packages,
#                                    and what --bench installs)
#   scripts/install-deps.sh --bench  also valgrind, for the performance guards'
#                                    instruction counts (make bench-check)
set -euo pipefail
packages=(pkg-config libvirt-dev libxml2-dev libjson-c-dev dpkg-dev)
if [ "${1:-}" = "--test" ]; then
  packages+=(prometheus libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
             qemu-system-x86 qemu-utils linux-image-amd64 busybox-static cpio gzip chromium
             lintian tmux)
fi
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--bench" ]; then
  packages+=(valgrind binutils)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--test" ]; then
  if ! python3 -c 'import prometheus_client, jsonrpcserver, jsonschema' 2>/dev/null; then
    echo "install-deps: installing Python test packages"
    python3 -m pip install --quiet --disable-pip-version-check prometheus_client 'jsonrpcserver>=5,<6' jsonschema
  fi
fi
