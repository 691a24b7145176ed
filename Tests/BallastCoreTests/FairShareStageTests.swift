import Testing
@testable import BallastCore

/// The built-in policy stage: allocations into full VM allocations with reasons.
@Suite("Fair-share stage")
struct FairShareStageTests {
    static let gib = ByteUnits.gibibyte

    @Test func uncontendedReasonsAreFixedTexts() {
        let views = [1, 2].map {
            Fixture.view($0, current: Fixture.allocation(memory: 4 << 30),
                         estimate: Fixture.estimate(cpu: 1000, memory: 2 << 30, used: 2 << 30))
        }
        let proposal = FairShareStage().propose(Fixture.snapshot(views))
        #expect(proposal.entries.map(\.reason) == [FairShareStage.Reason.demandMetWithHeadroom,
                                                  FairShareStage.Reason.demandMetWithHeadroom])
        #expect(proposal.entries.allSatisfy { $0.stage == "fair-share" })
        // Surplus by equal shares up to the 16 GiB ceiling each.
        #expect(proposal.entries.allSatisfy { $0.allocation.memory == 16 << 30 })
    }

    @Test func contendedReasonCarriesTheNumbers() {
        let views = [1, 2].map {
            Fixture.view($0, current: Fixture.allocation(memory: 4 << 30),
                         estimate: Fixture.estimate(cpu: 1000, memory: 6 << 30, used: 5 << 30))
        }
        let snapshot = Fixture.snapshot(views, capacity: ResourceVector(cpu: 16_000, memory: 8 << 30))
        let proposal = FairShareStage().propose(snapshot)
        #expect(proposal.entries[0].allocation.memory == 4 << 30)
        #expect(proposal.entries[0].reason == "fair share: 4.0 GiB for demand 6.0 GiB, host memory 150% committed")
        let quiet = FairShareStage(detailedReasons: false).propose(snapshot)
        #expect(quiet.entries[0].reason == FairShareStage.Reason.shortWithoutDetail)
    }

    @Test func hotplugVCPUsFollowTheEntitlementWithinBounds() {
        var spec = Fixture.spec(cpuCeiling: 8000, maxVCPUs: 8, hotplug: true)
        spec.minVCPUs = 2
        let busy = Fixture.view(1, spec: spec, current: Fixture.allocation(memory: 4 << 30, cpu: 2000, vcpus: 2),
                                estimate: Fixture.estimate(cpu: 5200, memory: 2 << 30, used: 2 << 30))
        let idle = Fixture.view(2, spec: spec, current: Fixture.allocation(memory: 4 << 30, cpu: 2000, vcpus: 4),
                                estimate: Fixture.estimate(cpu: 100, memory: 2 << 30, used: 2 << 30))
        let snapshot = Fixture.snapshot([busy, idle], capacity: ResourceVector(cpu: 5300, memory: 64 << 30))
        let quota = FairShareStage(settings: AllocatorSettings(cpuEnforcement: .quota)).propose(snapshot)
        #expect(quota.entries[0].allocation.cpu == 5200)
        #expect(quota.entries[0].allocation.vcpus == 6)
        #expect(quota.entries[1].allocation.vcpus == 2)   // 100 millicores, but at least minVCPUs
        #expect(quota.entries[0].allocation.cpuWeight == .standard)
        // By weight (the default) the vCPUs follow the same share; the weight is the
        // busy-host share (both VMs at their 8 cores, equal shares: half the 5.3 cores each).
        let weight = FairShareStage().propose(snapshot)
        #expect(weight.entries.map(\.allocation.vcpus) == [6, 2])
        #expect(weight.entries.map(\.allocation.cpuWeight.value) == [2650, 2650])
    }

    @Test func byWeightTheWeightIsTheBusyHostShareAndTheQuotaTheLimit() {
        var limited = Fixture.spec(cpuCeiling: 8000, maxVCPUs: 8)
        limited.cpuLimit = 3000
        let views = [
            Fixture.view(1, spec: limited, current: Fixture.allocation(memory: 4 << 30, cpu: 2000, vcpus: 8),
                         estimate: Fixture.estimate(cpu: 2500, memory: 2 << 30, used: 2 << 30)),
            Fixture.view(2, spec: Fixture.spec(cpuCeiling: 4000, maxVCPUs: 4),
                         current: Fixture.allocation(memory: 4 << 30, cpu: 2000, vcpus: 4),
                         estimate: Fixture.estimate(cpu: 100, memory: 2 << 30, used: 2 << 30)),
        ]
        let snapshot = Fixture.snapshot(views, capacity: ResourceVector(cpu: 4000, memory: 64 << 30))
        let quota = FairShareStage(settings: AllocatorSettings(cpuEnforcement: .quota)).propose(snapshot)
        let weight = FairShareStage().propose(snapshot)
        // The quota holds the limit (3 cores) or every vCPU (4 cores). The weights are the
        // shares with both VMs busy (each at its cap, equal shares: 2 cores each), not this
        // tick's shares: the idle VM 2 keeps the weight that gets it 2 cores when it wakes.
        #expect(weight.entries.map(\.allocation.cpu) == [3000, 4000])
        #expect(weight.entries.map(\.allocation.cpuWeight.value) == [2000, 2000])
        // Quota mode caps at this tick's shares: VM 1's demand, and the spare filled up to
        // the same level for VM 2.
        #expect(quota.entries.map(\.allocation.cpu) == [2500, 1500])
    }

    /// The busy-host shares are kept between ticks while the VMs and their specs stay the
    /// same; a changed spec, VM set or capacity must re-weigh at once.
    @Test func keptBusyHostSharesFollowEveryChangeOfTheirInputs() {
        let spec = Fixture.spec(cpuCeiling: 4000, maxVCPUs: 4)
        let views = (1...3).map {
            Fixture.view($0, spec: spec, current: Fixture.allocation(memory: 4 << 30, cpu: 4000, vcpus: 4),
                         estimate: Fixture.estimate(cpu: 500, memory: 2 << 30, used: 2 << 30))
        }
        var snapshot = Fixture.snapshot(views, capacity: ResourceVector(cpu: 6000, memory: 64 << 30))
        let stage = FairShareStage()
        var workspace = FairShareStage.Workspace()
        func weights() -> [UInt32] { stage.propose(snapshot, reusing: &workspace).entries.map(\.allocation.cpuWeight.value) }
        #expect(weights() == [2000, 2000, 2000])
        snapshot.vms[0].spec.cpuShares = CPUWeight(clamping: 2048)
        #expect(weights() == [3000, 1500, 1500])
        snapshot.vms[2].spec.cpuLimit = 500
        #expect(weights() == [3666, 1833, 500])
        snapshot.vms[1].spec.reservation.cpu = 2500
        #expect(weights() == [3000, 2500, 500])
        snapshot.guestCapacity.cpu = 12_000
        #expect(weights() == [4000, 4000, 500])
        snapshot.vms.removeLast()
        #expect(weights() == [4000, 4000])
    }

    @Test func aWeightWithinTenPercentOfTheShareStays() {
        let current = CPUWeight(clamping: 2000)
        #expect(CPUEnforcement.weight(forShare: 2150, current: current) == current)
        #expect(CPUEnforcement.weight(forShare: 1850, current: current) == current)
        #expect(CPUEnforcement.weight(forShare: 2200, current: current).value == 2200)
        #expect(CPUEnforcement.weight(forShare: 1800, current: current).value == 1800)
        // Beyond libvirt's range the weight is clamped, never refused.
        #expect(CPUEnforcement.weight(forShare: 0, current: current) == CPUWeight(clamping: 2))
        #expect(CPUEnforcement.weight(forShare: 1_000_000, current: current).value == CPUWeight.range.upperBound)
    }

    @Test func memoryLeftAloneWithoutBalloonStatsAndCountedAtCurrentSize() {
        let blind = Fixture.view(1, current: Fixture.allocation(memory: 6 << 30),
                                 estimate: Fixture.estimate(cpu: 1000, memory: 3 << 30, used: nil), balloon: false)
        let seen = Fixture.view(2, current: Fixture.allocation(memory: 4 << 30),
                                estimate: Fixture.estimate(cpu: 1000, memory: 8 << 30, used: 7 << 30))
        let snapshot = Fixture.snapshot([blind, seen], capacity: ResourceVector(cpu: 16_000, memory: 10 << 30))
        let proposal = FairShareStage().propose(snapshot)
        #expect(proposal.entries[0].allocation.memory == 6 << 30)
        #expect(proposal.entries[1].allocation.memory == 4 << 30)
    }

    @Test func reasonTextFormatting() {
        #expect(ReasonText.bytes(3 * Self.gib + Self.gib / 10) == "3.1 GiB")
        #expect(ReasonText.bytes(512 << 20) == "512 MiB")
        #expect(ReasonText.cores(2405) == "2.41 cores")
        #expect(ReasonText.cores(50) == "0.05 cores")
        #expect(ReasonText.percent(0.92) == "92%")
    }
}

