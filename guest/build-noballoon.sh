#!/usr/bin/env bash
# Builds the "no balloon driver" variant of the e2e guest image, for `ballast doctor`'s
# real-guest tests: guest/build.sh's initramfs without virtio_balloon.ko (init then
# prints BALLAST-MODULE name=virtio_balloon loaded=0 and the guest reports no memory
# statistics). The default image is only read, never changed. Output (outside git):
#   $BALLAST_E2E_STATE/guest/initramfs-noballoon.cpio.gz
# Rebuilt only when the default image or this script changes. Prints the file's path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../scripts/libvirt/common.sh"

out="$BALLAST_E2E_STATE/guest"
source_image="$out/initramfs.cpio.gz"
variant="$out/initramfs-noballoon.cpio.gz"
[ -f "$source_image" ] && [ -f "$out/inputs.sha256" ] || die "default guest image missing in $out; run guest/build.sh first"

inputs_hash="$(cat "$out/inputs.sha256" "$here/build-noballoon.sh" | sha256sum | cut -d' ' -f1)"
if [ -f "$variant" ] && [ "$(cat "$out/inputs-noballoon.sha256" 2>/dev/null)" = "$inputs_hash" ]; then
  log "no-balloon guest image up to date: $variant"
  echo "$variant"
  exit 0
fi

root="$(mktemp -d "$out/root-noballoon.XXXXXX")"
trap 'rm -rf "$root"' EXIT
(cd "$root" && gzip -dc "$source_image" | cpio -i --quiet --make-directories --preserve-modification-time)
[ -f "$root/lib/modules/virtio_balloon.ko" ] || die "$source_image holds no lib/modules/virtio_balloon.ko; has guest/build.sh changed?"
# modules.order keeps the name: init tries it and logs loaded=0.
rm "$root/lib/modules/virtio_balloon.ko"
(cd "$root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet | gzip -9n) > "$variant.tmp"
mv "$variant.tmp" "$variant"
echo "$inputs_hash" > "$out/inputs-noballoon.sha256"
log "no-balloon guest image built: $variant"
echo "$variant"
