import Foundation
import Testing
import BallastTestFixtures

/// Issue 10, part 1: what the shipped systemd unit runs is what balances real guests.
/// The test reads contrib/ballast.service and runs its ExecStartPre and ExecStart lines
/// word for word, except the binary's path (the build under test, not /usr/bin) and the
/// config's path (a copy of contrib/ballast.toml adapted for the test host, each change
/// with its reason). Run alone: `swift test --skip-build --filter UnitCommandLine`.
extension RealGuestTests {
    @Suite("Unit command line: contrib/ballast.service's ExecStart on real guests")
    struct UnitCommandLineOnGuests {

        @Test("the unit's ExecStartPre and ExecStart, with the shipped config adapted for the test host, move real balloons")
        func unitCommandMovesBalloons() async throws {
            let root = HarnessPaths.repositoryRoot
            let unit = try UnitCommandLine(unitPath: root.appendingPathComponent("contrib/ballast.service").path)
            // A idles at 256 MiB of 512 and then fills 192 MiB; B idles at 1 GiB. Under the
            // 1280 MiB cap below, the balancer must take from B and give to A.
            var a = GuestSpec("deb-unit-a")
            a.memoryMiB = 512
            a.currentMiB = 256
            a.workload = "mem:fill=192M,at=40,step=16M"
            var b = GuestSpec("deb-unit-b")
            b.memoryMiB = 1024
            let capMiB: UInt64 = 1280

            var config = try AdaptedConfig(path: root.appendingPathComponent("contrib/ballast.toml").path)
            try config.set("listen", to: "\"127.0.0.1:0\"", mustExist: true,
                           because: "the unit's port may be taken on a shared test host; the kernel picks one and the test reads it from the log")
            try config.set("dry_run", to: "false", mustExist: true,
                           because: "the shipped file only watches; the test proves that balloons move")
            try config.set("connect", to: "\"\(HarnessPaths.uri)\"", mustExist: true,
                           because: "the harness's libvirtd (BALLAST_E2E_URI, qemu:///system by default, as shipped)")
            try config.set("guest_memory", to: "\"\(capMiB)MiB\"", in: "host",
                           because: "the test host's free memory would let both guests sit at their ceilings; a cap makes them compete as on a full host")
            let directory = try HarnessPaths.runDirectory("deb-unit-command")
            let configPath = "\(directory)/ballast.toml"
            try config.text.write(toFile: configPath, atomically: true, encoding: .utf8)
            let binary = HarnessPaths.ballastBinary

            try await withGuests([a, b]) {
                try await eventually("\(a.name) inflated to 256 MiB", within: 60, every: 0.5) {
                    try await Virsh.balloonKiB(a.name) <= 256 * kibPerMiB
                }
                let others = OtherBalancers.running(excluding: 0)
                try #require(others.isEmpty, """
                    another balancer runs on this machine and would move the same balloons; rerun when it is gone:
                    \(others.joined(separator: "\n"))
                    """)
                let before = try await Self.virshView([a.name, b.name])
                let (startA, startB) = (try await Virsh.balloonKiB(a.name), try await Virsh.balloonKiB(b.name))

                let preStart = try await unit.runPreStart(binary: binary, config: configPath)
                let start = unit.adapted(unit.start, binary: binary, config: configPath)
                let daemon = try BallastDaemonProcess(scenario: "deb-unit-command", executable: start.executable,
                                                      arguments: start.arguments)
                let port = try await daemon.listenPort()
                let state = try #require(await DaemonState.fetch(port: port), "no /v1/state; log: \(daemon.logPath)")
                #expect(state.backend?.kind == "libvirt" && state.backend?.simulated == false,
                        "the unit's command line does not balance libvirt: \(String(describing: state.backend))")
                #expect(daemon.logLines(containing: "SIMULATED").isEmpty, "the daemon says it simulates:\n\(daemon.log)")

                var (peakA, lowB) = (startA, startB)
                try await eventually("A grows and B shrinks by >= 64 MiB each, A fills", within: 180, every: 1,
                                     hint: "log: \(daemon.logPath)") {
                    peakA = max(peakA, try await Virsh.balloonKiB(a.name))
                    lowB = min(lowB, try await Virsh.balloonKiB(b.name))
                    let filled = SerialLog.contains(a.name, "mem-filled") || SerialLog.contains(a.name, "mem-fill-failed")
                    return peakA >= startA + 64 * kibPerMiB && lowB + 64 * kibPerMiB <= startB && filled && daemon.isRunning
                }
                let after = try await Self.virshView([a.name, b.name])
                let (endA, endB) = (try await Virsh.balloonKiB(a.name), try await Virsh.balloonKiB(b.name))
                #expect(!SerialLog.contains(a.name, "mem-fill-failed"), "A could not fill 192 MiB: Ballast did not grow it")
                #expect(endA + endB <= (capMiB + 16) * kibPerMiB, "the guests hold \((endA + endB) / kibPerMiB) MiB, over the cap")
                print("""
                    [unit-command] \(unit.unitPath)
                    [unit-command] $ \(unit.preStart.map { $0.words.joined(separator: " ") }.joined(separator: "\n$ "))
                    [unit-command] $ \(unit.start.words.joined(separator: " "))
                    [unit-command] ran: \((unit.preStart.map { unit.adapted($0, binary: binary, config: configPath) } + [start])
                        .map { $0.words.joined(separator: " ") }.joined(separator: " ; "))
                    [unit-command] ExecStartPre said: \(preStart.map { ($0.stdout + $0.stderr).trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: " | "))
                    [unit-command] config changes: \(config.changes.joined(separator: "\n[unit-command]   "))
                    [unit-command] balloon A \(startA / kibPerMiB) -> peak \(peakA / kibPerMiB) -> \(endA / kibPerMiB) MiB, \
                    B \(startB / kibPerMiB) -> low \(lowB / kibPerMiB) -> \(endB / kibPerMiB) MiB
                    [unit-command] virsh before (ballast not started):
                    \(before)
                    [unit-command] virsh after:
                    \(after)
                    """)
                #expect(daemon.isRunning, "ballast stopped; log: \(daemon.logPath)")
                #expect(try await daemon.stop() == 0)
            }
        }

        /// `virsh dominfo` and `virsh dommemstat` of each guest, as printed.
        static func virshView(_ guests: [String]) async throws -> String {
            var view = ""
            for guest in guests {
                view += "$ virsh dominfo \(guest)\n\(try await Virsh.run(["dominfo", guest]))"
                view += "$ virsh dommemstat \(guest)\n\(try await Virsh.run(["dommemstat", guest]))"
            }
            return view
        }
    }
}