/// The fair share reserves each guest's need (used + margin + climb): the governor never
/// shrinks a guest below it, so the share must not hand it to another guest.
@Suite("Fair-share stage: needs")
struct FairShareNeedTests {
    static let mib = ByteUnits.mebibyte

    @Test("a busy guest's need is reserved before the weights split the rest")
    func needBeforeWeights() {
        // The chaos suite's end state: busy 468 MiB used (weight high), idle 151 MiB used; 768 MiB budget.
        let busy = Fixture.view(1, current: Fixture.allocation(memory: 496 * Self.mib),
                                estimate: Fixture.estimate(cpu: 100, memory: 768 * Self.mib, used: 468 * Self.mib, active: 0.94))
        let idle = Fixture.view(2, current: Fixture.allocation(memory: 271 * Self.mib),
                                estimate: Fixture.estimate(cpu: 100, memory: 476 * Self.mib, used: 151 * Self.mib, active: 0.56))
        let snapshot = Fixture.snapshot([busy, idle], capacity: ResourceVector(cpu: 16_000, memory: 768 * Self.mib))
        let proposal = FairShareStage().propose(snapshot)
        #expect(proposal.entries[0].allocation.memory >= 532 * Self.mib, "busy below its used + 64 MiB")
        #expect(proposal.entries[1].allocation.memory >= 215 * Self.mib, "idle below its used + 64 MiB")
        #expect(proposal.entries.reduce(0) { $0 + $1.allocation.memory } <= 768 * Self.mib)
    }

