import Foundation
import Testing
import BallastTestFixtures

/// Issue 13 item 5, chaos on real guests: what happens to the guests when Ballast or
/// libvirtd is killed between deciding and applying, when a guest disappears between the
/// sample and the apply, when a guest is paused and resumed under it, when the machine's
/// wall clock is set back an hour, and when the guests' demand exhausts their budget.
/// Mostly two 512 MiB guests share a 640 MiB budget, so a run starts by shrinking both.
/// The window between decision and apply is made wide and visible by a plugin stage that
/// stalls (plugins/testing/misbehave.py `stall`): plugins run after the built-in allocator
/// and before the governor's changes are applied, and it writes "decide N" to a marker file
/// when the decision reaches it. Run alone: `BALLAST_E2E_KEEP_DAEMONS=1 swift test
/// --skip-build --filter "BallastE2ETests.RealGuestTests/Chaos"`.
extension RealGuestTests {
    @Suite("Chaos: kill -9, libvirtd killed, a guest gone, a guest paused, the clock set back, memory exhausted")
    struct Chaos {
        static let guestMiB: UInt64 = 512
        static let budget = """
            interval = "2s"
            [host]
            guest_memory = "640MiB"
            """
        /// The governor's default `max_shrink_fraction` (docs/configuration.md).
        static let maxShrinkFraction = 0.1

        static func guests(_ label: String) -> [GuestSpec] {
            ["a", "b"].map { name in
                var guest = GuestSpec("chaos-\(label)-\(name)")
                guest.memoryMiB = Int(guestMiB)
                return guest
            }
        }

        static func requireNoOtherBalancer() throws {
            let others = OtherBalancers.running(excluding: 0)
            try #require(others.isEmpty, "another balancer runs on this machine: \(others.joined(separator: "\n"))")
        }

