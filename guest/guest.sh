#!/usr/bin/env bash
# Defines, starts, waits for, destroys and undefines Ballast's e2e guests on
# $BALLAST_E2E_URI (default qemu:///system). Guest names must start with "ballast-e2e-"
# so that cleanup never touches anyone else's domains (it also destroys the libvirt-level
# suite's orphaned ballast-lvtest-<pid> guests).
#
#   guest.sh xml NAME [options]      print the domain XML
#   guest.sh define NAME [options]   define (replacing an existing ballast-e2e- guest)
#   guest.sh start NAME              start; truncates the serial log
#   guest.sh wait-ready NAME [SECS]  wait for BALLAST-READY on the serial log (default 90 s)
#   guest.sh serial-log NAME         print the serial log's path
#   guest.sh destroy NAME | undefine NAME
#   guest.sh cleanup                 destroy and undefine every ballast-e2e- guest, and destroy
#                                    ballast-lvtest-<pid> guests whose test process is gone
#
# Options: --memory MIB (ceiling, <memory>, default 384)  --current MIB (<currentMemory>,
#   default = memory)  --vcpus MAX (default 2)  --current-vcpus N (default 1)
#   --shares N (<cputune><shares>)  --workload W (ballast.workload=, default idle)
#   --nomod LIST (ballast.nomod=, e.g. virtio_balloon)  --metadata-file FILE (XML put
#   inside <metadata>)  --cmdline-extra "ARGS"
#   Devices (for `ballast doctor`'s tests; defaults as before): --initrd FILE (another
#   initramfs, e.g. guest/build-noballoon.sh's)  --no-stats-period  --no-agent-channel
#   --autodeflate  --free-page-reporting
#   --virtio-mem MIB (a virtio-mem device of that size on top of --memory, the boot memory)
#   --virtio-mem-requested MIB (its size plugged at start, default 0)
#   --virtio-mem-block MIB (its block size, default 2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../scripts/libvirt/common.sh"

guest_dir="$BALLAST_E2E_STATE/guest"
serial_dir="$BALLAST_E2E_STATE/serial"
prefix="ballast-e2e-"
v() { virsh -q -c "$BALLAST_E2E_URI" "$@"; }

check_name() {
  case "${1:-}" in
    "$prefix"?*) ;;
    *) die "guest name '${1:-}' must start with '$prefix'" ;;
  esac
  [[ "$1" =~ ^[A-Za-z0-9._-]+$ ]] || die "guest name '$1' may contain only letters, digits, '.', '_' and '-'"
}

