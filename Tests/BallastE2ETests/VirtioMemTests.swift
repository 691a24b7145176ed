import Foundation
import Testing

/// Issue 11 item 1: virtio-mem as a second memory actuator, on real TCG guests with the
/// Debian kernel's virtio_mem driver (guest.sh's virtio-mem options: a NUMA cell holding
/// 256 MiB of boot memory, a 512 MiB device in 2 MiB blocks, hot-plugged memory onlined
/// movable). Ballast grows the guest past its boot memory by asking the device for
/// blocks as a fill grows and unplugs them after the fill is released; a guest without the
/// driver never plugs, and the unmet request is reported once and not sent again.
extension RealGuestTests {
    @Suite("virtio-mem: memory beyond the boot memory, plugged and unplugged")
    struct VirtioMem {

        /// A virtio-mem device as the live XML shows it: `<requested>` and `<current>`, bytes.
        struct DeviceSize {
            var requested: UInt64
            var plugged: UInt64
        }

        /// The device's `<requested>` and `<current>` in the live XML, bytes.
        static func device(_ guest: String) async throws -> DeviceSize {
            let xml = try await Virsh.run(["dumpxml", guest])
            func kib(_ element: String) throws -> UInt64? {
                let pattern = try NSRegularExpression(pattern: "<\(element) unit='KiB'>([0-9]+)</\(element)>")
                guard let match = pattern.firstMatch(in: xml, range: NSRange(xml.startIndex..., in: xml)),
                      let range = Range(match.range(at: 1), in: xml), let value = UInt64(xml[range]) else { return nil }
                return value << 10
            }
            guard let requested = try kib("requested") else {
                throw HarnessError.unexpectedOutput(command: "virsh dumpxml \(guest)", detail: "no <requested> in the virtio-mem device")
            }
            // libvirt leaves <current> out while nothing is plugged.
            return DeviceSize(requested: requested, plugged: try kib("current") ?? 0)
        }

        /// The guest's MemTotal from its serial console's newest statistics line, bytes.
        static func memTotal(_ guest: String) -> UInt64? {
            SerialLog.lastStat(guest)["memtotal_kib"].flatMap(UInt64.init).map { $0 << 10 }
        }

        /// The guest of both fill tests: 256 MiB of boot memory and a 512 MiB device.
        static func fillGuest(_ name: String) -> GuestSpec {
            var guest = GuestSpec(name)
            guest.memoryMiB = 256
            guest.virtioMemMiB = 512
            return guest
        }

        /// Ballast on a fill guest, what it asks of the device following the guest's use.
        static func startDaemon(_ scenario: String) throws -> BallastDaemonProcess {
            try BallastDaemonProcess(scenario: scenario, config: "interval = \"2s\"\n" + BallastDaemonProcess.followsUse,
                                     arguments: ["--log-format", "json"])
        }

        /// Fills 320 MiB of tmpfs at 10 MiB a second, as a workload grows (more than the
        /// boot memory holds), and waits for Ballast to have the guest plug at least 160 MiB.
        /// Returns the device before and after, and the guest's MemTotal before.
        static func growPastBootMemory(_ guest: GuestSpec, port: Int, daemon: BallastDaemonProcess)
            async throws -> (idle: DeviceSize, idleTotal: UInt64, grown: DeviceSize) {
            try await GuestShell.waitForAgent(guest.name)
            try await GuestShell.run(guest.name, "mkdir -p /mnt/fill && mount -t tmpfs -o size=600m fill /mnt/fill")
            try await eventually("the device in /v1/state", within: 60, every: 0.5, hint: "log: \(daemon.logPath)") {
                await DaemonState.fetch(port: port)?.vm(guest.name)?.virtioMem != nil
            }
            let idle = try await device(guest.name)
            let idleTotal = memTotal(guest.name) ?? 0
            let fill = try await GuestShell.start(guest.name, """
                i=0; while [ $i -lt 32 ]; do dd if=/dev/zero of=/mnt/fill/f$i bs=1M count=10 2>/dev/null \
                || exit 1; i=$((i + 1)); sleep 1; done
                """)
            try await GuestShell.wait(fill, within: 180)
            var grown = idle
            try await eventually("blocks plugged past the boot memory", within: 90, every: 1, hint: "log: \(daemon.logPath)") {
                grown = try await device(guest.name)
                return grown.plugged >= 160 * bytesPerMiB && grown.plugged == grown.requested
            }
            return (idle, idleTotal, grown)
        }

