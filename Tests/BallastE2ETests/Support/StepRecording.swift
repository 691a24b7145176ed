import Foundation

/// What the reaction test sees of one guest while `ballast run` balances it, every
/// `every` seconds: libvirt's balloon statistics (as `virsh domstats --balloon` prints
/// them), each new Ballast tick from `/v1/state`, and the host time at which the guest's
/// serial console first shows the memory step. Times are the host's, taken by the test.
struct StepRecording: Sendable {
    /// One `virsh domstats --balloon` reading, in bytes.
    struct Balloon: Sendable {
        let at: Date
        let actual: UInt64
        let usable: UInt64
    }

    /// One Ballast tick for the guest, first seen by the test at `seenAt`.
    struct Tick: Sendable {
        let tick: UInt64
        let seenAt: Date
        let current: UInt64
        let guestUsed: UInt64?
        let demand: UInt64?
        let governed: UInt64?
    }

    let guest: String
    var balloon: [Balloon] = []
    var ticks: [Tick] = []
    var fillStartSeen: Date?
    var fillDoneSeen: Date?
    var fillFailed = false
    /// The guest's kernel panicked (e.g. "System is deadlocked on memory" when a fill
    /// outruns both the guest's free memory and the balancer).
    var panicked = false

    init(guest: String) { self.guest = guest }

    /// Records until `done` holds (checked after each round) or `timeout` seconds pass;
    /// a timeout throws, naming what was recorded so far.
    static func record(guest: String, daemonPort: Int, every: Double = 0.25, timeout: Double,
                       until done: (StepRecording) -> Bool) async throws -> StepRecording {
        var recording = StepRecording(guest: guest)
        try await eventually("\(guest): the memory step is recorded", within: timeout, every: every,
                             hint: "see \(HarnessPaths.serialLog(guest)) and the daemon log") {
            try await recording.observeOnce(daemonPort: daemonPort)
            return done(recording)
        }
        return recording
    }

    private mutating func observeOnce(daemonPort: Int) async throws {
        let stats = try await Virsh.domstats(guest, ["--balloon"])
        let now = Date()
        if let actual = stats["balloon.current"].flatMap(UInt64.init), let usable = stats["balloon.usable"].flatMap(UInt64.init) {
            balloon.append(Balloon(at: now, actual: actual * 1024, usable: usable * 1024))
        }
        if fillStartSeen == nil, SerialLog.contains(guest, "mem-fill-start") { fillStartSeen = now }
        if fillDoneSeen == nil, SerialLog.contains(guest, "mem-filled") { fillDoneSeen = now }
        if SerialLog.contains(guest, "mem-fill-failed") { fillFailed = true }
        if let console = try? String(contentsOfFile: HarnessPaths.serialLog(guest), encoding: .utf8),
           console.contains("Kernel panic") { panicked = true }
        if let state = await DaemonState.fetch(port: daemonPort), let tick = state.tick,
           tick != ticks.last?.tick, let vm = state.vm(guest) {
            ticks.append(Tick(tick: tick, seenAt: Date(), current: vm.current.memoryBytes,
                              guestUsed: vm.estimate?.guestUsedMemoryBytes, demand: vm.estimate?.demand.memoryBytes,
                              governed: vm.governed?.memoryBytes))
        }
    }

    /// The first libvirt reading at or after `date` whose balloon is at least `bytes`.
    func firstBalloon(atLeast bytes: UInt64, after date: Date) -> Balloon? {
        balloon.first { $0.at >= date && $0.actual >= bytes }
    }
}
