import BallastCore
@testable import BallastLibvirt
import Testing

/// `DomainRecord.seeBalloon`: a balloon size against the target Ballast set, from a
/// sample, a balloon event or the balloon watch.
@Suite("Balloon sightings")
struct BalloonSightingTests {
    static let mib: UInt64 = 1 << 20
    static let slack: UInt64 = 1 << 20

    static func record(target: UInt64?, releasing: Bool = false, lastSeen: UInt64? = nil) -> DomainRecord {
        var record = DomainRecord(id: 1, name: "g", definition: nil, spec: VMSpec(ceiling: .zero, maxVCPUs: 1),
                                  warnings: [], fetchedAtSample: 0, vcpus: DomainVCPUs(plugged: 1))
        record.balloonTarget = target
        record.releasing = releasing
        record.lastBalloonSeen = lastSeen
        return record
    }

    @Test("above the target, not inflating towards it: the guest deflated by itself")
    func deflated() {
        var record = Self.record(target: 200 * Self.mib)
        #expect(record.seeBalloon(260 * Self.mib, slack: Self.slack).deflated)
        #expect(!record.seeBalloon(200 * Self.mib + Self.slack, slack: Self.slack).deflated)
        var none = Self.record(target: nil)
        #expect(!none.seeBalloon(900 * Self.mib, slack: Self.slack).deflated)
    }

    @Test("a shrink in flight is not a deflation until the balloon rises again; reaching the target ends the release")
    func releasing() {
        var record = Self.record(target: 200 * Self.mib, releasing: true, lastSeen: 300 * Self.mib)
        #expect(!record.seeBalloon(280 * Self.mib, slack: Self.slack).deflated)
        let rose = record.seeBalloon(320 * Self.mib, slack: Self.slack)
        #expect(rose.deflated && !record.releasing)
        var done = Self.record(target: 200 * Self.mib, releasing: true, lastSeen: 230 * Self.mib)
        let sighting = done.seeBalloon(200 * Self.mib, slack: Self.slack)
        #expect(sighting.released && !sighting.deflated && !done.releasing)
    }
}