        @Test("a fill grows the guest by plugged blocks past its boot memory; after release they are unplugged")
        func plugAndUnplug() async throws {
            try await balancingScenario {
                let guest = Self.fillGuest("vmem")
                try await withGuests([guest]) {
                    let daemon = try Self.startDaemon("virtio-mem")
                    let port = try await daemon.listenPort()
                    let (idle, idleTotal, grown) = try await Self.growPastBootMemory(guest, port: port, daemon: daemon)
                    try await Task.sleep(for: .seconds(6))
                    let grownTotal = Self.memTotal(guest.name) ?? 0
                    let state = try #require(await DaemonState.fetch(port: port)?.vm(guest.name))
                    let reported = try #require(state.virtioMem)
                    #expect(reported.bootMemoryBytes == 256 * bytesPerMiB)
                    #expect(reported.pluggedBytes >= 160 * bytesPerMiB, "/v1/state shows \(reported.pluggedBytes >> 20) MiB plugged")
                    // libvirt counts the plugged memory in the domain's memory, and so does Ballast.
                    #expect(state.current.memoryBytes >= 256 * bytesPerMiB + reported.pluggedBytes - 2 * bytesPerMiB)
                    try await GuestShell.run(guest.name, "! dmesg | grep -q -i -e 'killed process' -e 'oom-kill'")

                    try await GuestShell.run(guest.name, "rm -f /mnt/fill/*")
                    var released = grown
                    try await eventually("the blocks unplugged after the release", within: 120, every: 1,
                                         hint: "log: \(daemon.logPath)") {
                        released = try await Self.device(guest.name)
                        return released.requested <= 32 * bytesPerMiB && released.plugged == released.requested
                    }
                    // The guest's MemTotal comes from its serial statistics line, printed every 5 s by
                    // a shell loop in a TCG guest that can fall behind (CI on 6dbe86b: the device at
                    // 0 plugged, the newest line 6 s later still read 364 MiB, more than the 256 MiB of
                    // boot memory hold, so a line from before the unplug): wait for a newer one.
                    var releasedTotal = grownTotal
                    let memTotalLag = try await eventually("MemTotal falls by more than 128 MiB from \(grownTotal >> 20) MiB",
                                                           within: 60, every: 1, hint: "log: \(daemon.logPath)") {
                        releasedTotal = Self.memTotal(guest.name) ?? grownTotal
                        return releasedTotal + 128 * bytesPerMiB < grownTotal
                    }
                    let asked = DecisionLog.applied(vm: guest.name, path: daemon.logPath).filter { $0.kind == "memory" }
                    print("""
                        [virtio-mem] idle: requested \(idle.requested >> 20) MiB, plugged \(idle.plugged >> 20) MiB, \
                        MemTotal \(idleTotal >> 20) MiB; 320 MiB filled: requested \(grown.requested >> 20) MiB, \
                        plugged \(grown.plugged >> 20) MiB, MemTotal \(grownTotal >> 20) MiB; released: requested \
                        \(released.requested >> 20) MiB, plugged \(released.plugged >> 20) MiB, MemTotal \
                        \(releasedTotal >> 20) MiB (\(Int(memTotalLag)) s after the device); \(asked.count) \
                        memory changes applied
                        """)
                    #expect(try await daemon.stop() == 0)
                }
            }
        }

