/// Why a tick ran outside the interval. Producers (libvirt events, pressure triggers,
/// the balloon statistics watch) name one; `/metrics` counts urgent ticks by it.
public enum UrgentTickCause: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A PSI memory pressure trigger fired (the host's or a VM's cgroup).
    case pressure
    /// A guest's balloon statistics show less available memory than its headroom.
    case lowHeadroom = "low_headroom"
    /// The guests' used memory crossed into the emergency zone of their configured budget
    /// (`[host] guest_memory` less `emergency_free_fraction` of it).
    case memoryBudget = "memory_budget"
    /// A guest deflated its balloon by itself (its balloon grew past what Ballast set).
    case selfDeflate = "self_deflate"
    /// A guest released the memory a shrink asked for, and another guest's growth waits for it.
    case memoryReleased = "memory_released"
    /// A guest's memory device (virtio-mem) changed size.
    case memoryResized = "memory_resized"
    /// A VM started, resumed or migrated in.
    case vmStarted = "vm_started"
    /// A VM stopped, crashed or migrated away: its memory is free for the others.
    case vmStopped = "vm_stopped"
    /// The hypervisor connection closed: reconnect now instead of at the next interval.
    case connectionLost = "connection_lost"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
