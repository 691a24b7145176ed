import BallastCore
import Testing
@testable import BallastSim

/// Proxmox VE's `compute_alg1` + `auto_ballooning` rule by rule, each on a
/// hand-computed case (the arithmetic in the comment). Sizes in MiB; every VM
/// is configured with 10 GiB, so the default minimum (10 %) is 1,024 MiB.
@Suite struct ProxmoxRuleTests {
    static let mib = Double(ByteUnits.mebibyte)

    static func vm(_ name: String, balloon: Double, unused: Double?, shares: UInt32 = 1024) -> VMSample {
        VMSample(id: VMID(StableHash.uuid(for: name)), name: name, state: .running,
                 spec: VMSpec(memoryShares: shares, ceiling: ResourceVector(cpu: 2000, memory: .gibibytes(10)), maxVCPUs: 2),
                 current: VMAllocation(memory: UInt64(balloon * mib), cpu: 2000, vcpus: 2, cpuWeight: .standard),
                 cpu: CPUCounters(usageNanos: 0),
                 memory: MemoryCounters(balloon: unused.map { BalloonStats(available: UInt64(balloon * mib),
                                                                            unused: UInt64($0 * mib)) }))
    }

    /// One cycle on a 10-GiB (10,240 MiB) host with `used` MiB in use; new balloons in MiB.
    static func decide(_ settings: ProxmoxSettings = ProxmoxSettings(), used: Double, _ vms: [VMSample]) -> [Double] {
        var proxmox = ProxmoxPolicy(settings: settings)
        let snapshot = HostSnapshot(host: HostSample(time: 10, capacity: ResourceVector(cpu: 8000, memory: .gibibytes(10)),
                                                     memoryAvailable: UInt64((10_240 - used) * mib)), vms: vms)
        return proxmox.decide(snapshot).map { Double($0.memory) / mib }
    }

    @Test func anotherRoundRunsAfterAnyChange() {
        // Goal 80 % × 10,240 - 8,242 = -50 MiB: shrink the roomy VMs (free 300 > 25 % × 1,024).
        // Round 1: Σ(balloon - min) = 76 + 376 = 452, + goal = 402, / 2 shares = 201:
        // desired 1,225 for both. "a" (1,100) is below it: done (a shrink never grows).
        // "b" (1,400): max(1,400 - 100, 1,225) = 1,300; rest -50 - (-100) = +50.
        // Round 2 (after a change, though nothing was clamped): b alone, 276 + 50 = 326:
        // desired 1,350; max(1,300, 1,350) = 1,350, rest 0. One round only would leave 1,300.
        let result = Self.decide(used: 8_242, [Self.vm("a", balloon: 1_100, unused: 300),
                                               Self.vm("b", balloon: 1_400, unused: 300)])
        #expect(result == [1_100, 1_350])
    }

    @Test func zeroSharesExcludeAVM() {
        // Goal 8,192 - 4,096 = +4,096 MiB, both under pressure (free 10 ≤ 256).
        // "a" has shares 0: skipped, kept as is (weight 1 would shrink it: desired ≈ minimum).
        // "b" alone: desired min(1,024 + 976 + 4,096, 10,240) = 6,096, step-limited to 2,000 + 100.
        let result = Self.decide(used: 4_096, [Self.vm("a", balloon: 2_000, unused: 10, shares: 0),
                                               Self.vm("b", balloon: 2_000, unused: 10)])
        #expect(result == [2_000, 2_100])
    }

    @Test func vmWithoutMemoryStatisticsIsBalancedAsUnderPressure() {
        // Goal +4,096. "a" reports no statistics: under pressure, so the grow goes to it
        // first: desired 1,024 + 976 + 4,096 = 6,096, step-limited to 2,100; rest 3,996 < goal,
        // so the roomy "b" (free 3,000) is not considered.
        let result = Self.decide(used: 4_096, [Self.vm("a", balloon: 2_000, unused: nil),
                                               Self.vm("b", balloon: 2_000, unused: 3_000)])
        #expect(result == [2_100, 2_000])
    }

    @Test func growFallsBackToAllVMsWhenThePressuredMoveNothing() {
        // Goal +4,096; "a" is under pressure but at its 10,240 maximum: desired 1,024 + 9,216
        // + 4,096 clamped to 10,240 = balloon: done, nothing moved, rest = goal. Then all VMs,
        // anew: (9,216 + 976 + 4,096) / 2 = 7,144 each: desired 8,168 for both, so "a"
        // shrinks 100 (10,140) while the roomy "b" grows 100 (2,100): a grow moves bytes
        // between VMs towards their shares, as compute_alg1 does.
        let result = Self.decide(used: 4_096, [Self.vm("a", balloon: 10_240, unused: 10),
                                               Self.vm("b", balloon: 2_000, unused: 3_000)])
        #expect(result == [10_140, 2_100])
    }

    @Test func targetSettingDecidesTheDirection() {
        // 8,704 MiB used (85 %). Target 80 %: goal 8,192 - 8,704 = -512: shrink by 100.
        // Target 90 %: goal 9,216 - 8,704 = +512: "a" is roomy, no VM is pressured, so all
        // VMs: desired 1,024 + (3,976 + 512) = 5,512, step-limited to 5,100.
        let vms = [Self.vm("a", balloon: 5_000, unused: 2_000)]
        #expect(Self.decide(ProxmoxSettings(targetUsage: 0.80), used: 8_704, vms) == [4_900])
        #expect(Self.decide(ProxmoxSettings(targetUsage: 0.90), used: 8_704, vms) == [5_100])
    }

    @Test func minimumSettingBoundsTheShrink() {
        // Goal -512 at 80 %. Minimum 50 % (5,120 MiB): the VM at 5,150 is roomy
        // (free 2,000 > 1,280); desired max(5,120 + (30 - 512), 5,120) = 5,120: 30 MiB, not 100.
        let vms = [Self.vm("a", balloon: 5_150, unused: 2_000)]
        #expect(Self.decide(ProxmoxSettings(minimumFraction: 0.50), used: 8_704, vms) == [5_120])
        #expect(Self.decide(ProxmoxSettings(minimumFraction: 0.10), used: 8_704, vms) == [5_050])
    }

    @Test func noMinimumMeansNoBallooning() {
        // Proxmox skips a VM whose `balloon` (minimum) is not set.
        let vms = [Self.vm("a", balloon: 5_000, unused: 2_000)]
        #expect(Self.decide(ProxmoxSettings(minimumFraction: 0), used: 8_704, vms) == [5_000])
    }

    @Test func sensitivityGridIsSixSettings() {
        let grid = ProxmoxSettings.sensitivityGrid
        #expect(grid.map(\.label) == ["min 10 % / target 80 %", "min 10 % / target 90 %", "min 25 % / target 80 %",
                                      "min 25 % / target 90 %", "min 50 % / target 80 %", "min 50 % / target 90 %"])
    }
}
