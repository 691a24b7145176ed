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
        var applied = changes.map { AppliedChange(change: $0, outcome: .skipped("not attempted")) }
        for (offset, change) in sorted {
            let (outcome, how) = await apply(change)
            applied[offset].outcome = outcome
            if let how { applied[offset].change.reason += "; \(how)" }
        }
        return applied
    }

    /// The outcome, and for a vCPU change which way it went (added to the change's reason).
    private func apply(_ change: Change) async -> (outcome: ChangeOutcome, how: String?) {
        let uuid = change.vm.uuid
        guard let record = records[uuid] else {
            return (.skipped("domain \(change.vmName) was not in the last sample (stopped or migrated?)"), nil)
        }
        if record.spec.optOut { return (.skipped("domain \(record.name) opted out in its Ballast metadata"), nil) }
        do throws(LibvirtError) {
            switch change.kind {
            case .memory:
                guard record.hasBalloon else {
                    return (.skipped("domain \(record.name) has no balloon device (<memballoon model='none'>)"), nil)
                }
                guard change.to > 0 else { return (.skipped("balloon target \(change.to) is not positive"), nil) }
                try await connection.setBalloonTarget(uuid: uuid, bytes: UInt64(change.to))
            case .vcpus:
                guard record.vcpuHotplug else {
                    return (.skipped("domain \(record.name) does not allow vCPU hot-plug (<vcpu current> equals the maximum in its configuration)"), nil)
                }
                guard change.to >= 1, change.to <= Int64(record.spec.maxVCPUs) else {
                    return (.skipped("vCPU count \(change.to) is outside 1...\(record.spec.maxVCPUs)"), nil)
                }
                let changer = VCPUChanger(control: connection, uuid: uuid, name: record.name,
                                          agentTimeout: options.agentTimeout)
                var vcpus = record.vcpus
                defer { records[uuid]?.vcpus = vcpus }
                switch try await changer.change(&vcpus, to: Int(change.to), at: elapsed()) {
                case .applied(let how): return (.applied, how)
                case .skipped(let why): return (.skipped(why), nil)
                }
            case .cpuWeight:
                guard change.to >= 2 else { return (.skipped("cpu_shares \(change.to) is below the minimum of 2"), nil) }
                try await connection.setScheduler(uuid: uuid, SchedulerParameters(cpuShares: UInt64(change.to)))
            case .cpuQuota:
                let vcpus = records[uuid]?.vcpus.effective ?? record.vcpus.effective
                let quota = SchedulerParameters.quota(millicores: Int(clamping: change.to), vcpus: vcpus,
                                                      period: options.vcpuPeriod)
                try await connection.setScheduler(
                    uuid: uuid, SchedulerParameters(vcpuQuota: quota, vcpuPeriod: options.vcpuPeriod))
            }
            return (.applied, nil)
        } catch {
            if error.connectionLost {
                markDisconnected(error)
            } else {
                events.record(.backendError(operation: change.kind.rawValue, message: "\(error)"))
            }
            return (.failed("\(error)"), nil)
        }
    }
}
