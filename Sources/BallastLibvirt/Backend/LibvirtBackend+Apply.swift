import BallastCore

/// Turning the governor's changes into libvirt calls.
extension LibvirtBackend {
    /// Applies `changes` live. Per VM, a vCPU change goes first so that a quota
    /// change in the same batch is split over the new vCPU count. Each change
    /// reports `.applied`, `.skipped(why)` (no balloon, no hot-plug, opted out,
    /// unknown domain) or `.failed(libvirt error)`.
    public func apply(_ changes: [Change]) async -> [AppliedChange] {
        let order: [ChangeKind: Int] = [.vcpus: 0, .cpuWeight: 1, .cpuQuota: 2, .memory: 3]
        let sorted = changes.enumerated().sorted {
            ($0.element.vm, order[$0.element.kind] ?? 9, $0.offset) < ($1.element.vm, order[$1.element.kind] ?? 9, $1.offset)
        }
        var outcomes = [ChangeOutcome](repeating: .skipped("not attempted"), count: changes.count)
        for (offset, change) in sorted {
            outcomes[offset] = await apply(change)
        }
        return zip(changes, outcomes).map { AppliedChange(change: $0, outcome: $1) }
    }

    private func apply(_ change: Change) async -> ChangeOutcome {
        let uuid = change.vm.uuid
        guard let record = records[uuid] else {
            return .skipped("domain \(change.vmName) was not in the last sample (stopped or migrated?)")
        }
        if record.spec.optOut { return .skipped("domain \(record.name) opted out in its Ballast metadata") }
        do throws(LibvirtError) {
            switch change.kind {
            case .memory:
                guard record.hasBalloon else {
                    return .skipped("domain \(record.name) has no balloon device (<memballoon model='none'>)")
                }
                guard change.to > 0 else { return .skipped("balloon target \(change.to) is not positive") }
                try await connection.setBalloonTarget(uuid: uuid, bytes: UInt64(change.to))
            case .vcpus:
                guard record.vcpuHotplug else {
                    return .skipped("domain \(record.name) does not allow vCPU hot-plug (<vcpu current> equals the maximum in its configuration)")
                }
                guard change.to >= 1, change.to <= Int64(record.spec.maxVCPUs) else {
                    return .skipped("vCPU count \(change.to) is outside 1...\(record.spec.maxVCPUs)")
                }
                let unplug = change.to < Int64(record.currentVCPUs)
                if unplug, let failure = record.vcpuUnplugFailure {
                    return .skipped("vCPU unplug on \(record.name) failed earlier in this run; not retried: \(failure)")
                }
                do throws(LibvirtError) {
                    try await connection.setVCPUs(uuid: uuid, count: Int(change.to))
                } catch {
                    if unplug && !error.connectionLost { records[uuid]?.vcpuUnplugFailure = error.message }
                    throw error
                }
                records[uuid]?.currentVCPUs = Int(change.to)
            case .cpuWeight:
                guard change.to >= 2 else { return .skipped("cpu_shares \(change.to) is below the minimum of 2") }
                try await connection.setScheduler(uuid: uuid, SchedulerParameters(cpuShares: UInt64(change.to)))
            case .cpuQuota:
                let vcpus = records[uuid]?.currentVCPUs ?? record.currentVCPUs
                let quota = SchedulerParameters.quota(millicores: Int(clamping: change.to), vcpus: vcpus,
                                                      period: options.vcpuPeriod)
                try await connection.setScheduler(
                    uuid: uuid, SchedulerParameters(vcpuQuota: quota, vcpuPeriod: options.vcpuPeriod))
            }
            return .applied
        } catch {
            if error.connectionLost {
                markDisconnected(error)
            } else {
                events.record(.backendError(operation: change.kind.rawValue, message: "\(error)"))
            }
            return .failed("\(error)")
        }
    }
}
