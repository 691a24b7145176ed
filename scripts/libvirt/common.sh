# Shared settings for the real-guest harness scripts. Sourced, not run.
# BALLAST_E2E_STATE: where logs, pid files and the guest build live (outside git).
BALLAST_E2E_STATE="${BALLAST_E2E_STATE:-/var/tmp/ballast-e2e}"
BALLAST_E2E_URI="${BALLAST_E2E_URI:-qemu:///system}"
BALLAST_E2E_DAEMON_DIR="$BALLAST_E2E_STATE/daemons"

log() { echo "[ballast-e2e] $*" >&2; }
die() { echo "[ballast-e2e] error: $*" >&2; exit 1; }

# Installs the named Debian packages that are missing; does nothing when all are there.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "packages missing (${missing[*]}) and not root: install them or run as root"
    log "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# True when libvirtd answers on the harness URI.
libvirt_answers() {
  timeout 10 virsh -c "$BALLAST_E2E_URI" version >/dev/null 2>&1
}

# True when pid $1 is a live (not zombie) process named $2. A killed daemon can stay a
# zombie for a while where PID 1 reaps slowly; kill -0 alone would call it alive.
pid_alive() {
  local pid="${1:-}" name="${2:-}" state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state="$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)"
  [ "$state" != "Z" ] && [ "$state" != "X" ] || return 1
  [ -z "$name" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]
}

# Defines and starts one idle 256 MiB guest per name and waits for each to boot.
# The measurement scripts use them; guests are undefined with undefine_guests.
ballast_guest_script="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../guest" && pwd)/guest.sh"
boot_idle_guests() {
  local guest="$ballast_guest_script" n
  for n in "$@"; do "$guest" define "$n" --memory 256 >/dev/null 2>&1; "$guest" start "$n" >/dev/null 2>&1; done
  for n in "$@"; do "$guest" wait-ready "$n" 120 >/dev/null 2>&1 || die "$n did not boot"; done
}

undefine_guests() {
  local guest="$ballast_guest_script" n
  for n in "$@"; do "$guest" undefine "$n" >/dev/null 2>&1 || true; done
}

# Prints the port a `ballast run` writing its log to $1 listens on, waiting up to $2
# seconds for the log line; dies naming the log when it never comes.
ballast_listen_port() {
  local log="$1" seconds="$2" port="" _
  for _ in $(seq "$seconds"); do
    port="$(grep -o 'listen=127.0.0.1:[0-9]*' "$log" 2>/dev/null | head -n1 | cut -d: -f2 || true)"
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 1
  done
  die "ballast did not start listening within $seconds s (see $log)"
}
