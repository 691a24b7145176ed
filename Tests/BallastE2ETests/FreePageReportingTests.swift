import Foundation
import Testing

/// Issue 11 item 2: guests are charged what they hold on the host. A guest with
/// `<memballoon freePageReporting='on'>` fills 200 MiB and frees it: its host footprint
/// (machine cgroup without page cache, `/v1/state`'s `hostMemoryBytes`) falls back while
/// its balloon stays where it was (its floor holds it at 512 MiB). A second guest under the
/// same 800 MiB budget then fills past its balloon: counted at its balloon, the first
/// guest would leave it 32 MiB of room; counted at what it holds, the second guest grows
/// into the memory the first gave back.
extension RealGuestTests {
    @Suite("Free page reporting: guests charged what they hold")
    struct FreePageReporting {

        @Test("a guest's freed pages go back to the host, and another guest grows into them")
        func growIntoReportedPages() async throws {
            try await balancingScenario {
                var lender = GuestSpec("fpr")
                lender.memoryMiB = 512
                lender.freePageReporting = true
                var grower = GuestSpec("fpr-grower")
                grower.memoryMiB = 448
                grower.currentMiB = 256
                try await withGuests([lender, grower]) {
                    for guest in [lender, grower] {
                        try await GuestShell.waitForAgent(guest.name)
                        try await GuestShell.run(guest.name, "mkdir -p /mnt/fill && mount -t tmpfs -o size=300m fill /mnt/fill")
                    }
                    let daemon = try BallastDaemonProcess(scenario: "free-page-reporting", config: """
                        interval = "2s"
                        [host]
                        guest_memory = "800MiB"
                        [vm."\(lender.name)"]
                        floor_memory = "512MiB"
                        """)
                    let port = try await daemon.listenPort()
                    func lenderHeld() async -> UInt64? { await DaemonState.fetch(port: port)?.vm(lender.name)?.hostMemoryBytes }
                    try await eventually("the lender's footprint is reported", within: 60, every: 0.5,
                                         hint: "log: \(daemon.logPath)") { await lenderHeld() != nil }
                    let state = try #require(await DaemonState.fetch(port: port))
                    #expect(state.vm(lender.name)?.spec?.balloonFreePageReporting == true)
                    #expect(state.vm(grower.name)?.spec?.balloonFreePageReporting == false)

                    try await GuestShell.run(lender.name, "dd if=/dev/zero of=/mnt/fill/lent bs=1M count=200 2>/dev/null")
                    try await Task.sleep(for: .seconds(4))
                    let filled = try #require(await lenderHeld())
                    try await GuestShell.run(lender.name, "rm -f /mnt/fill/lent")
                    var returned = filled
                    try await eventually("the freed pages go back to the host", within: 60, every: 1) {
                        returned = await lenderHeld() ?? filled
                        return returned + 150 * bytesPerMiB <= filled
                    }
                    let lenderBalloon = try await BalloonReading.read(lender.name).actual

                    // 220 MiB at 20 MiB a second, as a workload grows: Ballast follows it. (At once, the
                    // fill outran a loaded CI machine's ticks and the guest's OOM killer took its agent.)
                    let fill = try await GuestShell.start(grower.name, """
                        i=0; while [ $i -lt 11 ]; do dd if=/dev/zero of=/mnt/fill/grow bs=1M count=20 seek=$((i * 20)) \
                        conv=notrunc 2>/dev/null || exit 1; i=$((i + 1)); sleep 1; done
                        """)
                    try await GuestShell.wait(fill, within: 120)
                    var grown: UInt64 = 0
                    try await eventually("the grower grows past 380 MiB", within: 60, every: 1, hint: "log: \(daemon.logPath)") {
                        grown = try await BalloonReading.read(grower.name).actual
                        return grown > 380 * bytesPerMiB
                    }
                    let lenderAfter = try await BalloonReading.read(lender.name).actual
                    #expect(lenderAfter + 2 * bytesPerMiB >= lenderBalloon, "the lender's balloon moved: \(lenderBalloon >> 20) -> \(lenderAfter >> 20) MiB")
                    try await GuestShell.run(grower.name, "! dmesg | grep -q -i -e 'killed process' -e 'oom-kill'")
                    print("""
                        [fpr] lender footprint \(filled >> 20) MiB with 200 MiB filled, \(returned >> 20) MiB after freeing it \
                        (balloon \(lenderBalloon >> 20) -> \(lenderAfter >> 20) MiB); grower 256 -> \(grown >> 20) MiB \
                        under an 800 MiB budget
                        """)
                    #expect(try await daemon.stop() == 0)
                }
            }
        }
    }
}
