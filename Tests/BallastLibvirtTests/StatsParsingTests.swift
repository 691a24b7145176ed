import BallastCgroups
import BallastCore
import Testing
@testable import BallastLibvirt

/// Typed-parameter parsing and sample assembly, with parameters built by libvirt's own
/// `virTypedParamsAdd*` in the shapes the QEMU driver reports.
struct StatsParsingTests {
    static func qemuRecord() throws -> TypedParameterList {
        try TypedParameterList([
            ("state.state", .int(1)), ("state.reason", .int(1)),
            ("cpu.time", .ullong(12_000_000_000)), ("cpu.user", .ullong(9_000_000_000)),
            ("balloon.current", .ullong(524_288)), ("balloon.maximum", .ullong(1_048_576)),
            ("balloon.swap_in", .ullong(4)), ("balloon.swap_out", .ullong(8)),
            ("balloon.major_fault", .ullong(3)), ("balloon.minor_fault", .ullong(900)),
            ("balloon.unused", .ullong(262_144)), ("balloon.available", .ullong(500_000)),
            ("balloon.usable", .ullong(300_000)), ("balloon.last-update", .ullong(1_700_000_000)),
            ("balloon.disk_caches", .ullong(20_000)), ("balloon.rss", .ullong(400_000)),
            ("vcpu.current", .uint(2)), ("vcpu.maximum", .uint(4)),
            ("vcpu.0.state", .int(1)), ("vcpu.0.time", .ullong(5)), ("vcpu.0.delay", .ullong(1_000)),
            ("vcpu.1.state", .int(1)), ("vcpu.1.delay", .ullong(2_500)),
        ])
    }

    @Test func parsesQEMUStatsIntoBallastUnits() throws {
        var stats = DomainStats(uuid: "u", name: "vm", id: 3)
        DomainStatsParser.parse(try Self.qemuRecord(), into: &stats)
        #expect(stats.state == .running)
        #expect(stats.cpuTimeNanos == 12_000_000_000)
        #expect(stats.balloonCurrent == 512 << 20)
        #expect(stats.balloonMaximum == 1 << 30)
        #expect(stats.rss == 400_000 * 1024)
        #expect(stats.balloon.unused == 256 << 20)
        #expect(stats.balloon.available == 500_000 * 1024)
        #expect(stats.balloon.swapOut == 8 * 1024)
        #expect(stats.balloon.majorFaults == 3)
        #expect(stats.balloon.lastUpdate == 1_700_000_000)
        #expect(stats.vcpuCurrent == 2)
        #expect(stats.vcpuMaximum == 4)
        #expect(stats.vcpuDelayNanos == 3_500)
        #expect(stats.hasGuestMemoryStats)
    }

    @Test func pausedAndShutoffStates() throws {
        for (raw, expected) in [(3, VMRunState.paused), (5, .shutoff), (6, .crashed), (7, .paused), (0, .other)] {
            var stats = DomainStats(uuid: "u", name: "vm", id: 3)
            DomainStatsParser.parse(try TypedParameterList([("state.state", .int(Int32(raw)))]), into: &stats)
            #expect(stats.state == expected)
        }
    }

    @Test func quotaConvertsToMillicoresAndBack() {
        let period: UInt64 = 100_000
        let quota = SchedulerParameters.quota(millicores: 1500, vcpus: 2, period: period)
        #expect(quota == 75_000)
        #expect(SchedulerParameters(vcpuQuota: quota, vcpuPeriod: period).capMillicores(vcpus: 2) == 1500)
        #expect(SchedulerParameters(vcpuQuota: -1, vcpuPeriod: period).capMillicores(vcpus: 2) == nil)
        #expect(SchedulerParameters(vcpuQuota: 17_592_186_044_415, vcpuPeriod: period).capMillicores(vcpus: 2) == nil)
        #expect(SchedulerParameters.quota(millicores: 1, vcpus: 4, period: period) == 1000) // kernel minimum
    }

