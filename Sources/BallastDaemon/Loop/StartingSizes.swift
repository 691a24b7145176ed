import BallastCore

/// What each VM had when the daemon first saw it, and which of its knobs the daemon
/// has changed since: what `on_stop = "release"` gives back. Only knobs whose change
/// was applied count, so a dry run (nothing applied) releases nothing, and a knob the
/// daemon never turned is left as the operator has it.
struct StartingSizes: Sendable {
    private var first: [VMID: VMAllocation] = [:]
    private var changed: [VMID: (name: String, kinds: Knobs)] = [:]
    /// The ids `saw` was given last, in their order: a tick that lists the same VMs has
    /// nothing new to remember, which comparing ids tells without hashing them (hashing
    /// every id into `first` was 10 M instructions a tick at 10,000 VMs).
    private var lastSeen: [VMID] = []
    /// The runs of changes `record` read last, in order, with the knobs known turned for
    /// each VM then: a VM at the same place in the next tick's changes, turning only knobs
    /// among those, needs no lookup in `changed`. (`nextRecorded` is the list being
    /// built, swapped in at the end: both keep their memory from tick to tick.)
    private var lastRecorded: [(vm: VMID, known: Knobs)] = []
    private var nextRecorded: [(vm: VMID, known: Knobs)] = []

    /// Remembers the current size of every VM not seen before.
    mutating func saw(_ vms: [VMSample]) {
        // By index: iterating the samples themselves would copy (retain and release) each one.
        if vms.count == lastSeen.count, vms.indices.allSatisfy({ vms[$0].id == lastSeen[$0] }) { return }
        for vm in vms where first[vm.id] == nil { first[vm.id] = vm.current }
        lastSeen.removeAll(keepingCapacity: true)
        for vm in vms { lastSeen.append(vm.id) }
    }

    /// Records the knobs a tick's changes actually turned.
    ///
    /// Runs every tick over every change, so it costs one comparison per VM when the VMs
    /// change as they did at the last tick (the governor emits a VM's changes together, in
    /// the same order every tick), one lookup when not, and writes only what is new:
    /// writing each change into a `Set` through the dictionary allocated once per change
    /// and hashed the VM's id each time (40,000 allocations and 29 M instructions a tick at
    /// 10,000 VMs).
    mutating func record(_ applied: AppliedChanges) {
        nextRecorded.removeAll(keepingCapacity: true)
        let results = applied.results
        // Changes are read in place: a copy of each would retain and release its strings.
        applied.changes.withUnsafeBufferPointer { changes in
            var index = 0
            while index < changes.count {
                let first = index
                let vm = changes[first].vm
                var kinds = Knobs()
                while index < changes.count, changes[index].vm == vm {
                    if results[index].outcome == .applied { kinds.insert(changes[index].kind) }
                    index += 1
                }
                let place = nextRecorded.count
                if place < lastRecorded.count, lastRecorded[place].vm == vm,
                   lastRecorded[place].known.isSuperset(of: kinds) {
                    nextRecorded.append(lastRecorded[place])
                    continue
                }
                guard !kinds.isEmpty else {
                    nextRecorded.append((vm, Knobs()))
                    continue
                }
                let entry = changed[vm]
                var known = entry?.kinds ?? Knobs()
                if !known.isSuperset(of: kinds) {
                    known.formUnion(kinds)
                    changed[vm] = (entry?.name ?? changes[first].vmName, known)
                }
                nextRecorded.append((vm, known))
            }
        }
        swap(&lastRecorded, &nextRecorded)
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
    static func adjustments(from current: VMAllocation, to start: VMAllocation, kinds: Knobs) -> [Adjustment] {
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

/// Which knobs of a VM the daemon turned: one bit per `ChangeKind`.
struct Knobs: OptionSet, Sendable {
    let rawValue: UInt8

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(_ kind: ChangeKind) {
        switch kind {
        case .memory: rawValue = 1
        case .cpuQuota: rawValue = 2
        case .vcpus: rawValue = 4
        case .cpuWeight: rawValue = 8
        }
    }

    mutating func insert(_ kind: ChangeKind) {
        formUnion(Knobs(kind))
    }

    func contains(_ kind: ChangeKind) -> Bool {
        contains(Knobs(kind))
    }
}

/// One resized VM at stop: the changes that restore it, or why it is left alone.
struct ReleasePlan: Sendable, Hashable {
    var vm: String
    var changes: [Change]
    /// Why no change is made (nil when `changes` is not empty).
    var left: String?
}
