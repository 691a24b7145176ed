import Foundation
import Testing
import BallastTestFixtures

/// Issue 13 item 6: what `ballast run` leaves behind on SIGTERM. With `on_stop =
/// "release"` the guest's balloon is back at its starting size when the process has
/// exited; with `keep` it stays where Ballast put it. Checked with virsh, outside
/// Ballast. Run alone: `BALLAST_E2E_KEEP_DAEMONS=1 BALLAST_E2E_CLEANUP_PREFIX=ballast-e2e-safety
/// swift test --skip-build --filter SafeStop`.
extension RealGuestTests {
    @Suite("Safe stops: on_stop on real guests")
    struct SafeStops {
        /// A move Ballast made for sure, not noise: two minimum memory changes.
        static let movedKiB: UInt64 = 32 * 1024

        @Test("on_stop = release: SIGTERM gives the balloon its starting size back before exit; keep leaves it")
        func releaseAndKeep() async throws {
            try await balancingScenario {
                var guest = GuestSpec("safety-stop")
                guest.memoryMiB = 512
                try await withGuests([guest]) {
                    let others = OtherBalancers.running(excluding: 0)
                    try #require(others.isEmpty, """
                        another balancer runs on this machine and would move the same balloon; rerun when it is gone:
                        \(others.joined(separator: "\n"))
                        """)
                    let start = try await Virsh.balloonKiB(guest.name)
                    #expect(start == 512 * kibPerMiB, "the guest booted at \(start) KiB, not its 512 MiB")
                    let released = try await stopAfterAMove(guest.name, onStop: "release", from: start)
                    // The target was set before exit (the log line says applied); the guest's
                    // driver then deflates, which takes a moment on a TCG guest.
                    let settled = try await eventually("the balloon back at \(start) KiB after exit", within: 30, every: 0.2,
                                                       hint: "log: \(released.log)") {
                        try await Virsh.balloonKiB(guest.name) == start
                    }
                    print("""
                        [safe-stop release] balloon before ballast: \(start) KiB; moved by ballast to \(released.moved) KiB; \
                        at exit (exit status \(released.status)): \(released.atExit) KiB; at \(start) KiB \
                        \(String(format: "%.1f", settled)) s after the exit
                        \(released.releasedLines.joined(separator: "\n"))
                        \(released.views)
                        """)
                    #expect(released.status == 0, "log: \(released.log)")
                    #expect(released.releasedLines.count == 1, "no 'released \(guest.name): back to its starting size' line")
                    #expect(released.releasedLines.first?.contains("-> 512.0 MiB applied") == true, "\(released.releasedLines)")

                    let kept = try await stopAfterAMove(guest.name, onStop: "keep", from: start)
                    // A few seconds later nothing has grown it back: keep means keep (the guest may
                    // still be inflating to the last target Ballast set before the stop).
                    try await Task.sleep(for: .seconds(4))
                    let later = try await Virsh.balloonKiB(guest.name)
                    print("""
                        [safe-stop keep] balloon before ballast: \(start) KiB; moved by ballast to \(kept.moved) KiB; \
                        at exit (exit status \(kept.status)): \(kept.atExit) KiB; 4 s later: \(later) KiB
                        \(kept.views)
                        """)
                    #expect(kept.status == 0, "log: \(kept.log)")
                    #expect(later + Self.movedKiB <= start && later <= kept.atExit,
                            "keep should leave the balloon where ballast put it: \(kept.atExit) KiB at exit, \(later) KiB later")
                    #expect(kept.releasedLines.isEmpty)
                }
            }
        }

        struct Stopped {
            var moved: UInt64
            var atExit: UInt64
            var status: Int32
            var log: String
            var releasedLines: [String]
            var views: String
        }

        /// Runs ballast with `on_stop` under a guest-memory cap that makes it shrink the guest,
        /// waits until virsh shows the balloon moved, SIGTERMs it and reads the balloon
        /// as soon as the process has exited.
        private func stopAfterAMove(_ guest: String, onStop: String, from start: UInt64) async throws -> Stopped {
            let config = """
                interval = "2s"
                on_stop = "\(onStop)"
                stop_timeout = "30s"
                [host]
                guest_memory = "320MiB"
                """
            let before = try await Virsh.view(guest)
            let daemon = try BallastDaemonProcess(scenario: "safety-\(onStop)", config: config)
            var moved = start
            try await eventually("ballast shrank \(guest)", within: 120, hint: "log: \(daemon.logPath)") {
                moved = try await Virsh.balloonKiB(guest)
                return moved + Self.movedKiB <= start || !daemon.isRunning
            }
            try #require(daemon.isRunning, "ballast exited early; log: \(daemon.logPath)")
            let moving = try await Virsh.view(guest)
            let status = try await daemon.stop(within: 60)
            let atExit = try await Virsh.balloonKiB(guest)
            let after = try await Virsh.view(guest)
            return Stopped(moved: moved, atExit: atExit, status: status, log: daemon.logPath,
                           releasedLines: daemon.logLines(containing: "released \(guest): back to its starting size"),
                           views: "before ballast:\n\(before)while balancing:\n\(moving)right after exit:\n\(after)")
        }
    }
}
