#!/usr/bin/env bash
# Installs the Debian packages Ballast builds and tests with. Idempotent: it only
# calls apt-get when a package is missing.
set -euo pipefail
packages=(pkg-config libvirt-dev libjson-c-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
