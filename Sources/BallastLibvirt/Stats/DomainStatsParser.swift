import BallastCore
import CLibvirt

/// Turns libvirt's typed parameters into `DomainStats`. The names and units
/// are libvirt's (`virConnectGetAllDomainStats` documentation): `state.*`,
/// `cpu.time` (ns), `balloon.*` (KiB, faults as counts, `last-update` seconds),
/// `vcpu.current`, `vcpu.maximum`, `vcpu.N.delay` (ns). Unknown names are ignored.
public enum DomainStatsParser {
    /// Parses a Swift-owned parameter list (tests, benchmarks).
    public static func parse(_ list: TypedParameterList, into stats: inout DomainStats) {
        parse(list.buffer, into: &stats)
    }

    static func parse(_ buffer: UnsafeBufferPointer<virTypedParameter>, into stats: inout DomainStats) {
        var delay: UInt64?
        forEachTypedParameter(buffer) { name, value in
            apply(name, value, to: &stats, delay: &delay)
        }
        if let delay { stats.vcpuDelayNanos = delay }
    }

    static func apply(_ name: String, _ value: TypedValue, to stats: inout DomainStats, delay: inout UInt64?) {
        switch name {
        case "state.state":
            if let raw = value.signed { stats.rawState = Int32(truncatingIfNeeded: raw); stats.state = runState(raw) }
        case "state.reason":
            if let raw = value.signed { stats.stateReason = Int32(truncatingIfNeeded: raw) }
        case "cpu.time": stats.cpuTimeNanos = value.unsigned
        case "balloon.current": stats.balloonCurrent = kib(value)
        case "balloon.maximum": stats.balloonMaximum = kib(value)
        case "balloon.rss": stats.rss = kib(value)
        case "balloon.available": stats.balloon.available = kib(value)
        case "balloon.unused": stats.balloon.unused = kib(value)
        case "balloon.usable": stats.balloon.usable = kib(value)
        case "balloon.disk_caches": stats.balloon.diskCaches = kib(value)
        case "balloon.swap_in": stats.balloon.swapIn = kib(value)
        case "balloon.swap_out": stats.balloon.swapOut = kib(value)
        case "balloon.major_fault": stats.balloon.majorFaults = value.unsigned
        case "balloon.minor_fault": stats.balloon.minorFaults = value.unsigned
        case "balloon.last-update": stats.balloon.lastUpdate = value.unsigned.map { Double($0) }
        case "vcpu.current": stats.vcpuCurrent = value.unsigned.map { Int(clamping: $0) }
        case "vcpu.maximum": stats.vcpuMaximum = value.unsigned.map { Int(clamping: $0) }
        default:
            if name.hasPrefix("vcpu."), name.hasSuffix(".delay"), let nanos = value.unsigned {
                delay = (delay ?? 0) &+ nanos
            }
        }
    }

    /// libvirt `virDomainState` -> Ballast's run state.
    static func runState(_ raw: Int64) -> VMRunState {
        switch UInt32(truncatingIfNeeded: raw) {
        case VIR_DOMAIN_RUNNING.rawValue: .running
        case VIR_DOMAIN_PAUSED.rawValue, VIR_DOMAIN_PMSUSPENDED.rawValue: .paused
        case VIR_DOMAIN_SHUTOFF.rawValue: .shutoff
        case VIR_DOMAIN_CRASHED.rawValue: .crashed
        default: .other
        }
    }

    private static func kib(_ value: TypedValue) -> UInt64? {
        value.unsigned.map { $0 &* 1024 }
    }
}
