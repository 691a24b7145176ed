#!/usr/bin/env bash
# Brings up libvirtd (and virtlogd) for the real-guest tests on a machine without
# systemd: installs the Debian packages if missing, creates the QEMU driver's user,
# writes a minimal QEMU driver config, starts the daemons in the background with their
# logs under $BALLAST_E2E_STATE/daemons and records the pids it started, so that
# down.sh stops only those. Idempotent: a second run finds the daemon answering and
# does nothing. If a libvirtd that this script did not start already answers, it is
# used as is and never stopped by down.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/common.sh"

[ "$(id -u)" -eq 0 ] || die "up.sh must run as root (it installs packages and starts libvirtd)"

ensure_packages libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients \
  qemu-system-x86 linux-image-amd64 busybox-static

mkdir -p "$BALLAST_E2E_DAEMON_DIR" /var/log/libvirt/qemu

# Debian's QEMU driver parses its default user/group even when qemu.conf overrides
# them; without them it refuses to start ("Failed to parse user 'libvirt-qemu'").
# Debian 12's libvirt checks both the group `kvm` and a group named `libvirt-qemu`.
getent group kvm >/dev/null || groupadd --system kvm
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || \
  useradd --system --no-create-home --home-dir /var/lib/libvirt --gid kvm \
    --shell /usr/sbin/nologin libvirt-qemu

marker="# Written by Ballast's e2e harness (scripts/libvirt/up.sh)."
conf=/etc/libvirt/qemu.conf
if ! { [ -f "$conf" ] && head -n1 "$conf" | grep -qF "$marker"; }; then
  if [ -f "$conf" ]; then
    backup="$conf.before-ballast.$(date +%s)"
    cp -p "$conf" "$backup"
    log "existing $conf saved as $backup"
  fi
  cat > "$conf" <<CONF
$marker
# Root, no security driver, no dynamic ownership: the harness runs on build machines
# without systemd or AppArmor. stdio_handler file: QEMU's stdout/stderr go to
# /var/log/libvirt/qemu/<name>.log directly.
user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
stdio_handler = "file"
CONF
  log "wrote $conf"
  if libvirt_answers; then
    log "warning: libvirtd was already running; it reads $conf only at start"
  fi
fi

# Starts daemon $1 (a command name) in the background unless our recorded pid for it is alive.
start_daemon() {
  local name="$1"; shift
  local pidfile="$BALLAST_E2E_DAEMON_DIR/$name.pid"
  if [ -f "$pidfile" ] && pid_alive "$(cat "$pidfile")" "$name"; then
    log "$name already running (pid $(cat "$pidfile"), started by this harness)"
    return
  fi
  rm -f "$pidfile"
  # setsid: its own session, so the daemon outlives this shell and a Ctrl-C in it.
  # Close every inherited descriptor above 2 first: a caller may watch one to learn when
  # this script ends (Foundation's Process on Linux does), and a daemon holding it open
  # would make the script look like it never finished.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd="${fd##*/}"
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid "$name" "$@" >>"$BALLAST_E2E_DAEMON_DIR/$name.log" 2>&1 </dev/null
  ) &
  echo $! > "$pidfile"
  log "started $name (pid $!, log $BALLAST_E2E_DAEMON_DIR/$name.log)"
}

if libvirt_answers && [ ! -f "$BALLAST_E2E_DAEMON_DIR/libvirtd.pid" ]; then
  log "libvirtd already answers on $BALLAST_E2E_URI and was not started by this harness: using it"
  exit 0
fi

# Running (non-zombie) processes named $1.
live_pids() { local p; for p in $(pgrep -x "$1"); do pid_alive "$p" "$1" && echo "$p"; done; true; }

if [ -z "$(live_pids virtlogd)" ]; then
  start_daemon virtlogd
fi
if ! libvirt_answers; then
  if [ -n "$(live_pids libvirtd)" ] && [ ! -f "$BALLAST_E2E_DAEMON_DIR/libvirtd.pid" ]; then
    die "a libvirtd not started by this harness is running (pid $(live_pids libvirtd | tr '\n' ' ')) but does not answer on $BALLAST_E2E_URI; stop it or fix it, then rerun"
  fi
  start_daemon libvirtd
fi

wait_seconds="${BALLAST_E2E_LIBVIRT_WAIT:-30}"
for _ in $(seq 1 "$wait_seconds"); do
  if libvirt_answers; then
    log "libvirtd answers on $BALLAST_E2E_URI"
    exit 0
  fi
  if ! pid_alive "$(cat "$BALLAST_E2E_DAEMON_DIR/libvirtd.pid" 2>/dev/null)" libvirtd; then
    tail -n 20 "$BALLAST_E2E_DAEMON_DIR/libvirtd.log" >&2 || true
    die "libvirtd exited during start-up; see $BALLAST_E2E_DAEMON_DIR/libvirtd.log (last lines above)"
  fi
  sleep 1
done
tail -n 20 "$BALLAST_E2E_DAEMON_DIR/libvirtd.log" >&2 || true
die "libvirtd did not answer on $BALLAST_E2E_URI within ${wait_seconds}s; see $BALLAST_E2E_DAEMON_DIR/libvirtd.log"
