import BallastCgroups
import BallastCore

/// Combines what libvirt reported for a domain with what its cgroup says into
/// the core model's `VMSample`. Pure: the same inputs give the same sample, so
/// tests and benchmarks use it without a hypervisor.
///
/// - CPU usage: libvirt `cpu.time`, else the cgroup's usage; throttling from the
///   cgroup; run delay from `vcpu.N.delay`; pressure from `cpu.pressure`.
/// - Memory: RSS from `balloon.rss`, else the cgroup's anonymous memory; the
///   guest's balloon statistics when it reports any.
/// - Current allocation: balloon size, online vCPUs, `cpu_shares`, and the
///   quota as millicores (quota × vCPUs × 1000 / period; no quota = the ceiling).
public enum VMSampleAssembler {
    /// `pluggedSinceReport`: bytes a virtio-mem device plugged (negative: unplugged) since
    /// the guest's balloon report (`VirtioMemTracker.pluggedSinceReport`).
    public static func assemble(stats: DomainStats, spec: VMSpec, hasBalloonDevice: Bool,
                                cgroup: CgroupSample?, extraNotes: [String] = [], pluggedSinceReport: Int64 = 0) -> VMSample {
        var notes = stats.notes
        notes.append(contentsOf: extraNotes)
        if let cgroup { notes.append(contentsOf: cgroup.notes) }

        var cpu: CPUCounters?
        if let usage = stats.cpuTimeNanos ?? cgroup?.cpu.usageNanos {
            cpu = CPUCounters(usageNanos: usage, periods: cgroup?.cpu.periods,
                              throttledPeriods: cgroup?.cpu.throttledPeriods,
                              throttledNanos: cgroup?.cpu.throttledNanos, runDelayNanos: stats.vcpuDelayNanos,
                              pressure: cgroup?.cpuPressure)
        } else {
            notes.append("no CPU time from libvirt (cpu.time) or the cgroup: CPU demand unknown")
        }

        let balloon = countedBalloon(stats, spec: spec, pluggedSinceReport: pluggedSinceReport)
        let reportsAnything = balloon != BalloonStats()
        if !hasBalloonDevice {
            notes.append("no balloon device (<memballoon model='none'> or absent): memory is left alone")
        } else if !balloon.reportsUsage, stats.state == .running {
            notes.append("guest reports no balloon statistics (virtio_balloon driver not loaded?): memory use unknown")
        }
        let memory = MemoryCounters(rss: stats.rss ?? cgroup?.memory.anonymous ?? cgroup?.memory.usage,
                                    balloon: reportsAnything ? balloon : nil, pressure: cgroup?.memoryPressure,
                                    hostFootprint: Self.footprint(cgroup?.memory) ?? stats.rss)

        let vcpus = stats.vcpuCurrent ?? spec.maxVCPUs
        let current = VMAllocation(
            memory: stats.balloonCurrent ?? spec.ceiling.memory,
            cpu: stats.scheduler?.capMillicores(vcpus: vcpus) ?? spec.ceiling.cpu,
            vcpus: vcpus,
            cpuWeight: stats.scheduler?.cpuShares.map { CPUWeight(clamping: $0) } ?? spec.cpuShares
        )
        return VMSample(id: VMID(stats.uuid), name: stats.name, state: stats.state, spec: spec, current: current,
                        cpu: cpu, memory: memory, sampleNotes: notes)
    }

    /// The cgroup's usage without page cache (the host can drop that), else its anonymous memory.
    static func footprint(_ memory: CgroupMemoryStats?) -> UInt64? {
        guard let memory else { return nil }
        if let usage = memory.usage, let cache = memory.fileCache { return usage > cache ? usage - cache : 0 }
        return memory.anonymous ?? memory.usage
    }

    /// The guest's balloon statistics as Ballast counts them: with what a virtio-mem
    /// device plugged since the report as free memory (`BalloonStats.changingFreeMemory`),
    /// and for a deflate-on-OOM guest without the balloon's pages it keeps in MemTotal
    /// (`BalloonStats.countingBalloonOut`). The sample and the balloon watch both read them
    /// so, so that they agree on its use.
    static func countedBalloon(_ stats: DomainStats, spec: VMSpec, pluggedSinceReport: Int64) -> BalloonStats {
        let balloon = stats.balloon.changingFreeMemory(by: pluggedSinceReport)
        return spec.balloonDeflatesOnOOM == true
            ? balloon.countingBalloonOut(balloonSize: stats.balloonCurrent ?? .max) : balloon
    }
}
