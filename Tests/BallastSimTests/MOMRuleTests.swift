import BallastCore
import Testing
@testable import BallastSim

/// oVirt MOM's `doc/balloon.rules` rule by rule, each on a hand-computed case
/// (the arithmetic in the comment). Sizes in GiB; host of 100 GiB.
@Suite struct MOMRuleTests {
    static let gib = Double(ByteUnits.gibibyte)

    static func vm(current: Double, unused: Double?, ceiling: Double = 8, floor: Double = 0) -> VMSample {
        VMSample(id: VMID(StableHash.uuid(for: "mom-vm")), name: "mom-vm", state: .running,
                 spec: VMSpec(floor: ResourceVector(cpu: 0, memory: UInt64(floor * gib)),
                              ceiling: ResourceVector(cpu: 2000, memory: UInt64(ceiling * gib)), maxVCPUs: 2),
                 current: VMAllocation(memory: UInt64(current * gib), cpu: 2000, vcpus: 2, cpuWeight: .standard),
                 cpu: CPUCounters(usageNanos: 0),
                 memory: MemoryCounters(balloon: unused.map { BalloonStats(available: UInt64(current * gib),
                                                                            unused: UInt64($0 * gib)) }))
    }

    /// One tick on a 100-GiB host with `hostFree` GiB free; the new balloon in GiB.
    static func decide(_ mom: inout MOMPolicy, hostFree: Double, _ vm: VMSample) -> Double {
        let snapshot = HostSnapshot(host: HostSample(time: 10, capacity: ResourceVector(cpu: 8000, memory: UInt64(100 * gib)),
                                                     memoryAvailable: UInt64(hostFree * gib)), vms: [vm])
        return Double(mom.decide(snapshot)[0].memory) / gib
    }

    static func close(_ value: Double, _ expected: Double) -> Bool { abs(value - expected) < 1e-6 }

    @Test func growReachesUsedPlusTwentyPercentOfCurrent() {
        var mom = MOMPolicy()
        // Host 50 % free: grow. used = 4 - 0.2 = 3.8; max(4 × 1.05 = 4.2, 3.8 + 0.20 × 4 = 4.6) = 4.6.
        #expect(Self.close(Self.decide(&mom, hostFree: 50, Self.vm(current: 4, unused: 0.2)), 4.6))
    }

    @Test func growIsCappedAtBalloonMax() {
        var mom = MOMPolicy()
        // used = 4 - 0 = 4; max(4.2, 4 + 0.8 = 4.8) = 4.8, capped at balloon_max 4.5.
        #expect(Self.close(Self.decide(&mom, hostFree: 50, Self.vm(current: 4, unused: 0, ceiling: 4.5)), 4.5))
    }

    @Test func growFlooredAtBalloonMin() {
        var mom = MOMPolicy()
        // used = 2 - 1.5 = 0.5; max(2 × 1.05 = 2.1, 0.5 + 0.4 = 0.9, balloon_min 3) = 3.
        #expect(Self.close(Self.decide(&mom, hostFree: 50, Self.vm(current: 2, unused: 1.5, floor: 3)), 3))
    }

    @Test func shrinkFlooredAtBalloonMin() {
        var mom = MOMPolicy()
        // Host 10 % free: guest free% = 0.20 × 10/20 = 10 %; used = 4 - 3 = 1;
        // max(4 × 0.95 = 3.8, 1 + 0.1 × 4 = 1.4, balloon_min 3.9) = 3.9 (≤ 4, change 0.1 > 0.25 % × 4).
        #expect(Self.close(Self.decide(&mom, hostFree: 10, Self.vm(current: 4, unused: 3, floor: 3.9)), 3.9))
        // balloon_min 4.5 above current: the shrink target 4.5 > 4 is not applied (no growing under pressure).
        var other = MOMPolicy()
        #expect(Self.close(Self.decide(&other, hostFree: 10, Self.vm(current: 4, unused: 3, floor: 4.5)), 4))
    }

    @Test func changeAtOrBelowAQuarterPercentIsNotMade() {
        var mom = MOMPolicy()
        // Current 7.99, ceiling 8: target min(7.99 × 1.05, 8) = 8; change 0.01 ≤ 0.25 % × 7.99 = 0.019975.
        #expect(Self.close(Self.decide(&mom, hostFree: 50, Self.vm(current: 7.99, unused: 4)), 7.99))
    }

    @Test func guestUsedIsTheMeanOverTheHistory() {
        var mom = MOMPolicy()
        // Tick 1: used = 4 - 2 = 2; max(4.2, 2 + 0.8) = 4.2.
        #expect(Self.close(Self.decide(&mom, hostFree: 50, Self.vm(current: 4, unused: 2)), 4.2))
        // Tick 2 at 4.2 with 0.2 unused (latest used 4.0 would give 4.0 + 0.84 = 4.84).
        // StatAvg: balloon_cur (4 + 4.2) / 2 = 4.1, mem_unused (2 + 0.2) / 2 = 1.1, used 3.0;
        // max(4.2 × 1.05 = 4.41, 3.0 + 0.2 × 4.2 = 3.84) = 4.41.
        #expect(Self.close(Self.decide(&mom, hostFree: 50, Self.vm(current: 4.2, unused: 0.2)), 4.41))
    }

    @Test func hostFreeIsTheMeanOverTheHistory() {
        var averaging = MOMPolicy(historyLength: 2)
        var latestOnly = MOMPolicy(historyLength: 1)
        // Tick 1, host 50 % free: both grow 4 → 4.2 (used 2, floor 2.8).
        #expect(Self.close(Self.decide(&averaging, hostFree: 50, Self.vm(current: 4, unused: 2)), 4.2))
        #expect(Self.close(Self.decide(&latestOnly, hostFree: 50, Self.vm(current: 4, unused: 2)), 4.2))
        // Tick 2, host 10 % free. Averaged: (50 + 10) / 2 = 30 % ≥ 20 %: still grows;
        // used = (4 + 4.2)/2 - (2 + 2.2)/2 = 2.0, max(4.41, 2.0 + 0.84) = 4.41.
        #expect(Self.close(Self.decide(&averaging, hostFree: 10, Self.vm(current: 4.2, unused: 2.2)), 4.41))
        // Latest only: 10 % < 20 %: shrinks; free% 10 %, used 4.2 - 2.2 = 2.0;
        // max(4.2 × 0.95 = 3.99, 2.0 + 0.42 = 2.42) = 3.99.
        #expect(Self.close(Self.decide(&latestOnly, hostFree: 10, Self.vm(current: 4.2, unused: 2.2)), 3.99))
    }

    @Test func guestWithoutMemoryStatisticsIsLeftAlone() {
        var mom = MOMPolicy()
        #expect(Self.close(Self.decide(&mom, hostFree: 50, Self.vm(current: 4, unused: nil)), 4))
    }

    @Test func historyCoversMOMsFiftySecondWindow() {
        // 10 samples × 5 s = 50 s: 5 observations at 10-s ticks, 10 at 5 s, 1 at 300 s.
        #expect(MOMPolicy.historyLength(tick: 10) == 5)
        #expect(MOMPolicy.historyLength(tick: 5) == 10)
        #expect(MOMPolicy.historyLength(tick: 300) == 1)
    }
}