    @Test("needs come after memory that cannot move, and are cut alike when they do not fit beside it")
    func needsAfterPinnedMemory() {
        let blind = Fixture.view(1, current: Fixture.allocation(memory: 6 << 30),
                                 estimate: Fixture.estimate(cpu: 100, memory: 6 << 30, used: nil), balloon: false)
        let a = Fixture.view(2, current: Fixture.allocation(memory: 2 << 30),
                             estimate: Fixture.estimate(cpu: 100, memory: 4 << 30, used: 3 << 30))
        let b = Fixture.view(3, current: Fixture.allocation(memory: 2 << 30),
                             estimate: Fixture.estimate(cpu: 100, memory: 4 << 30, used: 3 << 30))
        let snapshot = Fixture.snapshot([blind, a, b], capacity: ResourceVector(cpu: 16_000, memory: 10 << 30))
        let proposal = FairShareStage().propose(snapshot)
        #expect(proposal.entries[0].allocation.memory == 6 << 30)
        // 4 GiB left for two needs of 3.3 GiB: 2 GiB each, never eating into the pinned 6 GiB.
        #expect(proposal.entries[1].allocation.memory == proposal.entries[2].allocation.memory)
        #expect(proposal.entries[1].allocation.memory + proposal.entries[2].allocation.memory <= 4 << 30)
        #expect(proposal.entries[1].allocation.memory >= (2 << 30) - (1 << 20))
    }
}
