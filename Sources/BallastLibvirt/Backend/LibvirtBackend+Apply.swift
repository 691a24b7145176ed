import BallastCore

/// Turning the governor's changes into libvirt calls, one actuator per knob
/// (Sources/BallastLibvirt/Actuators). The governor has checked every bound, so
/// this only orders the changes, finds the domain and reports each outcome.
extension LibvirtBackend {
    /// Applies `changes` live. Per VM, a vCPU change goes first so that a quota
    /// change in the same batch is split over the new vCPU count. Each change
    /// reports `.applied` (with how, where the actuator had a choice),
    /// `.skipped(why)` (the domain vanished since the sample, or no way to lower
    /// its vCPUs is left) or `.failed(libvirt error)`.
    public func apply(_ changes: [Change]) async -> [ChangeResult] {
        let sorted = changes.enumerated().sorted {
            ($0.element.vm, Self.order($0.element.kind), $0.offset) < ($1.element.vm, Self.order($1.element.kind), $1.offset)
        }
        var results = Array(repeating: ChangeResult(.skipped("not attempted")), count: changes.count)
        for (offset, change) in sorted {
            results[offset] = await apply(change)
        }
        return results
    }

    /// A balloon takes seconds to inflate: growth that waits for the memory being
    /// released is brought forward by an urgent tick once a release is done (see
    /// `noteBalloon`). Never at once: what libvirt reports right after the apply is
    /// the size before it.
    public nonisolated var shrinksReleaseAtOnce: Bool { false }

    public func growthAwaitsRelease(_ awaiting: Bool) {
        growthAwaitingRelease = awaiting && records.values.contains { $0.releasing }
    }

    /// vCPUs first (the quota is split over them), memory last.
    private static func order(_ kind: ChangeKind) -> Int {
        switch kind {
        case .vcpus: 0
        case .cpuWeight: 1
        case .cpuQuota: 2
        case .memory: 3
        }
    }

    private func apply(_ change: Change) async -> ChangeResult {
        let uuid = change.vm.uuid
        guard let record = records[uuid] else {
            return ChangeResult(.skipped("domain \(change.vmName) was not in the last sample (stopped or migrated?)"))
        }
        do throws(LibvirtError) {
            switch change.adjustment {
            case .memory(let from, let bytes):
                if var tracker = record.virtioMem {
                    let result = try await VirtioMemActuator(connection: connection).apply(
                        uuid: uuid, tracker: &tracker, target: bytes, hasBalloon: record.hasBalloon, now: elapsed())
                    // Only what the actuator decided: a size-change event during its calls stays.
                    records[uuid]?.virtioMem?.takeRequests(from: tracker)
                    if case .applied = result {
                        // What the domain is moving to: the boot memory's part plus whole blocks.
                        let planned = (tracker.balloonTarget ?? tracker.bootMemory) &+ tracker.requested
                        records[uuid]?.memorySet(from: from, to: planned)
                    }
                    return result.reported
                }
                try await BalloonActuator(connection: connection).apply(uuid: uuid, bytes: bytes)
                records[uuid]?.memorySet(from: from, to: bytes)
            case .vcpus(_, let count):
                let actuator = VCPUActuator(control: connection, uuid: uuid, name: record.name,
                                            agentTimeout: options.agentTimeout)
                var vcpus = record.vcpus
                defer { records[uuid]?.vcpus = vcpus }
                return try await actuator.change(&vcpus, to: count, at: elapsed()).reported
            case .cpuWeight(_, let weight):
                try await CPUWeightActuator(connection: connection).apply(uuid: uuid, weight: weight)
            case .cpuQuota(_, let millicores):
                let vcpus = records[uuid]?.vcpus.effective ?? record.vcpus.effective
                try await CPUQuotaActuator(connection: connection, period: options.vcpuPeriod)
                    .apply(uuid: uuid, millicores: millicores, effectiveVCPUs: vcpus)
            }
            return .applied
        } catch {
            if error.connectionLost {
                markDisconnected(error)
            } else {
                events.record(.backendError(operation: change.kind.rawValue, message: "\(error)"))
            }
            return ChangeResult(.failed("\(error)"))
        }
    }
}
