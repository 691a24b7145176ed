#!/usr/bin/env bash
# Stops the daemons that up.sh started (by their recorded pids) and nothing else.
# Guests are not touched here: the guest scripts destroy their own guests first.
# Idempotent: with no recorded pids it does nothing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/common.sh"

stop_daemon() {
  local name="$1" pidfile="$BALLAST_E2E_DAEMON_DIR/$1.pid" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  # Only signal the pid if it is still the daemon we started (pids get reused).
  if pid_alive "$pid" "$name"; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
      pid_alive "$pid" "$name" || break
      sleep 0.2
    done
    if pid_alive "$pid" "$name"; then
      log "$name (pid $pid) ignored SIGTERM for 10s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

stop_daemon libvirtd
stop_daemon virtlogd
