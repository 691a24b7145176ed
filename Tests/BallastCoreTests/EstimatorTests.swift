import Testing
@testable import BallastCore

/// The estimator on hand-made counter sequences.
@Suite("Estimator")
struct EstimatorTests {
    static let gib = ByteUnits.gibibyte

    /// A VM whose counters advance by hand, sampled every `dt` seconds.
    struct Guest {
        var n = 1
        var spec = Fixture.spec(cpuCeiling: 8000, memoryCeiling: 16 << 30)
        var current = Fixture.allocation(memory: 4 << 30, cpu: 2000)
        var usageNanos: UInt64 = 0
        var periods: UInt64 = 0
        var throttledPeriods: UInt64 = 0
        var throttledNanos: UInt64 = 0
        var available: UInt64 = 4 << 30
        var usable: UInt64 = 2 << 30
        var swapIn: UInt64 = 0
        var swapOut: UInt64 = 0
        var majorFaults: UInt64 = 0
        /// The guest's stamp on its statistics (nil: not reported).
        var lastUpdate: Double?
        var balloon = true
        var cpuCounters = true
        var notes: [String] = []

        /// Runs `dt` seconds at `millicores` of CPU, with `throttled` of the periods throttled.
        mutating func run(dt: Double, millicores: Int, throttled: Double = 0, unmet: Int = 0) {
            usageNanos += UInt64(Double(millicores) * dt * 1e6)
            let p = UInt64(dt * 10)
            periods += p
            throttledPeriods += UInt64(Double(p) * throttled)
            throttledNanos += UInt64(Double(unmet) * dt * 1e6)
        }

        var sample: VMSample {
            Fixture.sample(n, spec: spec, current: current,
                           cpu: cpuCounters ? CPUCounters(usageNanos: usageNanos, periods: periods,
                                                          throttledPeriods: throttledPeriods,
                                                          throttledNanos: throttledNanos) : nil,
                           balloon: balloon ? BalloonStats(available: available, usable: usable, swapIn: swapIn,
                                                           swapOut: swapOut, majorFaults: majorFaults,
                                                           lastUpdate: lastUpdate) : nil,
                           rss: 3 << 30, notes: notes)
        }
    }

    @Test func firstSampleBelievesCurrentWithLowConfidence() {
        var estimator = Estimator()
        let guest = Guest()
        let estimate = estimator.estimate(guest.sample, at: 0)
        #expect(estimate.demand == ResourceVector(cpu: 2000, memory: 4 << 30))
        #expect(estimate.confidence <= 0.2)
        #expect(estimate.signals.contains { $0.name == SignalName.firstSample })
    }

