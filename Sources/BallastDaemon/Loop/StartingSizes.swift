import BallastCore

/// What each VM had when the daemon first saw it, and which of its knobs the daemon
/// has changed since: what `on_stop = "release"` gives back. Only knobs whose change
/// was applied count, so a dry run (nothing applied) releases nothing, and a knob the
/// daemon never turned is left as the operator has it.
struct StartingSizes: Sendable {
    private var first: [VMID: VMAllocation] = [:]
    private var changed: [VMID: (name: String, kinds: Set<ChangeKind>)] = [:]

    /// Remembers the current size of every VM not seen before.
    mutating func saw(_ vms: [VMSample]) {
        for vm in vms where first[vm.id] == nil { first[vm.id] = vm.current }
    }

    /// Records the knobs a tick's changes actually turned.
    mutating func record(_ applied: [AppliedChange]) {
        for change in applied where change.outcome == .applied {
            changed[change.change.vm, default: (change.change.vmName, [])].kinds.insert(change.change.kind)
        }
    }

    /// The names of the VMs the daemon resized, sorted.
    var resizedNames: [String] { changed.values.map(\.name).sorted() }

    /// Per resized VM, the changes back to its starting size as `host` shows it now, or
    /// why nothing is done to it (gone, no longer running, opted out since).
    func plan(_ host: HostSnapshot) -> [ReleasePlan] {
        let now = Dictionary(host.vms.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return changed.sorted { $0.value.name < $1.value.name }.map { id, entry in
            guard let vm = now[id] else {
                return ReleasePlan(vm: entry.name, changes: [], left: "no longer on the host: nothing to restore")
            }
            guard vm.state == .running || vm.state == .paused else {
                return ReleasePlan(vm: vm.name, changes: [], left: "\(vm.state.rawValue): nothing to restore")
            }
            guard !vm.spec.optOut else {
                return ReleasePlan(vm: vm.name, changes: [], left: "opted out since: left as it is")
            }
            guard let start = first[id] else {
                return ReleasePlan(vm: vm.name, changes: [], left: "starting size unknown: left as it is")
            }
            let adjustments = Self.adjustments(from: vm.current, to: start, kinds: entry.kinds)
            return ReleasePlan(vm: vm.name, changes: adjustments.map {
                Change(vm: id, vmName: vm.name, $0, reason: "on_stop = release: back to its size when Ballast first saw it")
            }, left: adjustments.isEmpty ? "already at its starting size" : nil)
        }
    }

    /// The moves of the `kinds` knobs from `current` back to `start`, where they differ.
    static func adjustments(from current: VMAllocation, to start: VMAllocation, kinds: Set<ChangeKind>) -> [Adjustment] {
        var moves: [Adjustment] = []
        if kinds.contains(.memory), current.memory != start.memory {
            moves.append(.memory(from: current.memory, to: start.memory))
        }
        if kinds.contains(.vcpus), current.vcpus != start.vcpus { moves.append(.vcpus(from: current.vcpus, to: start.vcpus)) }
        if kinds.contains(.cpuQuota), current.cpu != start.cpu { moves.append(.cpuQuota(from: current.cpu, to: start.cpu)) }
        if kinds.contains(.cpuWeight), current.cpuWeight != start.cpuWeight {
            moves.append(.cpuWeight(from: current.cpuWeight, to: start.cpuWeight))
        }
        return moves
    }
}

/// One resized VM at stop: the changes that restore it, or why it is left alone.
struct ReleasePlan: Sendable, Hashable {
    var vm: String
    var changes: [Change]
    /// Why no change is made (nil when `changes` is not empty).
    var left: String?
}
