#!/usr/bin/env bash
# Regenerates scripts/release/hot-text.ld, the linker script that packs the code
# `ballast run` executes at the front of .text (docs/observability.md, "Ballast's own
# memory"). Builds `make release` with a link map, runs that binary under callgrind
# against libvirt with three idle guests for SECONDS (default 60) while scraping
# /metrics, /healthz and /v1/state every 2 s, and writes the script from the executed
# instruction addresses. Needs up.sh to have run; installs valgrind if missing.
#   scripts/release/profile-hot-text.sh [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/scripts/libvirt/common.sh"
seconds="${1:-60}"
work="$BALLAST_E2E_STATE/runs/hot-text"
mkdir -p "$work"

ensure_packages valgrind binutils python3
libvirt_answers || die "libvirtd does not answer on $BALLAST_E2E_URI: run scripts/libvirt/up.sh first"
bash "$root/guest/build.sh" >/dev/null

# Profiled without the current script: valgrind does not attribute code in .text.hot
# to the binary. valgrind 3.19 cannot read this toolchain's DWARF either; symbols and
# addresses are all it needs.
BALLAST_HOT_TEXT=off make -C "$root" release RELEASE_EXTRA="-Xlinker -Map=$work/ballast.map"
strip --strip-debug -o "$work/ballast" "$root/.build/release/ballast"

names=(ballast-e2e-hot-1 ballast-e2e-hot-2 ballast-e2e-hot-3)
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  undefine_guests "${names[@]}"
}
trap cleanup EXIT
boot_idle_guests "${names[@]}"

printf 'listen = "127.0.0.1:0"\ninterval = "2s"\n' > "$work/ballast.toml"
valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$work/callgrind.out" \
  "$work/ballast" run --connect "$BALLAST_E2E_URI" --config "$work/ballast.toml" > "$work/ballast.log" 2>&1 &
pid=$!
port="$(ballast_listen_port "$work/ballast.log" 120)"
end=$((SECONDS + seconds))
while [ "$SECONDS" -lt "$end" ]; do
  for path in metrics healthz v1/state; do curl -s -m 10 -o /dev/null "http://127.0.0.1:$port/$path" || true; done
  sleep 2
done
kill -TERM "$pid"; wait "$pid" || true; pid=""

python3 "$here/hot_text.py" --map "$work/ballast.map" --callgrind "$work/callgrind.out" \
  --object "$work/ballast" > "$here/hot-text.ld.new"
mv "$here/hot-text.ld.new" "$here/hot-text.ld"
make -C "$root" release
log "wrote $here/hot-text.ld and linked .build/release/ballast with it; measure with scripts/libvirt/measure-overhead.sh"