        /// Shrinking past what the guest can unplug: with the driver's `unplug_online` off
        /// (a module parameter the guest can set at run time), none of the blocks it has
        /// onlined can go, as with memory the guest cannot migrate out of a block. After the
        /// release Ballast asks the device for less; the guest keeps its blocks; Ballast
        /// reports the unmet request once (log, /v1/state, metric), does not send it again
        /// and counts the memory still plugged as the guest's.
        @Test("shrinking past what the guest can unplug: the blocks stay, the unmet request is reported once, the guest lives")
        func unplugRefused() async throws {
            try await balancingScenario {
                let guest = Self.fillGuest("vmem-stuck")
                try await withGuests([guest]) {
                    let daemon = try Self.startDaemon("virtio-mem-stuck")
                    let port = try await daemon.listenPort()
                    _ = try await Self.growPastBootMemory(guest, port: port, daemon: daemon)
                    try await GuestShell.run(guest.name, "echo N > /sys/module/virtio_mem/parameters/unplug_online && "
                                                         + "grep -qx N /sys/module/virtio_mem/parameters/unplug_online")
                    // What stays plugged is measured once the switch is in force: a smaller size Ballast
                    // asked for just before it (its estimate follows the fill's use) may still be
                    // unplugging (CI run 52: asked 358 MiB of 462 as the switch was set; 358 stayed).
                    // `eventually` checks at once, so the first reading is compared with one 3 s later
                    // (CI run 62: two readings a moment apart both said 402 MiB while a request for
                    // 344 sent before the switch was still unplugging; 344 stayed).
                    var grown = try await Self.device(guest.name)
                    try await Task.sleep(for: .seconds(3))
                    try await eventually("the plugged size steady with unplug_online off", within: 30, every: 3,
                                         hint: "log: \(daemon.logPath)") {
                        let now = try await Self.device(guest.name)
                        defer { grown = now }
                        return now.plugged == grown.plugged
                    }
                    try await GuestShell.run(guest.name, "rm -f /mnt/fill/*")
                    var asked = grown
                    try await eventually("Ballast asks the device for less after the release", within: 60, every: 1,
                                         hint: "log: \(daemon.logPath)") {
                        asked = try await Self.device(guest.name)
                        return asked.requested + 128 * bytesPerMiB <= grown.plugged
                    }
                    var unmet: DaemonState.VirtioMem?
                    try await eventually("the unmet request reported", within: 60, every: 1, hint: "log: \(daemon.logPath)") {
                        unmet = await DaemonState.fetch(port: port)?.vm(guest.name)?.virtioMem
                        return unmet?.unmetForSeconds != nil
                    }
                    // Ten more seconds (five ticks) in which nothing may be sent again.
                    try await Task.sleep(for: .seconds(10))
                    let stuck = try await Self.device(guest.name)
                    #expect(stuck.plugged >= grown.plugged - 2 * bytesPerMiB,
                            "the guest unplugged \((grown.plugged - stuck.plugged) >> 20) MiB with unplug_online off")
                    #expect(stuck.requested < stuck.plugged)
                    let state = try #require(await DaemonState.fetch(port: port)?.vm(guest.name))
                    #expect(state.virtioMem?.pluggedBytes == stuck.plugged, "/v1/state: \(String(describing: state.virtioMem))")
                    #expect(state.virtioMem?.requestedBytes == stuck.requested)
                    // What the guest holds counts as its memory, plugged blocks included.
                    #expect(state.current.memoryBytes >= stuck.plugged, "current \(state.current.memoryBytes >> 20) MiB")
                    let log = (try? String(contentsOfFile: daemon.logPath, encoding: .utf8)) ?? ""
                    let lines = log.split(separator: "\n")
                    let warnings = lines.filter { $0.contains("its virtio-mem device was asked for") && $0.contains(guest.name) }
                    let requests = lines.filter { $0.contains("virtio-mem asked for") && $0.contains(guest.name) }
                    let resent = lines.drop { !$0.contains("its virtio-mem device was asked for") }
                        .filter { $0.contains("virtio-mem asked for") && $0.contains(guest.name) }
                    #expect(warnings.count == 1, "the unmet request was reported \(warnings.count) times")
                    #expect(resent.isEmpty, "requests sent after the report: \(resent)")
                    let metrics = try await Shell.run("curl", ["-sf", "http://127.0.0.1:\(port)/metrics"], timeout: 5).stdout
                    let unmetSeries = metrics.split(separator: "\n").first {
                        $0.hasPrefix("ballast_vm_virtio_mem_unmet{") && $0.contains("domain=\"\(guest.name)\"")
                    }
                    #expect(unmetSeries?.hasSuffix(" 1") == true, "/metrics: \(unmetSeries ?? "no ballast_vm_virtio_mem_unmet")")
                    // The guest lives: its agent answers, no OOM kill, no panic.
                    try await GuestShell.run(guest.name, "! dmesg | grep -q -i -e 'killed process' -e 'oom-kill'")
                    let console = (try? String(contentsOfFile: HarnessPaths.serialLog(guest.name), encoding: .utf8)) ?? ""
                    #expect(!console.contains("Kernel panic"))
                    #expect(daemon.isRunning)
                    print("""
                        [virtio-mem] unplug refused: grown to \(grown.plugged >> 20) MiB plugged; after the release \
                        asked for \(stuck.requested >> 20) MiB, \(stuck.plugged >> 20) MiB still plugged; reported after \
                        \(Int(unmet?.unmetForSeconds ?? 0)) s: \(warnings.count) warning, \(requests.count) requests in all, \
                        \(resent.count) after the report
                        """)
                    #expect(try await daemon.stop() == 0)
                }
            }
        }

