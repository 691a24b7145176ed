import Foundation

/// The test's own view of one guest's balloon, read back to back (one `virsh domstats
/// --balloon` takes 50-100 ms here, so that is the resolution): what libvirt applied
/// (`balloon.current`) and what the guest last reported (`balloon.usable`, its
/// MemAvailable), each stamped with the host time the reading returned.
struct BalloonReading: Sendable {
    let at: Date
    let actual: UInt64
    let usable: UInt64

    static func read(_ guest: String) async throws -> BalloonReading {
        let stats = try await Virsh.domstats(guest, ["--balloon"])
        let at = Date()
        return BalloonReading(at: at, actual: try Virsh.number(stats, "balloon.current", domain: guest) << 10,
                              usable: try Virsh.number(stats, "balloon.usable", domain: guest) << 10)
    }
}

/// One memory step as the test saw it: when it started the fill in the guest, when
/// libvirt's statistics first showed it, when the balloon first grew (a new target
/// applied) and when it had grown by half the fill.
struct MemoryStepObservation: Sendable {
    let started: Date
    let balloonBefore: UInt64
    let usableBefore: UInt64
    var visibleAt: Date?
    var appliedAt: Date?
    var halfCoveredAt: Date?
    var lastReading: BalloonReading?

    /// Milliseconds from `from` to `to`; nil when either is missing.
    static func milliseconds(_ from: Date?, _ to: Date?) -> Double? {
        guard let from, let to else { return nil }
        return to.timeIntervalSince(from) * 1000
    }

    var summary: String {
        func mib(_ bytes: UInt64?) -> String { bytes.map { "\($0 >> 20) MiB" } ?? "-" }
        func ms(_ value: Double?) -> String { value.map { String(format: "%.0f ms", $0) } ?? "never" }
        return "balloon \(mib(balloonBefore)) -> \(mib(lastReading?.actual)), MemAvailable before \(mib(usableBefore)); "
            + "stats showed it after \(ms(Self.milliseconds(started, visibleAt))), "
            + "balloon grew \(ms(Self.milliseconds(visibleAt, appliedAt))) after that, "
            + "by half the fill \(ms(Self.milliseconds(visibleAt, halfCoveredAt))) after"
    }
}

extension BallastDaemonProcess {
    /// The sum of the daemon's `ballast_urgent_ticks_total` counters (all causes, or the
    /// one `cause`), from its /metrics; nil while it does not answer.
    static func urgentTicks(port: Int, cause: String? = nil) async -> Double? {
        guard let result = try? await Shell.run("curl", ["-sf", "--max-time", "2", "http://127.0.0.1:\(port)/metrics"],
                                                timeout: 5),
              result.succeeded else { return nil }
        let series = cause.map { "ballast_urgent_ticks_total{cause=\"\($0)\"}" } ?? "ballast_urgent_ticks_total"
        return result.stdout.split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix(series) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}
