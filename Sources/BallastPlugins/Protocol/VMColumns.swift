/// The columns of the `rows` layout (see `SnapshotLayout`): one per leaf value
/// of a `vms[]` entry, named by its dotted path, in the fixed order of
/// PROTOCOL.md. A plugin gets `id`, `name`, then the leaves of the fields it
/// declared. `estimate.signals` is one column holding the signal array.
public enum VMColumns {
    /// Every leaf column after `id` and `name`, in wire order, with the field that selects it.
    public static let leaves: [(name: String, field: VMFields)] = [
        ("spec.cpu_shares", .specCPUShares), ("spec.memory_shares", .specMemoryShares),
        ("spec.reservation.cpu", .specReservation), ("spec.reservation.memory", .specReservation),
        ("spec.cpu_limit", .specCPULimit), ("spec.memory_limit", .specMemoryLimit),
        ("spec.floor.cpu", .specFloor), ("spec.floor.memory", .specFloor),
        ("spec.ceiling.cpu", .specCeiling), ("spec.ceiling.memory", .specCeiling),
        ("spec.min_vcpus", .specMinVCPUs), ("spec.max_vcpus", .specMaxVCPUs),
        ("spec.vcpu_hotplug", .specVCPUHotplug), ("spec.opt_out", .specOptOut),
        ("current.memory", .currentMemory), ("current.cpu", .currentCPU),
        ("current.vcpus", .currentVCPUs), ("current.cpu_weight", .currentCPUWeight),
        ("estimate.demand.cpu", .estimateDemand), ("estimate.demand.memory", .estimateDemand),
        ("estimate.guest_used_memory", .estimateGuestUsedMemory),
        ("estimate.memory_active_fraction", .estimateMemoryActiveFraction),
        ("estimate.confidence", .estimateConfidence), ("estimate.signals", .estimateSignals),
        ("has_balloon_stats", .hasBalloonStats), ("memory_mechanism", .memoryMechanism), ("host_memory", .hostMemory),
    ]

    /// The `vms.columns` a plugin that declared `fields` receives.
    public static func names(for fields: VMFields) -> [String] {
        ["id", "name"] + leaves.filter { fields.contains($0.field) }.map(\.name)
    }

    /// The `previous.columns`: the same for every plugin.
    public static let previous: [String] = ["id", "memory", "cpu", "vcpus", "cpu_weight", "reason", "stage"]
}
