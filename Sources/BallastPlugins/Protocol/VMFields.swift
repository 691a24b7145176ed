/// The members of each `snapshot.vms[]` entry that a plugin reads, declared in
/// its `initialize` answer as `"snapshot": {"vm_fields": [...]}`. Ballast leaves
/// everything else out of that plugin's `decide` requests: at 1,000 VMs the
/// full snapshot is about 870 KB, and parsing it dominated a C plugin's round
/// trip. `id` and `name` are always sent; so is the whole `previous` proposal.
///
/// One bit per leaf member, so that the encoder tests a mask per member and
/// never allocates per VM. Wire names are the members' JSON paths:
/// `"spec"` (all of it) or `"spec.ceiling"` (one member), likewise `current.*`
/// and `estimate.*`, and `"has_balloon_stats"`, `"memory_mechanism"`, `"host_memory"`.
public struct VMFields: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    public static let specCPUShares = VMFields(rawValue: 1 << 0)
    public static let specMemoryShares = VMFields(rawValue: 1 << 1)
    public static let specReservation = VMFields(rawValue: 1 << 2)
    public static let specCPULimit = VMFields(rawValue: 1 << 3)
    public static let specMemoryLimit = VMFields(rawValue: 1 << 4)
    public static let specFloor = VMFields(rawValue: 1 << 5)
    public static let specCeiling = VMFields(rawValue: 1 << 6)
    public static let specMinVCPUs = VMFields(rawValue: 1 << 7)
    public static let specMaxVCPUs = VMFields(rawValue: 1 << 8)
    public static let specVCPUHotplug = VMFields(rawValue: 1 << 9)
    public static let specOptOut = VMFields(rawValue: 1 << 10)
    public static let currentMemory = VMFields(rawValue: 1 << 11)
    public static let currentCPU = VMFields(rawValue: 1 << 12)
    public static let currentVCPUs = VMFields(rawValue: 1 << 13)
    public static let currentCPUWeight = VMFields(rawValue: 1 << 14)
    public static let estimateDemand = VMFields(rawValue: 1 << 15)
    public static let estimateGuestUsedMemory = VMFields(rawValue: 1 << 16)
    public static let estimateMemoryActiveFraction = VMFields(rawValue: 1 << 17)
    public static let estimateConfidence = VMFields(rawValue: 1 << 18)
    public static let estimateSignals = VMFields(rawValue: 1 << 19)
    public static let hasBalloonStats = VMFields(rawValue: 1 << 20)
    /// How the VM's memory is resized (`MemoryMechanism`): "balloon", "virtio-mem", "none".
    public static let memoryMechanism = VMFields(rawValue: 1 << 21)
    /// What the VM holds in host memory, bytes, or null where unknown (`VMView.hostFootprint`).
    public static let hostMemory = VMFields(rawValue: 1 << 22)

    public static let spec: VMFields = [
        .specCPUShares, .specMemoryShares, .specReservation, .specCPULimit, .specMemoryLimit, .specFloor,
        .specCeiling, .specMinVCPUs, .specMaxVCPUs, .specVCPUHotplug, .specOptOut,
    ]
    public static let current: VMFields = [.currentMemory, .currentCPU, .currentVCPUs, .currentCPUWeight]
    public static let estimate: VMFields = [
        .estimateDemand, .estimateGuestUsedMemory, .estimateMemoryActiveFraction, .estimateConfidence, .estimateSignals,
    ]
    /// Every member: what a plugin gets when it declares nothing.
    public static let all: VMFields = [.spec, .current, .estimate, .hasBalloonStats, .memoryMechanism, .hostMemory]

    /// Every name a declaration may use, in the order of the protocol's table.
    /// `id` and `name` are accepted (they are always sent) and select nothing more.
    public static let names: [(name: String, fields: VMFields)] = [
        ("id", []), ("name", []),
        ("spec", .spec),
        ("spec.cpu_shares", .specCPUShares), ("spec.memory_shares", .specMemoryShares),
        ("spec.reservation", .specReservation), ("spec.cpu_limit", .specCPULimit),
        ("spec.memory_limit", .specMemoryLimit), ("spec.floor", .specFloor), ("spec.ceiling", .specCeiling),
        ("spec.min_vcpus", .specMinVCPUs), ("spec.max_vcpus", .specMaxVCPUs),
        ("spec.vcpu_hotplug", .specVCPUHotplug), ("spec.opt_out", .specOptOut),
        ("current", .current),
        ("current.memory", .currentMemory), ("current.cpu", .currentCPU), ("current.vcpus", .currentVCPUs),
        ("current.cpu_weight", .currentCPUWeight),
        ("estimate", .estimate),
        ("estimate.demand", .estimateDemand), ("estimate.guest_used_memory", .estimateGuestUsedMemory),
        ("estimate.memory_active_fraction", .estimateMemoryActiveFraction),
        ("estimate.confidence", .estimateConfidence), ("estimate.signals", .estimateSignals),
        ("has_balloon_stats", .hasBalloonStats), ("memory_mechanism", .memoryMechanism), ("host_memory", .hostMemory),
    ]

    /// The fields a wire name selects, or `nil` when the protocol has no such field.
    public static func named(_ name: String) -> VMFields? {
        names.first { $0.name == name }?.fields
    }

    /// Reads a `vm_fields` declaration; the problem names the offending entry.
    /// `location` is the declaration's path, for messages.
    public static func parse(_ declaration: JSONValue, location: String) -> Result<VMFields, HandshakeProblem> {
        guard let entries = declaration.arrayValue else {
            return .failure(.malformed("\(location) is \(declaration.typeName), expected an array of VM field names such as [\"spec.ceiling\", \"estimate.demand\"]"))
        }
        var selected: VMFields = []
        for (index, entry) in entries.enumerated() {
            guard let name = entry.stringValue else {
                return .failure(.malformed("\(location)[\(index)] is \(entry.typeName), expected a VM field name (a string)"))
            }
            guard let fields = named(name) else {
                return .failure(.malformed("\(location)[\(index)] names unknown VM field '\(name)'; known fields: \(names.map(\.name).joined(separator: ", "))"))
            }
            selected.formUnion(fields)
        }
        return .success(selected)
    }

    /// The declaration's canonical wire names: whole groups where complete, else their members.
    public var wireNames: [String] {
        var result: [String] = []
        for group in [("spec", VMFields.spec), ("current", .current), ("estimate", .estimate)] {
            if isSuperset(of: group.1) {
                result.append(group.0)
                continue
            }
            for entry in Self.names where entry.name.hasPrefix(group.0 + ".") && contains(entry.fields) {
                result.append(entry.name)
            }
        }
        if contains(.hasBalloonStats) { result.append("has_balloon_stats") }
        if contains(.memoryMechanism) { result.append("memory_mechanism") }
        if contains(.hostMemory) { result.append("host_memory") }
        return result
    }
}
