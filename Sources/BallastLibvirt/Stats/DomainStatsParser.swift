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
        forEachTypedParameterName(buffer) { name, parameter in
            guard let stat = DomainStatName.match(name), let value = TypedValue(parameter) else { return }
            apply(stat, value, to: &stats, delay: &delay)
        }
        if let delay { stats.vcpuDelayNanos = delay }
    }

    static func apply(_ stat: DomainStatName, _ value: TypedValue, to stats: inout DomainStats, delay: inout UInt64?) {
        switch stat {
        case .stateState:
            if let raw = value.signed { stats.rawState = Int32(truncatingIfNeeded: raw); stats.state = runState(raw) }
        case .stateReason:
            if let raw = value.signed { stats.stateReason = Int32(truncatingIfNeeded: raw) }
        case .cpuTime: stats.cpuTimeNanos = value.unsigned
        case .balloonCurrent: stats.balloonCurrent = kib(value)
        case .balloonMaximum: stats.balloonMaximum = kib(value)
        case .balloonRSS: stats.rss = kib(value)
        case .balloonAvailable: stats.balloon.available = kib(value)
        case .balloonUnused: stats.balloon.unused = kib(value)
        case .balloonUsable: stats.balloon.usable = kib(value)
        case .balloonDiskCaches: stats.balloon.diskCaches = kib(value)
        case .balloonSwapIn: stats.balloon.swapIn = kib(value)
        case .balloonSwapOut: stats.balloon.swapOut = kib(value)
        case .balloonMajorFault: stats.balloon.majorFaults = value.unsigned
        case .balloonMinorFault: stats.balloon.minorFaults = value.unsigned
        case .balloonLastUpdate: stats.balloon.lastUpdate = value.unsigned.map { Double($0) }
        case .vcpuCurrent: stats.vcpuCurrent = value.unsigned.map { Int(clamping: $0) }
        case .vcpuMaximum: stats.vcpuMaximum = value.unsigned.map { Int(clamping: $0) }
        case .vcpuDelay:
            if let nanos = value.unsigned { delay = (delay ?? 0) &+ nanos }
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