    @Test func assemblesAVMSampleFromLibvirtAndCgroup() throws {
        var stats = DomainStats(uuid: "AB", name: "vm", id: 3)
        DomainStatsParser.parse(try Self.qemuRecord(), into: &stats)
        stats.scheduler = SchedulerParameters(cpuShares: 2048, vcpuQuota: 50_000, vcpuPeriod: 100_000)
        let spec = VMSpec(ceiling: ResourceVector(cpu: 4000, memory: 1 << 30), maxVCPUs: 4, vcpuHotplug: true)
        let cgroup = CgroupSample(cpu: CgroupCPUStats(usageNanos: 1, periods: 10, throttledPeriods: 4, throttledNanos: 99),
                                  notes: ["cgroup note"])
        let sample = VMSampleAssembler.assemble(stats: stats, spec: spec, hasBalloonDevice: true, cgroup: cgroup)
        #expect(sample.id == VMID("ab"))
        #expect(sample.current == VMAllocation(memory: 512 << 20, cpu: 1000, vcpus: 2, cpuWeight: CPUWeight(clamping: 2048)))
        #expect(sample.cpu?.usageNanos == 12_000_000_000) // libvirt's cpu.time wins over the cgroup
        #expect(sample.cpu?.throttledPeriods == 4)
        #expect(sample.cpu?.runDelayNanos == 3_500)
        #expect(sample.memory.balloon?.reportsUsage == true)
        #expect(sample.sampleNotes == ["cgroup note"])
    }

    @Test func unlimitedQuotaMeansTheCeilingAndMissingGuestStatsAreNoted() {
        var stats = DomainStats(uuid: "u", name: "vm", id: 3, state: .running)
        stats.balloonCurrent = 256 << 20
        stats.vcpuCurrent = 1
        stats.cpuTimeNanos = 5
        stats.scheduler = SchedulerParameters(cpuShares: 1024, vcpuQuota: -1, vcpuPeriod: 100_000)
        let spec = VMSpec(ceiling: ResourceVector(cpu: 2000, memory: 1 << 30), maxVCPUs: 2)
        let sample = VMSampleAssembler.assemble(stats: stats, spec: spec, hasBalloonDevice: true, cgroup: nil)
        #expect(sample.current.cpu == 2000)
        #expect(sample.memory.balloon == nil)
        #expect(sample.sampleNotes.contains { $0.contains("virtio_balloon") })
        let noDevice = VMSampleAssembler.assemble(stats: stats, spec: spec, hasBalloonDevice: false, cgroup: nil)
        #expect(noDevice.sampleNotes.contains { $0.contains("no balloon device") })
    }

    /// A deflate-on-OOM guest squeezed to 150 of 384 MiB keeps MemTotal at 384 MiB; its
    /// 234 MiB of balloon pages must not count as used (they did: 266 MiB "used" on a real
    /// guest using 32, and Ballast grew it straight back).
    @Test func aDeflateOnOOMGuestsBalloonPagesAreNotItsUse() {
        let mib: UInt64 = 1 << 20
        var stats = DomainStats(uuid: "AB", name: "vm", id: 3)
        stats.balloonCurrent = 150 * mib
        stats.balloon = BalloonStats(available: 384 * mib, usable: 100 * mib)
        var spec = VMSpec(ceiling: ResourceVector(cpu: 2000, memory: 384 * mib), maxVCPUs: 2)
        let plain = VMSampleAssembler.assemble(stats: stats, spec: spec, hasBalloonDevice: true, cgroup: nil)
        #expect(Estimator.guestUsed(plain.memory.balloon, balloonSize: plain.current.memory) == 284 * mib)
        spec.balloonDeflatesOnOOM = true
        let deflating = VMSampleAssembler.assemble(stats: stats, spec: spec, hasBalloonDevice: true, cgroup: nil)
        #expect(deflating.memory.balloon?.available == 150 * mib)
        #expect(Estimator.guestUsed(deflating.memory.balloon, balloonSize: deflating.current.memory) == 50 * mib)
        // A balloon larger than MemTotal says (never for such a guest) changes nothing.
        #expect(BalloonStats(available: 100 * mib).countingBalloonOut(balloonSize: 200 * mib).available == 100 * mib)
    }
}