render_xml() {
  local name="$1"; shift
  local memory=384 current="" vcpus=2 cur_vcpus=1 shares="" workload=idle nomod="" metadata_file="" extra=""
  local initrd="$guest_dir/initramfs.cpio.gz" stats_period=1 agent_channel=1 balloon_attributes=""
  local vmem_size="" vmem_requested=0 vmem_block=2
  while [ $# -gt 0 ]; do
    case "$1" in
      --memory) memory="$2"; shift 2 ;;
      --current) current="$2"; shift 2 ;;
      --vcpus) vcpus="$2"; shift 2 ;;
      --current-vcpus) cur_vcpus="$2"; shift 2 ;;
      --shares) shares="$2"; shift 2 ;;
      --workload) workload="$2"; shift 2 ;;
      --nomod) nomod="$2"; shift 2 ;;
      --metadata-file) metadata_file="$2"; shift 2 ;;
      --cmdline-extra) extra="$2"; shift 2 ;;
      --initrd) initrd="$2"; shift 2 ;;
      --no-stats-period) stats_period=0; shift ;;
      --no-agent-channel) agent_channel=0; shift ;;
      --autodeflate) balloon_attributes="$balloon_attributes autodeflate='on'"; shift ;;
      --free-page-reporting) balloon_attributes="$balloon_attributes freePageReporting='on'"; shift ;;
      --virtio-mem) vmem_size="$2"; shift 2 ;;
      --virtio-mem-requested) vmem_requested="$2"; shift 2 ;;
      --virtio-mem-block) vmem_block="$2"; shift 2 ;;
      *) die "unknown option '$1' for guest $name (see the header of $0)" ;;
    esac
  done
  current="${current:-$memory}"
  for n in "$memory" "$current" "$vcpus" "$cur_vcpus" ${shares:+"$shares"} ${vmem_size:+"$vmem_size"} \
           "$vmem_requested" "$vmem_block"; do
    [[ "$n" =~ ^[0-9]+$ ]] || die "guest $name: '$n' is not a whole number"
  done
  [ "$current" -le "$memory" ] || die "guest $name: --current $current exceeds --memory $memory"
  [ "$cur_vcpus" -le "$vcpus" ] || die "guest $name: --current-vcpus $cur_vcpus exceeds --vcpus $vcpus"
  [[ "$workload" =~ ^[A-Za-z0-9:,=+._-]+$ ]] || die "guest $name: workload '$workload' has characters the kernel command line cannot carry"
  [ -f "$guest_dir/vmlinuz" ] && [ -f "$guest_dir/initramfs.cpio.gz" ] \
    || die "guest image missing in $guest_dir; run guest/build.sh first"
  [ -f "$initrd" ] || die "guest $name: initramfs $initrd not found (guest/build-noballoon.sh builds the variant)"

  # no_timer_check: under TCG on a busy host the kernel's IO-APIC timer check can fail
  # and panic at boot ("IO-APIC + timer doesn't work!").
  local cmdline="console=ttyS0 quiet loglevel=3 panic=-1 no_timer_check ballast.workload=$workload"
  [ -n "$nomod" ] && cmdline="$cmdline ballast.nomod=$nomod"
  [ -n "$extra" ] && cmdline="$cmdline $extra"
  local cputune="" metadata=""
  [ -n "$shares" ] && cputune="  <cputune>
    <shares>$shares</shares>
  </cputune>
"
  if [ -n "$metadata_file" ]; then
    [ -f "$metadata_file" ] || die "guest $name: metadata file $metadata_file not found"
    metadata="  <metadata>
$(cat "$metadata_file")
  </metadata>
"
  fi
  local agent="" stats=""
  [ "$agent_channel" = 1 ] && agent="    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
"
  [ "$stats_period" = 1 ] && stats="      <stats period='2'/>
"
  # virtio-mem: <memory> is the boot memory (the NUMA cell) plus the device; the guest
  # onlines hot-plugged blocks as movable so that they can be unplugged again.
  local max_memory="" cpu_numa="" memory_devices="" total_memory="$memory"
  if [ -n "$vmem_size" ]; then
    [ "$vmem_requested" -le "$vmem_size" ] || die "guest $name: --virtio-mem-requested $vmem_requested exceeds --virtio-mem $vmem_size"
    total_memory=$((memory + vmem_size))
    max_memory="  <maxMemory slots='4' unit='MiB'>$((total_memory + 1024))</maxMemory>
"
    cpu_numa="  <cpu>
    <numa>
      <cell id='0' cpus='0-$((vcpus - 1))' memory='$memory' unit='MiB'/>
    </numa>
  </cpu>
"
    memory_devices="    <memory model='virtio-mem'>
      <target>
        <size unit='MiB'>$vmem_size</size>
        <node>0</node>
        <block unit='MiB'>$vmem_block</block>
        <requested unit='MiB'>$vmem_requested</requested>
      </target>
    </memory>
"
    cmdline="$cmdline memhp_default_state=online_movable"
  fi
  local xml
  xml="$(cat "$here/domain.xml.template")"
  xml="${xml//@MAX_MEMORY@/$max_memory}"
  xml="${xml//@CPU_NUMA@/$cpu_numa}"
  xml="${xml//@MEMORY_DEVICES@/$memory_devices}"
  xml="${xml//@AGENT_CHANNEL@/$agent}"
  xml="${xml//@BALLOON_ATTRIBUTES@/$balloon_attributes}"
  xml="${xml//@BALLOON_STATS@/$stats}"
  xml="${xml//@INITRD@/$initrd}"
  xml="${xml//@NAME@/$name}"
  xml="${xml//@MEMORY_MIB@/$total_memory}"
  xml="${xml//@CURRENT_MIB@/$current}"
  xml="${xml//@MAX_VCPUS@/$vcpus}"
  xml="${xml//@CURRENT_VCPUS@/$cur_vcpus}"
  xml="${xml//@CPUTUNE@/$cputune}"
  xml="${xml//@METADATA@/$metadata}"
  xml="${xml//@GUEST_DIR@/$guest_dir}"
  xml="${xml//@CMDLINE@/$cmdline}"
  xml="${xml//@SERIAL_LOG@/$serial_dir/$name.log}"
  printf '%s\n' "$xml"
}

