import BallastCore

/// Encodes Ballast's side of the protocol (requests and notifications) to
/// single NDJSON lines, newline included. Field names and shapes are those of
/// plugins/schema/*.json; tests validate the output against those schemas.
public enum MessageEncoder {
    /// A request line: `{"jsonrpc":"2.0","id":ID,"method":M,"params":P}\n`.
    public static func request(id: Int64, method: String, params: [UInt8]) -> [UInt8] {
        var writer = JSONWriter(capacity: params.count + 64)
        writer.raw("{\"jsonrpc\":\"2.0\",\"id\":")
        writer.integer(id)
        writer.raw(",\"method\":")
        writer.string(method)
        writer.raw(",\"params\":")
        var line = writer.bytes
        line.append(contentsOf: params)
        line.append(UInt8(ascii: "}"))
        line.append(0x0A)
        return line
    }

    /// A notification line (no id, no answer expected).
    public static func notification(method: String, params: [UInt8]) -> [UInt8] {
        var writer = JSONWriter(capacity: params.count + 48)
        writer.raw("{\"jsonrpc\":\"2.0\",\"method\":")
        writer.string(method)
        writer.raw(",\"params\":")
        var line = writer.bytes
        line.append(contentsOf: params)
        line.append(UInt8(ascii: "}"))
        line.append(0x0A)
        return line
    }

