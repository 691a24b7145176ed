/// The `virConnectGetAllDomainStats` names Ballast reads, matched on the C
/// name's bytes so that parsing a record builds no `String` per parameter.
enum DomainStatName {
    case stateState, stateReason, cpuTime
    case balloonCurrent, balloonMaximum, balloonRSS, balloonAvailable, balloonUnused, balloonUsable
    case balloonDiskCaches, balloonSwapIn, balloonSwapOut, balloonMajorFault, balloonMinorFault, balloonLastUpdate
    case vcpuCurrent, vcpuMaximum
    /// `vcpu.N.delay`, any N.
    case vcpuDelay

    private static let fixedNames: [(name: StaticString, stat: DomainStatName)] = [
        ("state.state", .stateState), ("state.reason", .stateReason), ("cpu.time", .cpuTime),
        ("balloon.current", .balloonCurrent), ("balloon.maximum", .balloonMaximum), ("balloon.rss", .balloonRSS),
        ("balloon.available", .balloonAvailable), ("balloon.unused", .balloonUnused),
        ("balloon.usable", .balloonUsable), ("balloon.disk_caches", .balloonDiskCaches),
        ("balloon.swap_in", .balloonSwapIn), ("balloon.swap_out", .balloonSwapOut),
        ("balloon.major_fault", .balloonMajorFault), ("balloon.minor_fault", .balloonMinorFault),
        ("balloon.last-update", .balloonLastUpdate), ("vcpu.current", .vcpuCurrent), ("vcpu.maximum", .vcpuMaximum),
    ]

    /// The stat a parameter name stands for, `nil` for names Ballast ignores.
    static func match(_ name: UnsafeBufferPointer<UInt8>) -> DomainStatName? {
        for entry in fixedNames where name.count == entry.name.utf8CodeUnitCount && bytes(name, equal: entry.name) {
            return entry.stat
        }
        if bytes(name, startWith: "vcpu."), bytes(name, endWith: ".delay") { return .vcpuDelay }
        return nil
    }

    private static func bytes(_ name: UnsafeBufferPointer<UInt8>, equal other: StaticString) -> Bool {
        name.count == other.utf8CodeUnitCount && bytes(name, startWith: other)
    }

    private static func bytes(_ name: UnsafeBufferPointer<UInt8>, startWith prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard name.count >= count else { return false }
        let other = prefix.utf8Start
        for index in 0..<count where name[index] != other[index] { return false }
        return true
    }

    private static func bytes(_ name: UnsafeBufferPointer<UInt8>, endWith suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard name.count >= count else { return false }
        let other = suffix.utf8Start
        let offset = name.count - count
        for index in 0..<count where name[offset + index] != other[index] { return false }
        return true
    }
}
