#!/usr/bin/env bash
# Builds Ballast's e2e guest image: the host's Debian kernel plus a busybox initramfs
# holding guest/init, the virtio balloon, console and virtio-mem modules and the host's Debian QEMU
# guest agent (qemu-ga with the shared libraries it links). Output (outside git):
#   $BALLAST_E2E_STATE/guest/vmlinuz         the kernel
#   $BALLAST_E2E_STATE/guest/initramfs.cpio.gz
# Rebuilt only when an input changes (init, this script, busybox, kernel, modules,
# qemu-ga and its libraries).
# Prints the output directory on stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../scripts/libvirt/common.sh"

ensure_packages linux-image-amd64 busybox-static cpio qemu-guest-agent

out="$BALLAST_E2E_STATE/guest"
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_balloon virtio_console virtio_mem)

# The newest kernel that has both an image in /boot and a module tree.
kver=""
for k in $(ls -1 /lib/modules | sort -V -r); do
  if [ -f "/boot/vmlinuz-$k" ]; then kver="$k"; break; fi
done
[ -n "$kver" ] || die "no kernel found with both /boot/vmlinuz-<v> and /lib/modules/<v>; install linux-image-amd64"
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox missing; install busybox-static"
file -b "$busybox" 2>/dev/null | grep -q dynamic && die "$busybox is dynamically linked; install busybox-static"

module_paths=()
for m in "${modules[@]}"; do
  p="$(find "/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" | head -n1)"
  [ -n "$p" ] || die "module $m not found under /lib/modules/$kver (is it built in? check /lib/modules/$kver/modules.builtin)"
  module_paths+=("$p")
done

# qemu-ga and what the dynamic loader resolves for it on this host: the shared
# libraries and the loader itself (ldd prints "name => path (addr)" and "path (addr)").
agent=/usr/sbin/qemu-ga
[ -x "$agent" ] || die "$agent missing; install qemu-guest-agent"
agent_libs=()
while read -r lib; do
  [ -f "$lib" ] || die "ldd $agent names $lib, which is not a file"
  agent_libs+=("$lib")
done < <(ldd "$agent" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
[ ${#agent_libs[@]} -gt 0 ] || die "ldd $agent listed no libraries; is qemu-ga still dynamically linked?"

inputs_hash="$( (printf '%s\n' "${agent_libs[@]}"
  cat "$here/init" "$here/build.sh" "$busybox" "/boot/vmlinuz-$kver" "${module_paths[@]}" \
    "$agent" "${agent_libs[@]}") | sha256sum | cut -d' ' -f1)"
if [ -f "$out/inputs.sha256" ] && [ "$(cat "$out/inputs.sha256")" = "$inputs_hash" ] \
   && [ -f "$out/initramfs.cpio.gz" ] && [ -f "$out/vmlinuz" ]; then
  log "guest image up to date in $out"
  echo "$out"
  exit 0
fi

log "building guest image for kernel $kver in $out"
mkdir -p "$out"
root="$(mktemp -d "$out/root.XXXXXX")"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/lib/modules" "$root/dev"
cp "$busybox" "$root/bin/busybox"
cp "$here/init" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
: > "$root/modules.order"
for i in "${!modules[@]}"; do
  m="${modules[$i]}" p="${module_paths[$i]}" dest="$root/lib/modules/${modules[$i]}.ko"
  case "$p" in
    *.ko.xz) xz -dc "$p" > "$dest" ;;
    *.ko.zst) zstd -q -dc "$p" > "$dest" ;;
    *.ko.gz) gzip -dc "$p" > "$dest" ;;
    *) cp "$p" "$dest" ;;
  esac
  echo "$m" >> "$root/modules.order"
done
# Libraries go to the path ldd resolved them at (dereferenced), so the loader finds
# them by the same names as on the host (/lib64/ld-linux-x86-64.so.2 is the PT_INTERP).
mkdir -p "$root/usr/sbin"
cp "$agent" "$root/usr/sbin/qemu-ga"
for lib in "${agent_libs[@]}"; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# The kernel needs /dev/console before /init runs to give it stdin/stdout.
mknod -m 600 "$root/dev/console" c 5 1
(cd "$root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet | gzip -9n) > "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
cp "/boot/vmlinuz-$kver" "$out/vmlinuz"
echo "$kver" > "$out/kernel-version"
echo "$inputs_hash" > "$out/inputs.sha256"
log "guest image built: $(du -h "$out/initramfs.cpio.gz" | cut -f1) initramfs, kernel $kver"
echo "$out"
