#!/usr/bin/env bash
# Measures Ballast's own cost on the real-guest host (issue 14 target: private memory
# under 8 MiB beside three guests; issue 3: under 1 % of one core at a 2-s interval).
# Boots three idle ballast-e2e-ovh-* guests (only they are balanced: other domains on
# the host opt out), runs `ballast run` for DURATION seconds (default 60) after a 70-s
# warm-up, scraping /metrics every 2 s throughout as Prometheus would, and prints CPU %
# of one core and, from /proc/PID/smaps_rollup each second, the peak and final private
# memory (Private_Dirty + Private_Clean: the pages only this process maps, what stopping
# it would free), its dirty / clean split, RSS and PSS, in MiB. The warm-up covers
# start-up and the daemon's release of its start-up pages a minute in
# (StartupPageRelease.swift). Each binary starts with none of its file in the page
# cache, as after a reboot: what earlier runs or the build left cached changes which
# neighbouring pages the kernel maps. The last smaps of each run, summed per mapping, is
# left in $BALLAST_E2E_STATE/runs/overhead/private-by-mapping-N.txt. Needs up.sh to have
# run, the guest image built and `make release` (the deployed build; pass another binary
# as the first argument to measure it instead). Binaries after DURATION are measured in
# turn beside the same guests (`a 60 b a b` alternates two builds, one row each run).
#   scripts/libvirt/measure-overhead.sh [path/to/ballast] [DURATION] [path/to/ballast...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/common.sh"
root="$(cd "$here/../.." && pwd)"
binaries=("${1:-$root/.build/release/ballast}" "${@:3}")
duration="${2:-60}"
for b in "${binaries[@]}"; do [ -x "$b" ] || die "no ballast binary at $b (make release)"; done

names=(ballast-e2e-ovh-1 ballast-e2e-ovh-2 ballast-e2e-ovh-3)
trap 'undefine_guests "${names[@]}"' EXIT
boot_idle_guests "${names[@]}"

dir="$BALLAST_E2E_STATE/runs/overhead"; mkdir -p "$dir"
# Only its own guests are balanced: other domains on the host (a test run's) are left alone.
printf 'listen = "127.0.0.1:0"\ninterval = "2s"\n[vm."*"]\nopt_out = true\n[vm."ballast-e2e-ovh-*"]\nopt_out = false\n' \
  > "$dir/ballast.toml"
hz="$(getconf CLK_TCK)"

# Prints "private dirty clean rss pss" in KiB for pid $1.
memory_kib() {
  awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } /^Private_Dirty:/ { d = $2 }
       /^Private_Clean:/ { c = $2 } END { print d + c, d, c, r, p }' "/proc/$1/smaps_rollup"
}

# Writes the private KiB of each mapping of pid $1 (file path, [heap], [stack], or
# [anon] for the rest), largest first, to file $2.
private_by_mapping() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anon]" }
       /^Private_(Dirty|Clean):/ { kib[name] += $2; total += $2 }
       END { for (n in kib) if (kib[n] > 0) printf "%8d KiB  %s\n", kib[n], n
             printf "%8d KiB  total\n", total }' "/proc/$1/smaps" | sort -rn > "$2"
}

run=0
for ballast in "${binaries[@]}"; do
  run=$((run + 1))
  dd if="$ballast" iflag=nocache count=0 status=none
  "$ballast" run --connect "$BALLAST_E2E_URI" --config "$dir/ballast.toml" > "$dir/ballast.log" 2>&1 &
  pid=$!
  port="$(ballast_listen_port "$dir/ballast.log" 30)"
  warm_end=$((SECONDS + 70))
  while [ "$SECONDS" -lt "$warm_end" ]; do curl -s -m 5 -o /dev/null "http://127.0.0.1:$port/metrics" || true; sleep 2; done
  ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
  start_ticks="$(ticks)"; start_s="$(date +%s.%N)"
  peak=(0 0 0 0 0); peak_rss=0; peak_pss=0
  end=$((SECONDS + duration))
  while [ "$SECONDS" -lt "$end" ]; do
    read -r -a now < <(memory_kib "$pid")
    [ "${now[0]}" -gt "${peak[0]}" ] && peak=("${now[@]}")
    [ "${now[3]}" -gt "$peak_rss" ] && peak_rss="${now[3]}"
    [ "${now[4]}" -gt "$peak_pss" ] && peak_pss="${now[4]}"
    [ $((SECONDS % 2)) -eq 0 ] && { curl -s -m 5 -o /dev/null "http://127.0.0.1:$port/metrics" || true; }
    sleep 1
  done
  end_ticks="$(ticks)"; end_s="$(date +%s.%N)"
  read -r -a now < <(memory_kib "$pid")
  private_by_mapping "$pid" "$dir/private-by-mapping-$run.txt"
  kill -TERM "$pid"; wait "$pid" || true
  awk -v t=$((end_ticks - start_ticks)) -v hz="$hz" -v s0="$start_s" -v s1="$end_s" -v bin="$ballast" \
    -v p="${peak[*]}" -v f="${now[*]}" -v prss="$peak_rss" -v ppss="$peak_pss" '
    function mib(k) { return sprintf("%.1f", k / 1024) }
    BEGIN { split(p, pk); split(f, fn); wall = s1 - s0
      printf "%s over %.0f s with 3 guests: CPU %.2f %% of one core\n", bin, wall, 100 * t / hz / wall
      printf "  private peak %s MiB (dirty %s, clean %s), final %s MiB (dirty %s, clean %s)\n",
        mib(pk[1]), mib(pk[2]), mib(pk[3]), mib(fn[1]), mib(fn[2]), mib(fn[3])
      printf "  RSS peak %s, final %s MiB; PSS peak %s, final %s MiB\n", mib(prss), mib(fn[4]), mib(ppss), mib(fn[5]) }'
  echo "  private memory per mapping at the end: $dir/private-by-mapping-$run.txt"
  if grep -q "ticks paused" "$dir/ballast.log"; then
    echo "  not valid: ticks paused, libvirtd was unreachable during the run (see $dir/ballast.log)"
  fi
  others="$(virsh -q -c "$BALLAST_E2E_URI" list --name | grep -v '^ballast-e2e-ovh-' | grep -c . || true)"
  [ "$others" -eq 0 ] || echo "  not comparable: $others other domain(s) running at the end"
done