        @Test("a guest without the virtio_mem driver plugs nothing: reported once, the request not sent again")
        func unmetRequest() async throws {
            try await balancingScenario {
                var guest = GuestSpec("vmem-nodriver")
                guest.memoryMiB = 256
                guest.virtioMemMiB = 256
                guest.noModules = "virtio_mem"
                try await withGuests([guest]) {
                    // A floor above the boot memory: only the device can give it.
                    let daemon = try BallastDaemonProcess(scenario: "virtio-mem-unmet", config: """
                        interval = "2s"
                        [allocator]
                        distribute_surplus = false
                        [vm."\(guest.name)"]
                        floor_memory = "384MiB"
                        """, arguments: ["--log-format", "json"])
                    let port = try await daemon.listenPort()
                    try await eventually("the device asked for 128 MiB", within: 60, every: 0.5, hint: "log: \(daemon.logPath)") {
                        try await Self.device(guest.name).requested == 128 * bytesPerMiB
                    }
                    var unmet: DaemonState.VirtioMem?
                    try await eventually("the unmet request reported", within: 60, every: 1, hint: "log: \(daemon.logPath)") {
                        unmet = await DaemonState.fetch(port: port)?.vm(guest.name)?.virtioMem
                        return unmet?.unmetForSeconds != nil
                    }
                    #expect(unmet?.requestedBytes == 128 * bytesPerMiB)
                    #expect(unmet?.pluggedBytes == 0)
                    #expect(try await Self.device(guest.name).plugged == 0)
                    try await Task.sleep(for: .seconds(6))
                    let log = (try? String(contentsOfFile: daemon.logPath, encoding: .utf8)) ?? ""
                    let warnings = log.split(separator: "\n").filter { $0.contains("its virtio-mem device was asked for") }
                    let requests = log.split(separator: "\n").filter { $0.contains("virtio-mem asked for") }
                    #expect(warnings.count == 1, "the unmet request was reported \(warnings.count) times")
                    #expect(requests.count == 1, "the request was sent \(requests.count) times")
                    #expect(daemon.isRunning)
                    // doctor, read-only, says the same of the domain.
                    let doctor = try await Shell.run(HarnessPaths.ballastBinary,
                                                     ["doctor", "--connect", HarnessPaths.uri, "--domain", guest.name], timeout: 120)
                    let line = doctor.stdout.split(separator: "\n").first { $0.contains("virtio-mem") }.map(String.init) ?? ""
                    #expect(line.contains("WARNING") && line.contains("0 B plugged of 128.0 MiB requested"), "\(doctor.stdout)")
                    print("[virtio-mem] no driver: requested 128 MiB, plugged 0 after \(Int(unmet?.unmetForSeconds ?? 0)) s: "
                          + "\(warnings.count) warning, \(requests.count) request")
                    #expect(try await daemon.stop() == 0)
                }
            }
        }
    }
}