exists() { v dominfo "$1" >/dev/null 2>&1; }
running() { [ "$(v domstate "$1" 2>/dev/null)" = "running" ]; }
# Stops and/or removes a guest; tolerates it stopping or vanishing meanwhile (a guest
# that panics, or another cleanup), and fails only if the guest is still there.
stop_guest() {
  running "$1" && { v destroy "$1" >/dev/null 2>&1 || true; }
  if running "$1"; then die "could not destroy $1"; fi
}
remove_guest() {
  stop_guest "$1"
  exists "$1" && { v undefine "$1" >/dev/null 2>&1 || true; }
  if exists "$1"; then die "could not undefine $1"; fi
}

cmd="${1:-}"; shift || true
case "$cmd" in
  xml)
    check_name "${1:-}"; render_xml "$@" ;;
  define)
    check_name "${1:-}"; name="$1"
    mkdir -p "$serial_dir"
    xml_file="$BALLAST_E2E_STATE/xml/$name.xml"; mkdir -p "$(dirname "$xml_file")"
    render_xml "$@" > "$xml_file"
    remove_guest "$name"
    v define "$xml_file" >/dev/null
    log "defined $name ($xml_file)" ;;
  start)
    check_name "${1:-}"
    mkdir -p "$serial_dir"; : > "$serial_dir/$1.log"
    v start "$1" >/dev/null
    log "started $1 (serial log $serial_dir/$1.log)" ;;
  wait-ready)
    check_name "${1:-}"; name="$1"; limit="${2:-90}"; logf="$serial_dir/$name.log"
    start_s=$SECONDS
    while [ $((SECONDS - start_s)) -lt "$limit" ]; do
      if grep -q '^BALLAST-READY' "$logf" 2>/dev/null; then
        log "$name ready after $((SECONDS - start_s)) s: $(grep -m1 '^BALLAST-READY' "$logf")"
        exit 0
      fi
      running "$name" || die "$name is not running (state: $(v domstate "$name" 2>&1)); serial log: $logf, QEMU log: /var/log/libvirt/qemu/$name.log"
      sleep 1
    done
    die "$name printed no BALLAST-READY within ${limit}s; serial log: $logf" ;;
  serial-log)
    check_name "${1:-}"; echo "$serial_dir/$1.log" ;;
  destroy)
    check_name "${1:-}"
    if running "$1"; then stop_guest "$1"; log "destroyed $1"; fi ;;
  undefine)
    check_name "${1:-}"
    if exists "$1"; then remove_guest "$1"; log "undefined $1"; fi ;;
  cleanup)
    libvirt_answers || { log "libvirtd does not answer on $BALLAST_E2E_URI; nothing to clean up"; exit 0; }
    for name in $(v list --all --name | grep "^$prefix" || true); do
      remove_guest "$name"
      log "removed $name"
    done
    # The libvirt-level suite's transient guests are named ballast-lvtest-<pid of the test
    # process> and destroyed by it on exit; a test process that crashed left its guest
    # running, and the next balancing run would share the host with it.
    for name in $(v list --name | grep '^ballast-lvtest-[0-9][0-9]*$' || true); do
      kill -0 "${name#ballast-lvtest-}" 2>/dev/null && continue
      stop_guest "$name"
      log "destroyed $name, left by a test process that is gone"
    done ;;
  *)
    die "usage: $0 xml|define|start|wait-ready|serial-log|destroy|undefine|cleanup NAME [options] (see the header of this script)" ;;
esac
