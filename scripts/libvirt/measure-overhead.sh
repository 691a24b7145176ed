#!/usr/bin/env bash
# Measures Ballast's own cost on the real-guest host (issue 3 target: under 1 % of one
# core and under 30 MB resident at a 2-s interval with three guests, over a minute).
# Boots three idle ballast-e2e-ovh-* guests, runs `ballast run` for DURATION seconds
# (default 60) after a 10-s warm-up while scraping /metrics every 2 s as Prometheus
# would, prints CPU % of one core and peak RSS (MiB and MB), removes the guests. Needs
# up.sh to have run, the guest image built and `make release` (the deployed build; pass
# another binary as the first argument to measure it instead).
#   scripts/libvirt/measure-overhead.sh [path/to/ballast] [DURATION]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/common.sh"
root="$(cd "$here/../.." && pwd)"
ballast="${1:-$root/.build/release/ballast}"
duration="${2:-60}"
[ -x "$ballast" ] || die "no ballast binary at $ballast (make release)"

names=(ballast-e2e-ovh-1 ballast-e2e-ovh-2 ballast-e2e-ovh-3)
trap 'undefine_guests "${names[@]}"' EXIT
boot_idle_guests "${names[@]}"

dir="$BALLAST_E2E_STATE/runs/overhead"; mkdir -p "$dir"
printf 'listen = "127.0.0.1:0"\ninterval = "2s"\n' > "$dir/ballast.toml"
"$ballast" run --connect "$BALLAST_E2E_URI" --config "$dir/ballast.toml" > "$dir/ballast.log" 2>&1 &
pid=$!
port="$(ballast_listen_port "$dir/ballast.log" 30)"
sleep 10
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz="$(getconf CLK_TCK)"
start_ticks="$(ticks)"; start_s="$(date +%s.%N)"; peak_kib=0
end=$((SECONDS + duration))
while [ "$SECONDS" -lt "$end" ]; do
  rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
  [ "$rss" -gt "$peak_kib" ] && peak_kib="$rss"
  [ $((SECONDS % 2)) -eq 0 ] && { curl -s -m 5 -o /dev/null "http://127.0.0.1:$port/metrics" || true; }
  sleep 1
done
end_ticks="$(ticks)"; end_s="$(date +%s.%N)"
kill -TERM "$pid"; wait "$pid" || true
awk -v t=$((end_ticks - start_ticks)) -v hz="$hz" -v s0="$start_s" -v s1="$end_s" -v rss="$peak_kib" \
  'BEGIN { wall = s1 - s0; printf "ballast over %.0f s with 3 guests: CPU %.2f %% of one core, peak RSS %.1f MiB (%.1f MB)\n", wall, 100 * t / hz / wall, rss / 1024, rss * 1024 / 1e6 }'