    /// `initialize` params.
    public static func initializeParams(versions: [Int], pluginName: String, options: JSONValue,
                                        deadlineMilliseconds: Int, maximumLineBytes: Int) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{")
        writer.key("protocol_versions")
        writer.raw("[")
        for (index, version) in versions.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.integer(version)
        }
        writer.raw("],")
        writer.key("ballast_version"); writer.string(PluginProtocol.ballastVersion); writer.raw(",")
        writer.key("plugin_name"); writer.string(pluginName); writer.raw(",")
        writer.key("deadline_ms"); writer.integer(deadlineMilliseconds); writer.raw(",")
        writer.key("max_line_bytes"); writer.integer(maximumLineBytes); writer.raw(",")
        writer.key("options"); writer.value(options)
        writer.raw("}")
        return writer.bytes
    }

    /// `decide` params: the snapshot, with only `vmFields` of each VM (see
    /// `VMFields`), and the previous stage's proposal, always whole; VMs and
    /// `previous` as objects or as rows (see `SnapshotLayout`).
    /// Throws when a value cannot be represented in JSON (NaN, infinity).
    public static func decideParams(_ snapshot: TickSnapshot, previous: Proposal, vmFields: VMFields = .all,
                                    layout: SnapshotLayout = .objects) throws(UnencodableValue) -> [UInt8] {
        // About 915 bytes a VM with every field (docs/plugins.md): reserved at once, not regrown.
        let perVM = (vmFields == .all ? 960 : 400) / (layout == .rows ? 2 : 1)
        var writer = JSONWriter(capacity: 512 + snapshot.vms.count * perVM)
        writer.raw("{")
        writer.key("snapshot")
        snapshotObject(snapshot, vmFields: vmFields, layout: layout, into: &writer)
        writer.raw(",")
        writer.key("previous")
        switch layout {
        case .objects: previousObjects(previous, into: &writer)
        case .rows: previousRows(previous, into: &writer)
        }
        writer.raw("}")
        guard writer.nonFiniteCount == 0 else {
            throw UnencodableValue(detail: "the tick-\(snapshot.tick) snapshot holds \(writer.nonFiniteCount) NaN or infinite number(s) (an estimator or backend bug)")
        }
        return writer.bytes
    }

    /// `observe` params: what was applied this tick and each change's outcome.
    public static func observeParams(tick: UInt64, applied: AppliedChanges) -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + applied.count * 160)
        writer.raw("{")
        writer.key("tick"); writer.unsigned(tick); writer.raw(",")
        writer.key("applied")
        writer.raw("[")
        for (index, item) in applied.enumerated() {
            if index > 0 { writer.raw(",") }
            let change = item.change
            let values = change.adjustment.wireValues
            writer.raw("{")
            writer.key("id"); writer.string(change.vm.uuid); writer.raw(",")
            writer.key("name"); writer.string(change.vmName); writer.raw(",")
            writer.key("kind"); writer.string(change.kind.rawValue); writer.raw(",")
            writer.key("from"); writer.integer(values.from); writer.raw(",")
            writer.key("to"); writer.integer(values.to); writer.raw(",")
            writer.key("reason"); writer.string(item.explanation); writer.raw(",")
            writer.key("outcome"); writer.string(item.outcome.label)
            switch item.outcome {
            case .applied: break
            case .skipped(let detail), .failed(let detail):
                writer.raw(","); writer.key("detail"); writer.string(detail)
            }
            writer.raw("}")
        }
        writer.raw("]}")
        return writer.bytes
    }

    static func snapshotObject(_ snapshot: TickSnapshot, vmFields: VMFields, layout: SnapshotLayout = .objects,
                               into writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("tick"); writer.unsigned(snapshot.tick); writer.raw(",")
        writer.key("time"); writer.double(snapshot.time); writer.raw(",")
        writer.key("host")
        writer.raw("{")
        writer.key("time"); writer.double(snapshot.host.time); writer.raw(",")
        writer.key("capacity"); resources(snapshot.host.capacity, into: &writer); writer.raw(",")
        writer.key("memory_available"); writer.unsigned(snapshot.host.memoryAvailable); writer.raw(",")
        writer.key("cpu_pressure"); pressure(snapshot.host.cpuPressure, into: &writer); writer.raw(",")
        writer.key("memory_pressure"); pressure(snapshot.host.memoryPressure, into: &writer)
        writer.raw("},")
        writer.key("guest_capacity"); resources(snapshot.guestCapacity, into: &writer); writer.raw(",")
        writer.key("cpu_enforcement"); writer.string(snapshot.cpuEnforcement.rawValue); writer.raw(",")
        writer.key("vms")
        switch layout {
        case .objects:
            writer.raw("[")
            for (index, vm) in snapshot.vms.enumerated() {
                if index > 0 { writer.raw(",") }
                vmObject(vm, fields: vmFields, into: &writer)
            }
            writer.raw("]")
        case .rows:
            writer.raw("{")
            writer.key("columns"); strings(VMColumns.names(for: vmFields), into: &writer); writer.raw(",")
            writer.key("rows")
            writer.raw("[")
            for (index, vm) in snapshot.vms.enumerated() {
                if index > 0 { writer.raw(",") }
                vmRow(vm, fields: vmFields, into: &writer)
            }
            writer.raw("]}")
        }
        writer.raw("}")
    }

    static func previousObjects(_ previous: Proposal, into writer: inout JSONWriter) {
        writer.raw("[")
        for (index, entry) in previous.entries.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{")
            writer.key("id"); writer.string(entry.id.uuid); writer.raw(",")
            allocationMembers(entry.allocation, into: &writer)
            writer.raw(",")
            writer.key("reason"); writer.string(entry.reason); writer.raw(",")
            writer.key("stage"); writer.string(entry.stage)
            writer.raw("}")
        }
        writer.raw("]")
    }

    /// `previous` as `{"columns": VMColumns.previous, "rows": [...]}`; the row order matches those columns.
    static func previousRows(_ previous: Proposal, into writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("columns"); strings(VMColumns.previous, into: &writer); writer.raw(",")
        writer.key("rows")
        writer.raw("[")
        for (index, entry) in previous.entries.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("[")
            writer.string(entry.id.uuid); writer.raw(",")
            writer.unsigned(entry.allocation.memory); writer.raw(",")
            writer.integer(entry.allocation.cpu); writer.raw(",")
            writer.integer(entry.allocation.vcpus); writer.raw(",")
            writer.unsigned(UInt64(entry.allocation.cpuWeight.value)); writer.raw(",")
            writer.string(entry.reason); writer.raw(",")
            writer.string(entry.stage)
            writer.raw("]")
        }
        writer.raw("]}")
    }

    /// One row: `id`, `name`, then the selected leaves in `VMColumns.leaves` order.
    /// Every leaf below is preceded by a comma, since `id` and `name` always come first.
    static func vmRow(_ vm: VMView, fields: VMFields, into writer: inout JSONWriter) {
        writer.raw("[")
        writer.string(vm.id.uuid); writer.raw(",")
        writer.string(vm.name)
        if !fields.isDisjoint(with: .spec) {
            let spec = vm.spec
            if fields.contains(.specCPUShares) { writer.raw(","); writer.unsigned(UInt64(spec.cpuShares.value)) }
            if fields.contains(.specMemoryShares) { writer.raw(","); writer.unsigned(UInt64(spec.memoryShares)) }
            if fields.contains(.specReservation) { resourceCells(spec.reservation, into: &writer) }
            if fields.contains(.specCPULimit) { writer.raw(","); writer.optional(spec.cpuLimit) { $0.integer($1) } }
            if fields.contains(.specMemoryLimit) { writer.raw(","); writer.optional(spec.memoryLimit) { $0.unsigned($1) } }
            if fields.contains(.specFloor) { resourceCells(spec.floor, into: &writer) }
            if fields.contains(.specCeiling) { resourceCells(spec.ceiling, into: &writer) }
            if fields.contains(.specMinVCPUs) { writer.raw(","); writer.integer(spec.minVCPUs) }
            if fields.contains(.specMaxVCPUs) { writer.raw(","); writer.integer(spec.maxVCPUs) }
            if fields.contains(.specVCPUHotplug) { writer.raw(","); writer.bool(spec.vcpuHotplug) }
            if fields.contains(.specOptOut) { writer.raw(","); writer.bool(spec.optOut) }
        }
        if !fields.isDisjoint(with: .current) {
            let current = vm.current
            if fields.contains(.currentMemory) { writer.raw(","); writer.unsigned(current.memory) }
            if fields.contains(.currentCPU) { writer.raw(","); writer.integer(current.cpu) }
            if fields.contains(.currentVCPUs) { writer.raw(","); writer.integer(current.vcpus) }
            if fields.contains(.currentCPUWeight) { writer.raw(","); writer.unsigned(UInt64(current.cpuWeight.value)) }
        }
        if !fields.isDisjoint(with: .estimate) {
            let estimate = vm.estimate
            if fields.contains(.estimateDemand) { resourceCells(estimate.demand, into: &writer) }
            if fields.contains(.estimateGuestUsedMemory) {
                writer.raw(","); writer.optional(estimate.guestUsedMemory) { $0.unsigned($1) }
            }
            if fields.contains(.estimateMemoryActiveFraction) { writer.raw(","); writer.double(estimate.memoryActiveFraction) }
            if fields.contains(.estimateConfidence) { writer.raw(","); writer.double(estimate.confidence) }
            if fields.contains(.estimateSignals) { writer.raw(","); signals(estimate.signals, into: &writer) }
        }
        if fields.contains(.hasBalloonStats) { writer.raw(","); writer.bool(vm.hasBalloonStats) }
        if fields.contains(.memoryMechanism) { writer.raw(","); writer.string((vm.spec.memoryMechanism ?? .balloon).rawValue) }
        if fields.contains(.hostMemory) { writer.raw(","); writer.optional(vm.hostFootprint) { $0.unsigned($1) } }
        writer.raw("]")
    }

    /// `,cpu,memory`: a resource vector's two leaf cells.
    static func resourceCells(_ vector: ResourceVector, into writer: inout JSONWriter) {
        writer.raw(","); writer.integer(vector.cpu)
        writer.raw(","); writer.unsigned(vector.memory)
    }

    static func strings(_ values: [String], into writer: inout JSONWriter) {
        writer.raw("[")
        for (index, value) in values.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(value)
        }
        writer.raw("]")
    }

    static func signals(_ list: SignalList, into writer: inout JSONWriter) {
        writer.raw("[")
        for (index, signal) in list.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{")
            writer.key("name"); writer.string(signal.name); writer.raw(",")
            writer.key("value"); writer.double(signal.value); writer.raw(",")
            writer.key("note"); writer.string(signal.note)
            writer.raw("}")
        }
        writer.raw("]")
    }

    /// One `vms[]` entry with `id`, `name` and the selected members only; a
    /// group (`spec`, `current`, `estimate`) is written when any member of it is selected.
    static func vmObject(_ vm: VMView, fields: VMFields, into writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("id"); writer.string(vm.id.uuid); writer.raw(",")
        writer.key("name"); writer.string(vm.name)
        if !fields.isDisjoint(with: .spec) {
            writer.raw(","); writer.key("spec")
            specObject(vm.spec, fields: fields, into: &writer)
        }
        if !fields.isDisjoint(with: .current) {
            writer.raw(","); writer.key("current")
            currentObject(vm.current, fields: fields, into: &writer)
        }
        if !fields.isDisjoint(with: .estimate) {
            writer.raw(","); writer.key("estimate")
            estimateObject(vm.estimate, fields: fields, into: &writer)
        }
        if fields.contains(.hasBalloonStats) {
            writer.raw(","); writer.key("has_balloon_stats"); writer.bool(vm.hasBalloonStats)
        }
        if fields.contains(.memoryMechanism) {
            writer.raw(","); writer.key("memory_mechanism"); writer.string((vm.spec.memoryMechanism ?? .balloon).rawValue)
        }
        if fields.contains(.hostMemory) {
            writer.raw(","); writer.key("host_memory"); writer.optional(vm.hostFootprint) { $0.unsigned($1) }
        }
        writer.raw("}")
    }

    static func specObject(_ spec: VMSpec, fields: VMFields, into writer: inout JSONWriter) {
        var first = true
        writer.raw("{")
        if fields.contains(.specCPUShares) { writer.member("cpu_shares", first: &first); writer.unsigned(UInt64(spec.cpuShares.value)) }
        if fields.contains(.specMemoryShares) { writer.member("memory_shares", first: &first); writer.unsigned(UInt64(spec.memoryShares)) }
        if fields.contains(.specReservation) { writer.member("reservation", first: &first); resources(spec.reservation, into: &writer) }
        if fields.contains(.specCPULimit) { writer.member("cpu_limit", first: &first); writer.optional(spec.cpuLimit) { $0.integer($1) } }
        if fields.contains(.specMemoryLimit) { writer.member("memory_limit", first: &first); writer.optional(spec.memoryLimit) { $0.unsigned($1) } }
        if fields.contains(.specFloor) { writer.member("floor", first: &first); resources(spec.floor, into: &writer) }
        if fields.contains(.specCeiling) { writer.member("ceiling", first: &first); resources(spec.ceiling, into: &writer) }
        if fields.contains(.specMinVCPUs) { writer.member("min_vcpus", first: &first); writer.integer(spec.minVCPUs) }
        if fields.contains(.specMaxVCPUs) { writer.member("max_vcpus", first: &first); writer.integer(spec.maxVCPUs) }
        if fields.contains(.specVCPUHotplug) { writer.member("vcpu_hotplug", first: &first); writer.bool(spec.vcpuHotplug) }
        if fields.contains(.specOptOut) { writer.member("opt_out", first: &first); writer.bool(spec.optOut) }
        writer.raw("}")
    }

    static func currentObject(_ current: VMAllocation, fields: VMFields, into writer: inout JSONWriter) {
        var first = true
        writer.raw("{")
        if fields.contains(.currentMemory) { writer.member("memory", first: &first); writer.unsigned(current.memory) }
        if fields.contains(.currentCPU) { writer.member("cpu", first: &first); writer.integer(current.cpu) }
        if fields.contains(.currentVCPUs) { writer.member("vcpus", first: &first); writer.integer(current.vcpus) }
        if fields.contains(.currentCPUWeight) { writer.member("cpu_weight", first: &first); writer.unsigned(UInt64(current.cpuWeight.value)) }
        writer.raw("}")
    }

    static func estimateObject(_ estimate: DemandEstimate, fields: VMFields, into writer: inout JSONWriter) {
        var first = true
        writer.raw("{")
        if fields.contains(.estimateDemand) { writer.member("demand", first: &first); resources(estimate.demand, into: &writer) }
        if fields.contains(.estimateGuestUsedMemory) {
            writer.member("guest_used_memory", first: &first); writer.optional(estimate.guestUsedMemory) { $0.unsigned($1) }
        }
        if fields.contains(.estimateMemoryActiveFraction) {
            writer.member("memory_active_fraction", first: &first); writer.double(estimate.memoryActiveFraction)
        }
        if fields.contains(.estimateConfidence) { writer.member("confidence", first: &first); writer.double(estimate.confidence) }
        if fields.contains(.estimateSignals) {
            writer.member("signals", first: &first)
            signals(estimate.signals, into: &writer)
        }
        writer.raw("}")
    }

    static func allocationMembers(_ allocation: VMAllocation, into writer: inout JSONWriter) {
        writer.key("memory"); writer.unsigned(allocation.memory); writer.raw(",")
        writer.key("cpu"); writer.integer(allocation.cpu); writer.raw(",")
        writer.key("vcpus"); writer.integer(allocation.vcpus); writer.raw(",")
        writer.key("cpu_weight"); writer.unsigned(UInt64(allocation.cpuWeight.value))
    }

    static func resources(_ vector: ResourceVector, into writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("cpu"); writer.integer(vector.cpu); writer.raw(",")
        writer.key("memory"); writer.unsigned(vector.memory)
        writer.raw("}")
    }

    static func pressure(_ sample: PressureSample?, into writer: inout JSONWriter) {
        guard let sample else { writer.raw("null"); return }
        writer.raw("{")
        writer.key("some_avg10"); writer.double(sample.someAvg10); writer.raw(",")
        writer.key("full_avg10"); writer.optional(sample.fullAvg10) { $0.double($1) }; writer.raw(",")
        writer.key("some_total_us"); writer.unsigned(sample.someTotalMicros)
        writer.raw("}")
    }
}

/// A value Ballast cannot put on the wire (JSON has no NaN or infinity).
public struct UnencodableValue: Error, Sendable, Hashable {
    public var detail: String
}