        /// Starts `ballast run` with the budget and a plugin stage that stalls its first decision
        /// for `seconds`, and returns once that decision has reached the stage: the daemon is
        /// then between deciding and applying for the rest of `seconds`.
        static func stalledAtFirstDecision(_ scenario: String, seconds: Double) async throws -> BallastDaemonProcess {
            let marker = try HarnessPaths.runDirectory(scenario) + "/decided"
            try? FileManager.default.removeItem(atPath: marker)
            let plugin = HarnessPaths.repositoryRoot.appendingPathComponent("plugins/testing/misbehave.py").path
            let config = budget + """

                [[plugin]]
                name = "stall"
                command = ["python3", "\(plugin)", "stall", "\(marker)", "\(seconds)", "1"]
                deadline_ms = 20000
                """
            let daemon = try BallastDaemonProcess(scenario: scenario, config: config, arguments: ["--log-format", "json"])
            try await eventually("the first decision reaches the stalling plugin", within: 120, every: 0.1,
                                 hint: "log: \(daemon.logPath)") {
                ((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "").contains("decide 1")
            }
            return daemon
        }

        @Test("kill -9 between deciding and applying: nothing applied; the restart moves each guest one step from where it is")
        func killedBetweenDecisionAndApply() async throws {
            try await balancingScenario {
                let guests = Self.guests("kill")
                try await withGuests(guests) {
                    try Self.requireNoOtherBalancer()
                    let first = try await Self.stalledAtFirstDecision("chaos-kill-first", seconds: 6)
                    kill(first.processIdentifier, SIGKILL)
                    let status = try await first.waitForExit(within: 10)
                    var before: [String: UInt64] = [:]
                    for guest in guests {
                        before[guest.name] = try await Virsh.balloonKiB(guest.name)
                        #expect(DecisionLog.applied(vm: guest.name, path: first.logPath).isEmpty,
                                "the killed daemon applied a change to \(guest.name); log: \(first.logPath)")
                        #expect(before[guest.name] == Self.guestMiB * 1024,
                                "\(guest.name) is at \(before[guest.name] ?? 0) KiB after the kill, not its \(Self.guestMiB) MiB")
                    }

                    // The restart: no plugin, the same budget. It must start (the dead daemon's
                    // lock went with it) and move each guest from its real size, one step at most.
                    let second = try BallastDaemonProcess(scenario: "chaos-kill-restart", config: Self.budget,
                                                          arguments: ["--log-format", "json"])
                    try await eventually("the restarted daemon shrinks both guests twice", within: 90, every: 0.5,
                                         hint: "log: \(second.logPath)") {
                        guests.allSatisfy { guest in
                            DecisionLog.applied(vm: guest.name, path: second.logPath).filter { $0.kind == "memory" }.count >= 2
                        } || !second.isRunning
                    }
                    try #require(second.isRunning, "the restarted daemon exited; log: \(second.logPath)")
                    for guest in guests {
                        let memory = DecisionLog.applied(vm: guest.name, path: second.logPath).filter { $0.kind == "memory" }
                        print("[chaos kill -9] killed daemon exit status \(status); \(guest.name) after the restart: "
                              + memory.map { "\($0.from / bytesPerMiB) -> \($0.to / bytesPerMiB) MiB" }.joined(separator: ", "))
                        guard let firstChange = memory.first else { continue }
                        #expect(firstChange.from == Self.guestMiB * bytesPerMiB,
                                "the first change after the restart starts from \(firstChange.from) bytes, not the guest's real \(Self.guestMiB) MiB")
                        let step = Double(firstChange.from) * Self.maxShrinkFraction + Double(bytesPerMiB)
                        #expect(firstChange.to < firstChange.from && Double(firstChange.from - firstChange.to) <= step,
                                "the first change after the restart moves \(guest.name) \(firstChange.from) -> \(firstChange.to), more than one shrink step")
                        for (earlier, later) in zip(memory, memory.dropFirst()) {
                            #expect(earlier.to != later.to, "\(guest.name): the target \(later.to) was applied twice in a row")
                        }
                    }
                    #expect(try await second.stop() == 0)
                }
            }
        }

        @Test("a guest destroyed between sample and apply: its change is not applied and says why, the other guest's applies, ticks go on")
        func guestDestroyedBeforeApply() async throws {
            try await balancingScenario {
                let guests = Self.guests("gone")
                let (kept, gone) = (guests[0].name, guests[1].name)
                try await withGuests(guests) {
                    try Self.requireNoOtherBalancer()
                    let daemon = try await Self.stalledAtFirstDecision("chaos-gone", seconds: 4)
                    try await Virsh.run(["destroy", gone])
                    let port = try await daemon.listenPort()
                    try await eventually("the stalled tick applies \(kept)'s change", within: 30, every: 0.2,
                                         hint: "log: \(daemon.logPath)") {
                        !DecisionLog.applied(vm: kept, path: daemon.logPath).isEmpty || !daemon.isRunning
                    }
                    let failed = DecisionLog.notApplied(vm: gone, path: daemon.logPath)
                    let appliedToGone = DecisionLog.applied(vm: gone, path: daemon.logPath)
                    print("[chaos gone] \(gone) destroyed while the first tick was in its plugin stage; its changes: "
                          + failed.map { "\($0.outcome): \($0.message) (\($0.detail))" }.joined(separator: " | "))
                    #expect(appliedToGone.isEmpty, "a change was applied to the destroyed \(gone)")
                    // The libvirt backend skips a change to a domain its last sample no longer lists
                    // (the lifecycle event came first), or the call fails: either way a line with why.
                    #expect(!failed.isEmpty, "the destroyed guest's change left no skipped or failed line; log: \(daemon.logPath)")
                    #expect(failed.allSatisfy { ["skipped", "failed"].contains($0.outcome) && $0.detail.contains(gone) },
                            "each line says the guest is gone: \(failed.map(\.detail))")
                    let tickAfter = await DaemonState.fetch(port: port)?.tick ?? 0
                    try await eventually("ticks go on after the failed apply", within: 30, every: 0.5,
                                         hint: "log: \(daemon.logPath)") {
                        guard let state = await DaemonState.fetch(port: port) else { return false }
                        return (state.tick ?? 0) >= tickAfter + 3 && state.vm(gone) == nil
                    }
                    #expect(try await daemon.stop() == 0)
                }
            }
        }

        @Test("libvirtd killed between deciding and applying: the apply fails with a reason, balancing resumes after its restart")
        func libvirtdKilledBeforeApply() async throws {
            try await balancingScenario {
                let guests = Self.guests("libvirtd")
                try await withGuests(guests) {
                    try Self.requireNoOtherBalancer()
                    let daemon = try await Self.stalledAtFirstDecision("chaos-libvirtd", seconds: 4)
                    try #require(HarnessLibvirtd.kill(), "libvirtd was not started by this harness (no \(HarnessPaths.libvirtdPidFile))")
                    let killed = Date()
                    try await eventually("the stalled tick's changes end without libvirtd", within: 30, every: 0.2,
                                         hint: "log: \(daemon.logPath)") {
                        guests.allSatisfy { !DecisionLog.notApplied(vm: $0.name, path: daemon.logPath).isEmpty }
                            || !daemon.isRunning
                    }
                    try await Task.sleep(for: .seconds(4))
                    #expect(daemon.isRunning, "ballast exited when libvirtd went away; log: \(daemon.logPath)")
                    try await HarnessLibvirtd.start()
                    try await eventually("balancing resumed after libvirtd's restart", within: 60, every: 0.5,
                                         hint: "log: \(daemon.logPath)") {
                        guests.allSatisfy { guest in
                            DecisionLog.applied(vm: guest.name, path: daemon.logPath).contains { $0.at > killed }
                        }
                    }
                    for guest in guests {
                        let lost = DecisionLog.notApplied(vm: guest.name, path: daemon.logPath)
                        let applied = DecisionLog.applied(vm: guest.name, path: daemon.logPath)
                        print("[chaos libvirtd] \(guest.name): not applied while libvirtd was down: "
                              + lost.map { "\($0.outcome) (\($0.detail))" }.joined(separator: " | ")
                              + "; applied after its restart: "
                              + applied.prefix(3).map { "\($0.kind) \($0.from) -> \($0.to)" }.joined(separator: ", "))
                        #expect(applied.allSatisfy { $0.at > killed }, "a change to \(guest.name) applied with libvirtd dead")
                        #expect(lost.allSatisfy { !$0.detail.isEmpty }, "a change lost to the dead libvirtd without a reason")
                    }
                    #expect(try await daemon.stop() == 0)
                }
            }
        }

        @Test("the wall clock set back an hour and forward again: each step logged, ticks keep their pace, balancing goes on")
        func wallClockSetBack() async throws {
            try await balancingScenario {
                let guests = Self.guests("clock")
                try await withGuests(guests) {
                    try Self.requireNoOtherBalancer()
                    let daemon = try BallastDaemonProcess(scenario: "chaos-clock", config: Self.budget,
                                                          arguments: ["--log-format", "json"])
                    let port = try await daemon.listenPort()
                    try await eventually("a first shrink", within: 90, every: 0.5, hint: "log: \(daemon.logPath)") {
                        !DecisionLog.applied(vm: guests[0].name, path: daemon.logPath).isEmpty || !daemon.isRunning
                    }
                    let appliedBefore = guests.map { DecisionLog.applied(vm: $0.name, path: daemon.logPath).count }.reduce(0, +)
                    let ticksAtStep = await DaemonState.fetch(port: port)?.tick ?? 0
                    // Ten seconds an hour in the past; only continuous-clock sleeps inside.
                    let ticksLater = try await SystemClock.stepped(by: -3600) { () async throws -> UInt64 in
                        try await Task.sleep(for: .seconds(10))
                        return await DaemonState.fetch(port: port)?.tick ?? 0
                    }
                    try await eventually("the step forward logged too", within: 20, every: 0.5, hint: "log: \(daemon.logPath)") {
                        daemon.logLines(containing: "wall clock stepped").count >= 2
                    }
                    let lines = daemon.logLines(containing: "wall clock stepped")
                    let appliedAfter = guests.map { DecisionLog.applied(vm: $0.name, path: daemon.logPath).count }.reduce(0, +)
                    print("[chaos clock] wall clock set back 3600 s for 10 s: ticks \(ticksAtStep) -> \(ticksLater); changes "
                          + "applied \(appliedBefore) before, \(appliedAfter) by the end\n" + lines.joined(separator: "\n"))
                    #expect(lines.count == 2, "want one line per step, back and forward:\n\(lines.joined(separator: "\n"))")
                    #expect(lines.first?.contains("stepped back 3600 s") == true, "\(lines)")
                    #expect(lines.last?.contains("stepped forward 3600 s") == true, "\(lines)")
                    #expect(ticksLater >= ticksAtStep + 4, "ticks lost their pace while the clock was set back: \(ticksAtStep) -> \(ticksLater)")
                    #expect(appliedAfter > appliedBefore, "no change applied after the clock was set back; log: \(daemon.logPath)")
                    #expect(try await daemon.stop() == 0)
                }
            }
        }

        /// The emergency path on real guests: a busy guest fills 300 MiB of tmpfs at 25 MiB/s
        /// while an idle one still holds 512 MiB of a 768 MiB budget whose emergency zone starts
        /// at 70 % used (537.6 MiB). The guests hold 832 MiB at the start, over the budget, and
        /// Ballast has just started (no history: it believes each guest's balloon as its
        /// demand). Each guest's used memory counts the kernel's own ~60 MiB (145 MiB for the
        /// idle one, the busy one's 145 + 300 at the end), so the floors need 209 + 509 MiB at
        /// the end of the fill: it fits only if Ballast funds the busy guest's used + margin
        /// and climb as it goes, from memory the idle guest is still releasing, and takes the
        /// idle guest's memory back at the emergency pace. Checked: no guest below its floor,
        /// no OOM kill or panic in either guest, emergency mode entered and left once the fill
        /// is gone. Before the governor funded a guest outgrowing its balloon, the busy guest
        /// got no growth at all and its kernel panicked ("System is deadlocked on memory")
        /// 12-20 s into the fill, 3 runs of 3.
        static let exhaustedBudgetMiB: UInt64 = 768
        static let exhaustedFillMiB: UInt64 = 300
        @Test("guests' demand exhausting their budget: emergency mode, no guest below its floor, no OOM kill, recovery")
        func memoryExhausted() async throws {
            try await balancingScenario {
                var busy = GuestSpec("chaos-oom-busy")
                busy.memoryMiB = 768
                busy.currentMiB = 320
                var idle = GuestSpec("chaos-oom-idle")
                idle.memoryMiB = 768
                idle.currentMiB = 512
                try await withGuests([busy, idle]) {
                    try Self.requireNoOtherBalancer()
                    try await GuestShell.waitForAgent(busy.name)
                    try await GuestShell.run(busy.name, "mkdir -p /mnt/fill && mount -t tmpfs -o size=600m fill /mnt/fill")
                    let daemon = try BallastDaemonProcess(scenario: "chaos-oom", config: """
                        interval = "2s"
                        [host]
                        guest_memory = "\(Self.exhaustedBudgetMiB)MiB"
                        [governor]
                        emergency_free_fraction = 0.3
                        """, arguments: ["--log-format", "json"])
                    let port = try await daemon.listenPort()
                    try await eventually("a first tick", within: 60, every: 0.5, hint: "log: \(daemon.logPath)") {
                        (await DaemonState.fetch(port: port)?.tick ?? 0) >= 2
                    }
                    do {
                        let started = Date()
                        let fill = try await GuestShell.start(busy.name, """
                            i=0; while [ $i -lt \(Self.exhaustedFillMiB / 25) ]; do dd if=/dev/zero of=/mnt/fill/f$i bs=1M count=25 2>/dev/null || exit 1; \
                            i=$((i+1)); sleep 1; done
                            """)
                        // While it fills: the least memory each guest had usable (libvirt's
                        // balloon.usable), and the least room Ballast's settled size left above its
                        // estimate of the guest's used memory (`/v1/state`: governed - used).
                        var tightest: [String: UInt64] = [:]
                        var aboveUsed: [String: Int64] = [:]
                        while Date().timeIntervalSince(started) < 30 {
                            for guest in [busy.name, idle.name] {
                                // A guest's statistics may be missing for a moment (not yet reported).
                                guard let reading = try? await BalloonReading.read(guest) else { continue }
                                tightest[guest] = min(tightest[guest] ?? .max, reading.usable)
                            }
                            if let state = await DaemonState.fetch(port: port) {
                                for guest in [busy.name, idle.name] {
                                    guard let vm = state.vm(guest), let used = vm.estimate?.guestUsedMemoryBytes,
                                          let governed = vm.governed?.memoryBytes else { continue }
                                    aboveUsed[guest] = min(aboveUsed[guest] ?? .max, Int64(governed) - Int64(used))
                                }
                            }
                            try await Task.sleep(for: .milliseconds(500))
                        }
                        let console = (try? String(contentsOfFile: HarnessPaths.serialLog(busy.name), encoding: .utf8)) ?? ""
                        if let panic = console.split(whereSeparator: \.isNewline).first(where: { $0.contains("Kernel panic") }) {
                            Issue.record("\(busy.name): \(panic.trimmingCharacters(in: .whitespaces)); daemon log: \(daemon.logPath)")
                        }
                        // A fill that cannot write (the guest out of memory) exits 1 and fails the test here.
                        try await GuestShell.wait(fill, within: 60)
                        let entered = DecisionLog.first(messageStartingWith: "emergency mode entered", path: daemon.logPath, after: started)
                        try await GuestShell.run(busy.name, "rm -f /mnt/fill/f*")
                        let released = Date()
                        try await eventually("emergency mode left after the fill is gone", within: 60, every: 0.5,
                                             hint: "log: \(daemon.logPath)") {
                            DecisionLog.first(messageStartingWith: "emergency mode left", path: daemon.logPath, after: released) != nil
                        }
                        var killed: [String] = []
                        for guest in [busy.name, idle.name] {
                            do {
                                try await GuestShell.run(guest, "! dmesg | grep -q -i -e 'out of memory' -e 'oom-kill'")
                            } catch {
                                killed.append(guest)
                            }
                        }
                        let idleMemory = DecisionLog.applied(vm: idle.name, path: daemon.logPath).filter { $0.kind == "memory" }
                        print("[chaos oom] \(busy.name) filled \(Self.exhaustedFillMiB) MiB beside \(idle.name) (512 MiB) under a \(Self.exhaustedBudgetMiB) MiB budget: "
                              + "emergency mode entered "
                              + (entered.map { String(format: "%.1f s after the fill started", $0.timeIntervalSince(started)) } ?? "never")
                              + "; least usable memory while filling: "
                              + tightest.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value / bytesPerMiB) MiB" }.joined(separator: ", ")
                              + "; least settled size above used: "
                              + aboveUsed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value / Int64(bytesPerMiB)) MiB" }.joined(separator: ", ")
                              + "; idle guest: " + idleMemory.map { "\($0.from / bytesPerMiB) -> \($0.to / bytesPerMiB)" }.joined(separator: ", ")
                              + " MiB; OOM kills: \(killed.isEmpty ? "none" : killed.joined(separator: ", "))")
                        #expect(entered != nil, "emergency mode never entered; log: \(daemon.logPath)")
                        #expect(killed.isEmpty, "the OOM killer ran in \(killed) (dmesg)")
                        // The floor, as each guest sees it: Ballast keeps a guest's used memory + memory_margin
                        // (64 MiB; 10 % of these guests' use is less) at each tick. Between two ticks a guest
                        // lives on that margin: the busy one fills 25 MiB/s and is funded from reports up to
                        // 2 s old (50 MiB usable seen), and the idle one, just squeezed to its floor, takes
                        // some of it back as its own use (used +11 MiB a tick after the squeeze: 53 MiB
                        // usable seen). Ballast's settled size above its estimate of used memory is printed
                        // beside it, not checked: while a climbing guest does not report, the estimate
                        // assumes the climb went on, so it reads lower than the guest's own figure. The
                        // check is half the margin: a guest squeezed past its floor showed 0-7 MiB usable.
                        #expect(tightest.count == 2 && tightest.values.allSatisfy { $0 >= 32 * bytesPerMiB },
                                "a guest's own usable memory fell below half its 64 MiB margin: \(tightest)")
                    }
                    #expect(try await daemon.stop() == 0)
                }
            }
        }

        @Test("a guest paused mid-shrink is left alone while paused and balanced again after resume")
        func guestPausedAndResumed() async throws {
            try await balancingScenario {
                let guests = Self.guests("pause")
                let (paused, running) = (guests[0].name, guests[1].name)
                try await withGuests(guests) {
                    try Self.requireNoOtherBalancer()
                    let daemon = try BallastDaemonProcess(scenario: "chaos-pause", config: Self.budget,
                                                          arguments: ["--log-format", "json"])
                    let port = try await daemon.listenPort()
                    try await eventually("a first shrink of \(paused)", within: 90, every: 0.2, hint: "log: \(daemon.logPath)") {
                        !DecisionLog.applied(vm: paused, path: daemon.logPath).isEmpty || !daemon.isRunning
                    }
                    try await Virsh.run(["suspend", paused])
                    let suspended = Date()
                    let ticksAtPause = await DaemonState.fetch(port: port)?.tick ?? 0
                    try await Task.sleep(for: .seconds(10))
                    let ticksAtResume = await DaemonState.fetch(port: port)?.tick ?? 0
                    let balloonWhilePaused = try await Virsh.balloonKiB(paused)
                    try await Virsh.run(["resume", paused])
                    let resumed = Date()
                    let whilePaused = DecisionLog.applied(vm: paused, path: daemon.logPath)
                        .filter { $0.at > suspended.addingTimeInterval(0.5) && $0.at < resumed }
                    let pausedChanges = whilePaused.map { "\($0.kind) \($0.from) -> \($0.to)" }.joined(separator: ", ")
                    #expect(whilePaused.isEmpty, "changes applied to \(paused) while it was paused: \(pausedChanges)")
                    #expect(ticksAtResume >= ticksAtPause + 3, "ticks stopped while a guest was paused: \(ticksAtPause) -> \(ticksAtResume)")
                    try await eventually("\(paused) balanced again after the resume", within: 60, every: 0.5,
                                         hint: "log: \(daemon.logPath)") {
                        DecisionLog.applied(vm: paused, path: daemon.logPath).contains { $0.at > resumed }
                    }
                    let after = DecisionLog.applied(vm: paused, path: daemon.logPath).filter { $0.at > resumed }
                    print("[chaos pause] \(paused) paused for 10 s at \(balloonWhilePaused / 1024) MiB: ticks \(ticksAtPause) -> "
                          + "\(ticksAtResume), changes to it while paused \(whilePaused.count); after the resume: "
                          + after.prefix(3).map { "\($0.kind) \($0.from / bytesPerMiB) -> \($0.to / bytesPerMiB) MiB" }.joined(separator: ", ")
                          + "; \(running) changes in all: \(DecisionLog.applied(vm: running, path: daemon.logPath).count)")
                    #expect(try await daemon.stop() == 0)
                }
            }
        }
    }
}
