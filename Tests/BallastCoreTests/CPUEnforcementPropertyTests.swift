import PropertyBased
import Testing
@testable import BallastCore

/// By weight, a VM's CFS weight is its busy-host share (its fair share with every VM
/// asking for its cap) and its quota only its limit. What makes that safe is that under
/// full contention the kernel's division by weight gives each VM that share; what makes
/// it calm is that the weight does not follow demand. These properties hold for any host
/// and VMs the stage can be handed.
@Suite("CPU share by weight")
struct CPUEnforcementPropertyTests {
    /// One VM: CPU demand, ceiling (all its vCPUs), shares, the weight it has now.
    static let vm = zip(Gen.int(in: 0...8_000), Gen.int(in: 1...8).map { $0 * 1000 }, Gen.uint32(in: 1...4096),
                        Gen.uint32(in: 2...20_000))
    static let host = zip(vm.array(of: 1...12), Gen.int(in: 500...40_000))

    static func snapshot(_ vms: [(Int, Int, UInt32, UInt32)], capacity: Int) -> TickSnapshot {
        let views = vms.enumerated().map { index, vm in
            Fixture.view(index + 1, spec: Fixture.spec(cpuCeiling: vm.1, shares: vm.2, maxVCPUs: vm.1 / 1000),
                         current: Fixture.allocation(memory: 4 << 30, cpu: 1000, vcpus: vm.1 / 1000,
                                                     weight: CPUWeight(clamping: vm.3)),
                         estimate: Fixture.estimate(cpu: vm.0, memory: 2 << 30, used: 2 << 30))
        }
        return Fixture.snapshot(views, capacity: ResourceVector(cpu: capacity, memory: 256 << 30))
    }

    /// The same host with every VM busy: each one's CPU demand at its cap.
    static func busy(_ snapshot: TickSnapshot) -> TickSnapshot {
        var busy = snapshot
        for index in busy.vms.indices { busy.vms[index].estimate.demand.cpu = busy.vms[index].spec.effectiveCap.cpu }
        return busy
    }

    /// Each VM's share of the busy host, as quota mode would cap it there.
    static func busyHostShares(_ snapshot: TickSnapshot) -> [Proposal.Entry] {
        FairShareStage(settings: AllocatorSettings(cpuEnforcement: .quota)).propose(busy(snapshot)).entries
    }

    /// What the kernel gives each VM when every one of them wants all it can get:
    /// the capacity divided by weight.
    static func underFullContention(_ proposal: Proposal, capacity: Int) -> [Double] {
        let total = proposal.entries.reduce(0.0) { $0 + Double($1.allocation.cpuWeight.value) }
        return proposal.entries.map { Double(capacity) * Double($0.allocation.cpuWeight.value) / total }
    }

    @Test func theQuotaIsTheLimitAndTheWeightTheBusyHostShareWithinItsHysteresis() async {
        await propertyCheck(input: Self.host) { vms, capacity in
            let snapshot = Self.snapshot(vms, capacity: capacity)
            let shares = FairShareStage(settings: AllocatorSettings(cpuEnforcement: .quota)).propose(snapshot)
            let busyHost = Self.busyHostShares(snapshot)
            let weights = FairShareStage().propose(snapshot)
            for (index, entry) in weights.entries.enumerated() {
                let view = snapshot.vms[index]
                #expect(entry.allocation.cpu == view.spec.effectiveCap.cpu)
                let target = CPUWeight(clamping: busyHost[index].allocation.cpu)
                let current = view.current.cpuWeight
                let kept = entry.allocation.cpuWeight == current
                    && abs(Double(target.value) - Double(current.value)) < CPUEnforcement.weightHysteresis * Double(current.value)
                #expect(entry.allocation.cpuWeight == target || kept,
                        "weight \(entry.allocation.cpuWeight) for a busy-host share of \(busyHost[index].allocation.cpu), was \(current)")
                // Everything but the CPU knobs is the same in both modes.
                #expect(entry.allocation.memory == shares.entries[index].allocation.memory)
                #expect(entry.allocation.vcpus == shares.entries[index].allocation.vcpus)
            }
        }
    }

    /// With fresh weights (each VM's weight is its busy-host share), full contention gives
    /// every VM at least that share; with weights the hysteresis kept, at least
    /// 0.9 / 1.1 of it. (Weights are whole and at least 2: one millicore of rounding per VM.)
    @Test func fullContentionGivesEachVMItsShare() async {
        await propertyCheck(input: Self.host) { vms, capacity in
            let snapshot = Self.snapshot(vms, capacity: capacity)
            let shares = Self.busyHostShares(snapshot).map { Double($0.allocation.cpu) }
            let clampedTotal = shares.reduce(0) { $0 + max($1, 2) }
            let scale = Double(capacity) / max(Double(capacity), clampedTotal)
            let stale = Self.underFullContention(FairShareStage().propose(snapshot), capacity: capacity)
            var fresh = snapshot
            for index in fresh.vms.indices { fresh.vms[index].current.cpuWeight = CPUWeight(clamping: Int(shares[index])) }
            let exact = Self.underFullContention(FairShareStage().propose(fresh), capacity: capacity)
            for index in shares.indices {
                #expect(exact[index] >= shares[index] * scale - 1, "VM \(index): \(exact[index]) for a share of \(shares[index])")
                #expect(stale[index] >= shares[index] * scale * 0.9 / 1.1 - 1,
                        "VM \(index): \(stale[index]) for a share of \(shares[index]) with stale weights")
            }
        }
    }

    /// The weight does not follow demand: the same VMs with any other demand estimates
    /// get the same weights (a VM that idles keeps the weight it needs when it wakes, and
    /// a stable host writes no weights), from a stage that saw the first demands or not.
    @Test func theWeightDoesNotFollowDemand() async {
        await propertyCheck(input: zip(Self.host, Gen.int(in: 0...8_000).array(of: 12))) { host, demands in
            let (vms, capacity) = host
            let snapshot = Self.snapshot(vms, capacity: capacity)
            var other = snapshot
            for index in other.vms.indices { other.vms[index].estimate.demand.cpu = demands[index] }
            let stage = FairShareStage()
            var workspace = FairShareStage.Workspace()
            let first = stage.propose(snapshot, reusing: &workspace).entries.map(\.allocation.cpuWeight)
            let kept = stage.propose(other, reusing: &workspace).entries.map(\.allocation.cpuWeight)
            let fresh = stage.propose(other).entries.map(\.allocation.cpuWeight)
            #expect(first == kept)
            #expect(kept == fresh)
        }
    }
}
