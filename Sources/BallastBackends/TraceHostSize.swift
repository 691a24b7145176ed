import BallastCore
import BallastSim

/// How `ballast run --backend sim --trace` sizes the one host it replays a trace
/// on, so that a trace of any size can be watched live on a host that fits it.
public enum TraceHostSize: Sendable, Hashable {
    /// A host of stated size (`--host-cpus`, `--host-memory`; 64 cores and 256 GiB
    /// unless given), whatever the trace holds.
    case fixed(HostConfig)
    /// One host holding every VM of the trace with its memory overcommitted this
    /// many times (`--overcommit`): physical memory is the VMs' configured memory
    /// divided by the ratio, the rule `simulate --overcommit` fills each of its hosts
    /// by. Cores are `cpus` (`--host-cpus`) or, unless given, scale with the memory at
    /// the default host's 64 cores per 256 GiB, so the VMs see the CPU density of one
    /// of `simulate`'s hosts too.
    case overcommit(Double, cpus: Int?)

    /// The host for `traces`.
    public func host(for traces: [VMTrace]) -> HostConfig {
        switch self {
        case .fixed(let host):
            return host
        case .overcommit(let ratio, let cpus):
            let standard = HostConfig()
            let configured = Double(traces.reduce(UInt64(0)) { $0 + $1.memory })
            let gibibytes = max(1, (configured / ratio / Double(ByteUnits.gibibyte)).rounded(.up))
            let perGiB = Double(standard.cpus) / (Double(standard.memory) / Double(ByteUnits.gibibyte))
            var host = standard
            host.memory = UInt64(gibibytes) * ByteUnits.gibibyte
            host.cpus = cpus ?? max(1, Int((gibibytes * perGiB).rounded(.up)))
            return host
        }
    }
}
