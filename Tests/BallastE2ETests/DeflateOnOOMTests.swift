import Foundation
import Testing

/// Issue 11 item 3: a guest with `<memballoon autodeflate='on'>` that Ballast squeezed to
/// its idle size (no surplus handed out, shrinks at once), then filled faster than a slow Ballast (10-s ticks, no events) can grow
/// it. The guest takes memory back from the balloon instead of killing a process; Ballast
/// notices at its next tick (the estimate's `memory.self_deflate` signal, a log line) and
/// does not push the balloon back down. Beside it, a guest without autodeflate is reported
/// as having no safety net.
extension RealGuestTests {
    @Suite("Deflate-on-OOM awareness")
    struct DeflateOnOOM {
        static let fillMiB: UInt64 = 200

        @Test("a guest deflating its balloon by itself is seen within one tick and not shrunk back")
        func selfDeflation() async throws {
            try await balancingScenario {
                var safe = GuestSpec("deflate")
                safe.memoryMiB = 384
                safe.autodeflate = true
                var bare = GuestSpec("no-deflate")
                bare.memoryMiB = 256
                try await withGuests([safe, bare]) {
                    try await GuestShell.waitForAgent(safe.name)
                    try await GuestShell.run(safe.name, "mkdir -p /mnt/fill && mount -t tmpfs -o size=320m fill /mnt/fill")
                    let daemon = try BallastDaemonProcess(scenario: "deflate-on-oom", config: """
                        interval = "10s"
                        [events]
                        enabled = false
                        """ + "\n" + BallastDaemonProcess.followsUse)
                    let port = try await daemon.listenPort()
                    // Squeezed to its idle size: well below what the fill needs.
                    try await eventually("the idle guest shrunk below 230 MiB", within: 120, every: 1,
                                         hint: "log: \(daemon.logPath)") {
                        try await BalloonReading.read(safe.name).actual < 230 * bytesPerMiB
                    }
                    let state = try #require(await DaemonState.fetch(port: port))
                    #expect(state.vm(safe.name)?.spec?.balloonDeflatesOnOOM == true)
                    #expect(state.vm(bare.name)?.spec?.balloonDeflatesOnOOM == false)
                    let metrics = try await Shell.run("curl", ["-sf", "http://127.0.0.1:\(port)/metrics"], timeout: 5).stdout
                    #expect(metrics.contains("ballast_vm_balloon_deflate_on_oom{domain=\"\(bare.name)\""))

                    // A tick after the squeeze (the state may lag the apply by one), then one more:
                    // the squeeze holds (the balloon's pages are not counted as the guest's use).
                    let before = try #require(state.tick)
                    try await eventually("two ticks after the squeeze", within: 45, every: 0.2) {
                        (await DaemonState.fetch(port: port)?.tick ?? 0) >= before + 2
                    }
                    let squeezed = try await BalloonReading.read(safe.name).actual
                    // Idle it needs about 85 MiB used + 64 MiB headroom; counted with its balloon's pages
                    // (before they were taken out) it was grown straight back to 384 MiB.
                    #expect(squeezed < 260 * bytesPerMiB, "the squeezed guest was grown back to \(squeezed >> 20) MiB while idle")
                    // Fill right after that tick, so that Ballast sees it only at the next one.
                    let fillTick = await DaemonState.fetch(port: port)?.tick ?? 0
                    let fill = try await GuestShell.start(safe.name,
                                                          "dd if=/dev/zero of=/mnt/fill/a bs=1M count=\(Self.fillMiB) 2>/dev/null")
                    // The first tick that sampled the balloon above the squeeze must already know why.
                    var seen: (tick: UInt64, vm: DaemonState.VM)?
                    try await eventually("a tick samples the deflated balloon", within: 120, every: 0.5) {
                        guard let now = await DaemonState.fetch(port: port), let tick = now.tick, tick > fillTick,
                              let vm = now.vm(safe.name), vm.current.memoryBytes > squeezed + 16 * bytesPerMiB else { return false }
                        seen = (tick, vm)
                        return true
                    }
                    try await GuestShell.wait(fill, within: 120)
                    let vm = try #require(seen?.vm)
                    let deflatedAtTick = vm.current.memoryBytes
                    let signals = vm.estimate?.signals?.map(\.name) ?? []
                    #expect(signals.contains("memory.self_deflate"), "signals at the first tick that saw it: \(signals)")
                    #expect((vm.governed?.memoryBytes ?? 0) + 2 * bytesPerMiB >= deflatedAtTick,
                            "governed \((vm.governed?.memoryBytes ?? 0) >> 20) MiB below the deflated \(deflatedAtTick >> 20) MiB")
                    #expect(!daemon.logLines(containing: safe.name, "deflated its balloon by itself").isEmpty)
                    // Two more ticks: the balloon is never pushed back below what the guest took.
                    let tickSeen = seen?.tick ?? 0
                    var lowest = try await BalloonReading.read(safe.name).actual
                    let filled = lowest
                    try await eventually("two more ticks", within: 45, every: 1) {
                        lowest = min(lowest, try await BalloonReading.read(safe.name).actual)
                        return (await DaemonState.fetch(port: port)?.tick ?? 0) >= tickSeen + 2
                    }
                    #expect(lowest + 4 * bytesPerMiB >= min(filled, deflatedAtTick),
                            "pushed back down: \(filled >> 20) -> \(lowest >> 20) MiB")
                    try await GuestShell.run(safe.name, "! dmesg | grep -q -i -e 'killed process' -e 'oom-kill'")
                    print("""
                        [deflate] squeezed to \(squeezed >> 20) MiB; during a \(Self.fillMiB)-MiB fill the first tick \
                        (\(tickSeen)) saw the balloon at \(deflatedAtTick >> 20) MiB with signals \(signals), governed \
                        \((vm.governed?.memoryBytes ?? 0) >> 20) MiB; after the fill \(filled >> 20) MiB, lowest over two \
                        more ticks \(lowest >> 20) MiB; no OOM kill
                        """)
                    #expect(try await daemon.stop() == 0)
                }
            }
        }
    }
}
