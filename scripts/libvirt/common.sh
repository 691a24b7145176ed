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
