import BallastCore

/// Turns the latest `TickReport` into the `/v1/state` document: joins each
/// VM's view with its proposal entry, governed result and last change.
enum StateDocumentBuilder {
    static func build(report: TickReport, host: HostSeries?, health: HealthStatus, interval: Double,
                      lastChanges: [VMID: LastChange?]) -> StateDocument {
        let proposals = Dictionary(report.proposal.entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let governed = Dictionary(report.decision.vms.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var vms: [VMDocument] = []
        vms.reserveCapacity(report.snapshot.vms.count + report.unbalanced.count)
        for vm in report.snapshot.vms {
            let estimate = EstimateDocument(
                demand: ResourcesDocument(vm.estimate.demand), guestUsedMemoryBytes: vm.estimate.guestUsedMemory,
                guestUsedGrowthBytesPerSecond: vm.estimate.guestUsedGrowth,
                memoryActiveFraction: vm.estimate.memoryActiveFraction, confidence: vm.estimate.confidence,
                signals: Array(vm.estimate.signals))
            let proposal = proposals[vm.id].map {
                ProposalDocument(allocation: AllocationDocument($0.allocation), reason: $0.reason, stage: $0.stage)
            }
            let governedVM = governed[vm.id]
            vms.append(VMDocument(
                uuid: vm.id.uuid, name: vm.name, runState: VMRunState.running.rawValue, balanced: true,
                spec: SpecDocument(vm.spec), current: AllocationDocument(vm.current), estimate: estimate,
                proposed: proposal, governed: governedVM.map { AllocationDocument($0.final) },
                clamps: governedVM?.clamps ?? [], sampleNotes: [], lastChange: lastChanges[vm.id] ?? nil,
                hostMemoryBytes: vm.hostFootprint, virtioMem: report.virtioMem[vm.id].map(VirtioMemDocument.init)))
        }
        for vm in report.unbalanced {
            vms.append(VMDocument(
                uuid: vm.id.uuid, name: vm.name, runState: vm.state.rawValue, balanced: false,
                spec: SpecDocument(vm.spec), current: AllocationDocument(vm.current), estimate: nil, proposed: nil,
                governed: nil, clamps: [], sampleNotes: vm.sampleNotes, lastChange: lastChanges[vm.id] ?? nil,
                hostMemoryBytes: vm.memory.hostFootprint, virtioMem: vm.virtioMem.map(VirtioMemDocument.init)))
        }
        let hostDocument = host.map { host in
            HostDocument(
                capacity: ResourcesDocument(host.capacity), guestCapacity: ResourcesDocument(host.guestCapacity),
                reserve: ResourcesDocument(host.reserve), memoryAvailableBytes: host.memoryAvailable,
                cpuPressureSomeAvg10: host.cpuPressure?.someAvg10,
                memoryPressureSomeAvg10: host.memoryPressure?.someAvg10,
                memoryPressureFullAvg10: host.memoryPressure?.fullAvg10,
                cpuOvercommit: host.cpuOvercommit, memoryOvercommit: host.memoryOvercommit,
                balancedVMs: host.balancedVMs, unbalancedVMs: host.unbalancedVMs)
        }
        var document = StateDocument(version: BallastBuild.version, health: health, intervalSeconds: interval,
                                     tick: report.snapshot.tick, time: report.snapshot.time,
                                     emergency: report.decision.emergency, host: hostDocument, stages: report.stages,
                                     vms: vms)
        document.cpuEnforcement = report.snapshot.cpuEnforcement.rawValue
        return document
    }
}