    @Test func usageFromCPUTimeDeltas() {
        var estimator = Estimator(settings: EstimatorSettings(cpuHeadroomFraction: 0))
        var guest = Guest()
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 1500)
        // Falling from 2000 toward 1500 with a 60-s half-life over 10 s.
        let estimate = estimator.estimate(guest.sample, at: 10)
        let usage = estimate.signals.first { $0.name == SignalName.cpuUsage }?.value ?? 0
        #expect(abs(usage - 1500) < 1)
        let expected = 2000 - (1 - HalfLife.powerOfHalf(10.0 / 60)) * 500
        #expect(abs(Double(estimate.demand.cpu) - expected) <= 1)
        #expect(estimate.confidence == 1)
    }

    @Test func throttledVMProbesUpward() {
        var estimator = Estimator()
        var guest = Guest()
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 2000, throttled: 0.5, unmet: 300)
        let estimate = estimator.estimate(guest.sample, at: 10)
        // At least usage × 1.25 plus the unmet time.
        #expect(estimate.demand.cpu >= 2000 * 5 / 4 + 300)
        #expect(estimate.signals.contains { $0.name == SignalName.cpuThrottled })
        #expect(estimate.signals.contains { $0.name == SignalName.cpuProbe })
    }

    /// The balloon (256 MiB) is larger than the guest's MemTotal (196 MiB): used memory
    /// counts from the balloon, so demand leaves the guest its headroom in MemAvailable.
    @Test func usedMemoryCountsTheKernelsReservationsInsideTheBalloon() {
        let mib = ByteUnits.mebibyte
        var estimator = Estimator(settings: EstimatorSettings(fallHalfLife: 0, memoryGrowthLookahead: 0))
        var guest = Guest()
        guest.current = Fixture.allocation(memory: 256 * mib, cpu: 1000)
        guest.available = 196 * mib
        guest.usable = 100 * mib
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 500)
        let estimate = estimator.estimate(guest.sample, at: 10)
        #expect(estimate.guestUsedMemory == 156 * mib)
        // used + 64 MiB headroom: at 220 MiB the guest would have 64 MiB MemAvailable again.
        #expect(estimate.demand.memory == 220 * mib)
    }

    /// A 512 MiB guest reporting 450 MiB MemTotal, 360 MiB usable, seen twice (at 0 and 2 s,
    /// its reports stamped 100 and 102).
    static func reportingGuest(seenBy estimator: inout Estimator) -> Guest {
        let mib = ByteUnits.mebibyte
        var guest = Guest()
        guest.current = Fixture.allocation(memory: 512 * mib, cpu: 1000)
        (guest.available, guest.usable, guest.lastUpdate) = (450 * mib, 360 * mib, 100)
        _ = estimator.estimate(guest.sample, at: 0)
        guest.lastUpdate = 102
        _ = estimator.estimate(guest.sample, at: 2)
        return guest
    }

    /// libvirt shows a balloon's new size before the guest's next statistics report shows
    /// it (and the other way round): balloon size − free then jumps by the resize. Growth of
    /// used memory is measured on the guest's own reports, so a resize is not growth.
    @Test("an idle guest being resized does not look like a growing one; real growth still does")
    func resizingIsNotGrowth() {
        let mib = ByteUnits.mebibyte
        var estimator = Estimator()
        var guest = Self.reportingGuest(seenBy: &estimator)
        func growth(_ estimate: DemandEstimate) -> Double? {
            estimate.signals.first { $0.name == SignalName.memoryGrowth }?.value
        }

        // Deflated by 48 MiB; the guest has not reported since (an urgent tick half a second later).
        guest.current.memory = 560 * mib
        #expect(growth(estimator.estimate(guest.sample, at: 2.5)) == nil)
        // Its next report shows the 48 MiB as MemTotal and MemAvailable both.
        (guest.available, guest.usable, guest.lastUpdate) = (498 * mib, 408 * mib, 103)
        #expect(growth(estimator.estimate(guest.sample, at: 4)) == nil)
        // Inflated back by 48 MiB: the report comes first this time.
        (guest.available, guest.usable, guest.lastUpdate) = (450 * mib, 360 * mib, 104)
        #expect(growth(estimator.estimate(guest.sample, at: 4.5)) == nil)
        guest.current.memory = 512 * mib
        #expect(growth(estimator.estimate(guest.sample, at: 5)) == nil)

        // The guest fills 60 MiB over the next two seconds of its reports: 30 MiB/s.
        (guest.usable, guest.lastUpdate) = (300 * mib, 106)
        let filling = estimator.estimate(guest.sample, at: 7)
        #expect(growth(filling) == Double(30 * mib))
        // Demand covers the next 15 s of it (the default look-ahead) on top of used + headroom.
        #expect(filling.demand.memory >= (212 + 64 + 15 * 30) * mib)
    }

    @Test("a climbing guest whose report is overdue is taken to go on climbing, up to its balloon")
    func aSilentClimbingGuestGoesOnClimbing() {
        let mib = ByteUnits.mebibyte
        var estimator = Estimator()
        var guest = Self.reportingGuest(seenBy: &estimator)
        // 50 MiB more in two seconds of its reports: 25 MiB/s.
        (guest.usable, guest.lastUpdate) = (310 * mib, 104)
        let climbing = estimator.estimate(guest.sample, at: 4)
        #expect(climbing.guestUsedMemory == 202 * mib)
        #expect(climbing.guestUsedGrowth == 25 * mib)
        // Its next report is due 2 s after the last: not overdue yet, nothing assumed.
        #expect(estimator.estimate(guest.sample, at: 7).guestUsedMemory == 202 * mib)
        // Late by a tick (5 s after it, with a 2-s interval): still nothing assumed.
        #expect(estimator.estimate(guest.sample, at: 9).guestUsedMemory == 202 * mib)
        // Overdue (7 s, more than three times its interval): 7 s at 25 MiB/s more is assumed.
        #expect(estimator.estimate(guest.sample, at: 11).guestUsedMemory == 377 * mib)
        // Never beyond the balloon.
        #expect(estimator.estimate(guest.sample, at: 60).guestUsedMemory == 512 * mib)
        // Its next report is believed again.
        (guest.usable, guest.lastUpdate) = (250 * mib, 170)
        #expect(estimator.estimate(guest.sample, at: 61).guestUsedMemory == 262 * mib)
    }

    @Test func probeIsCappedAtTheCeiling() {
        var estimator = Estimator()
        var guest = Guest()
        guest.spec = Fixture.spec(cpuCeiling: 2200)
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 2000, throttled: 1, unmet: 4000)
        #expect(estimator.estimate(guest.sample, at: 10).demand.cpu == 2200)
    }

    @Test func swappingProbesMemoryUpward() {
        var estimator = Estimator()
        var guest = Guest()
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 1000)
        guest.swapIn += 200 << 20
        guest.swapOut += 100 << 20
        let estimate = estimator.estimate(guest.sample, at: 10)
        // Balloon 4 GiB × 1.2 plus what was swapped in.
        #expect(estimate.demand.memory >= (4 << 30) * 6 / 5 + (200 << 20) - 1)
        #expect(estimate.signals.contains { $0.name == SignalName.memorySwap })
        #expect(estimate.demand.memory <= 16 << 30)
    }

    /// Deflate-on-OOM: the guest took 512 MiB back from a 3.5 GiB target (balloon now 4 GiB)
    /// while its statistics still show half of it usable. The deflation alone censors memory.
    @Test func aBalloonTheGuestDeflatedProbesMemoryUpwardAtOnce() {
        var estimator = Estimator()
        var guest = Guest()
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 1000)
        let calm = estimator.estimate(guest.sample, at: 10)
        #expect(!calm.signals.contains { $0.name == SignalName.memorySelfDeflate })
        guest.run(dt: 10, millicores: 1000)
        var deflated = guest.sample
        deflated.selfDeflatedFrom = (7 << 30) / 2
        let estimate = estimator.estimate(deflated, at: 20)
        let signal = estimate.signals.first { $0.name == SignalName.memorySelfDeflate }
        #expect(signal?.value == Double(512 << 20))
        // Balloon 4 GiB × 1.2, from one sample, against 2 GiB used + headroom without it.
        #expect(estimate.demand.memory >= (4 << 30) * 6 / 5 - 1)
        #expect(calm.demand.memory < 4 << 30)
    }

    @Test func memoryFallsSlowlyWithItsHalfLife() {
        var estimator = Estimator(settings: EstimatorSettings(fallHalfLife: 100))
        var guest = Guest()
        _ = estimator.estimate(guest.sample, at: 0)       // believes 4 GiB
        // Guest uses 1 GiB: target = 1 GiB + max(64 MiB, 10 %) = 1.1 GiB.
        guest.usable = 3 << 30
        var last: UInt64 = 4 << 30
        for t in stride(from: 10.0, through: 100, by: 10) {
            guest.run(dt: 10, millicores: 1000)
            let estimate = estimator.estimate(guest.sample, at: t)
            #expect(estimate.demand.memory < last)
            last = estimate.demand.memory
        }
        // After one half-life, halfway from 4 GiB to 1.1 GiB.
        let target = 1.1 * Double(Self.gib)
        let expected = target + (4 * Double(Self.gib) - target) / 2
        #expect(abs(Double(last) - expected) < Double(ByteUnits.mebibyte))
    }

    @Test func riseIsImmediate() {
        var estimator = Estimator()
        var guest = Guest()
        _ = estimator.estimate(guest.sample, at: 0)
        guest.usable = 1 << 29  // used 3.5 GiB of 4
        guest.run(dt: 10, millicores: 1000)
        let estimate = estimator.estimate(guest.sample, at: 10)
        #expect(estimate.demand.memory >= (7 << 29) + (7 << 29) / 10 - 1)
        #expect(estimate.guestUsedMemory == 7 << 29)
    }

    @Test func counterResetIsNotGarbage() {
        var estimator = Estimator()
        var guest = Guest()
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 1500)
        let before = estimator.estimate(guest.sample, at: 10)
        guest.usageNanos = 1_000   // VM restarted: counters start over
        guest.periods = 0
        guest.throttledPeriods = 0
        guest.swapIn = 0
        let after = estimator.estimate(guest.sample, at: 20)
        #expect(after.demand.cpu == before.demand.cpu)
        #expect(after.confidence < 1)
        #expect(after.signals.contains { $0.name == SignalName.counterReset })
        guest.run(dt: 10, millicores: 1500)
        let recovered = estimator.estimate(guest.sample, at: 30)
        #expect(recovered.demand.cpu <= 2000)
        #expect(recovered.confidence == 1)
    }

    @Test func missingStatsLowerConfidence() {
        var estimator = Estimator()
        var guest = Guest()
        guest.balloon = false
        guest.notes = ["cgroup cpu.stat unreadable: permission denied"]
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 1000)
        let estimate = estimator.estimate(guest.sample, at: 10)
        #expect(estimate.confidence <= 0.5)
        #expect(estimate.guestUsedMemory == nil)
        #expect(estimate.demand.memory == 3 << 30)  // host RSS
        #expect(estimate.signals.contains { $0.name == SignalName.memoryUnreported })
        #expect(estimate.signals.contains { $0.name == SignalName.sampleNotes })

        var noCPU = Guest(n: 2)
        noCPU.cpuCounters = false
        _ = estimator.estimate(noCPU.sample, at: 0)
        let blind = estimator.estimate(noCPU.sample, at: 10)
        #expect(blind.confidence < 1)
        #expect(blind.signals.contains { $0.name == SignalName.cpuUnreported })
    }

    @Test func activeFractionFromGuestUsed() {
        var estimator = Estimator()
        var guest = Guest()
        _ = estimator.estimate(guest.sample, at: 0)
        guest.run(dt: 10, millicores: 1000)
        let estimate = estimator.estimate(guest.sample, at: 10)
        #expect(abs(estimate.memoryActiveFraction - 0.5) < 1e-9)  // 2 GiB used of 4
    }

    @Test func pruningForgetsVanishedVMs() {
        var estimator = Estimator()
        let a = Guest(n: 1)
        let b = Guest(n: 2)
        _ = estimator.estimate(a.sample, at: 0)
        _ = estimator.estimate(b.sample, at: 0)
        let first = estimator.pruneUnseen(at: 0)
        #expect(first)
        _ = estimator.estimate(a.sample, at: 10)
        let second = estimator.pruneUnseen(at: 10)
        #expect(second)
        #expect(estimator.trackedIDs == [Fixture.id(1)])
        _ = estimator.estimate(a.sample, at: 20)
        let third = estimator.pruneUnseen(at: 20)
        #expect(!third)
        // b comes back: a first sample again.
        let again = estimator.estimate(b.sample, at: 30)
        #expect(again.signals.contains { $0.name == SignalName.firstSample })
    }

    @Test func halfLifeWeights() {
        #expect(HalfLife.weight(dt: 10, halfLife: 0) == 1)
        #expect(abs(HalfLife.weight(dt: 10, halfLife: 10) - 0.5) < 1e-12)
        #expect(abs(HalfLife.powerOfHalf(2.5) - 0.176_776_695_296_636_9) < 1e-12)
        #expect(HalfLife.weight(dt: 0, halfLife: 10) == 0)
    }
}
