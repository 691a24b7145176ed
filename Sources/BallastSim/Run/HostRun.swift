import BallastCore

/// Runs every policy on one host over the same demand, from the same start
/// state. The demand matrix (tick-major) is computed once, interpolated from
/// the traces, and shared by all policies.
struct HostRun {
    let vms: [SimulatedVM]
    let options: ComparisonOptions
    let ticks: Int
    let stepWindow: Int
    let tracedVMs: Int
    /// Resize events in tick order: at `tick`, VM `index` gets a new size.
    private var resizes: [(tick: Int, index: Int, vcpus: Int, memory: UInt64)] = []
    private var cpu: [Double]
    private var memory: [Double]

    init(traces unordered: [VMTrace], options: ComparisonOptions, ticks: Int, traceVMs: Bool) {
        let (vms, traces) = SimulatedVM.inIDOrder(unordered)
        self.vms = vms
        self.options = options
        self.ticks = ticks
        tracedVMs = traceVMs ? min(options.tracedVMs, traces.count) : 0
        let count = traces.count
        cpu = [Double](repeating: 0, count: ticks * count)
        memory = cpu
        for (index, trace) in traces.enumerated() {
            var cursor = 0
            let cpuCeiling = Double(trace.largestVCPUs * 1000)
            let memoryCeiling = Double(trace.largestMemory)
            for resize in trace.resizes {
                let tick = Int(((resize.time - trace.start) / options.tick).rounded(.up))
                if tick < ticks { resizes.append((max(0, tick), index, resize.vcpus, resize.memory)) }
            }
            for tick in 0..<ticks {
                let demand = trace.demand(at: Double(tick) * options.tick, cursor: &cursor)
                cpu[tick * count + index] = min(max(0, demand.cpu), cpuCeiling)
                memory[tick * count + index] = min(max(0, demand.memory), memoryCeiling)
            }
        }
        resizes.sort { $0.tick < $1.tick }
        let steps = traces.map(\.step).sorted()
        let medianStep = steps.isEmpty ? options.tick : steps[steps.count / 2]
        stepWindow = max(1, Int((medianStep / options.tick).rounded()))
    }

    func run(_ kind: PolicyKind) -> PolicyResult {
        var settings = options.ballastSettings
        settings.interval = options.tick
        switch kind {
        case .static:
            // StaticPolicy keeps every allocation; skip building an observation it would ignore.
            return run(kind) { _, _, _ in [] }
        case .mom:
            return run(kind, observing: UncappedCPU(base: MOMPolicy(historyLength: MOMPolicy.historyLength(tick: options.tick))))
        case .proxmox:
            return run(kind, observing: UncappedCPU(base: ProxmoxPolicy(settings: options.proxmox)))
        case .ballast, .ballastPredict, .ballastQuota:
            settings.estimator.prediction.enabled = kind == .ballastPredict
            if kind == .ballastQuota { settings.allocator.cpuEnforcement = .quota }
            return run(kind, observing: BallastPolicy(settings: settings, name: kind.rawValue))
        case .oracle:
            var policy = OraclePolicy(vms: vms)
            return run(kind) { host, cpu, memory in policy.decide(host: host, cpuDemand: cpu, memoryDemand: memory) }
        }
    }

    /// The loop for a policy that sees only what a host shows: one observation,
    /// refilled each tick.
    private func run(_ kind: PolicyKind, observing initial: some ObservingPolicy) -> PolicyResult {
        var policy = initial
        var observed = HostSnapshot(host: HostSample(time: 0, capacity: .zero, memoryAvailable: 0), vms: [])
        return run(kind) { host, _, _ in
            host.observe(into: &observed)
            return policy.decide(observed)
        }
    }

    /// The loop: decide (observing policies see the counters up to the previous
    /// tick; the oracle sees this tick's demand), apply and count changes, step, score.
    private func run(_ kind: PolicyKind,
                     decide: (SimulatedHost, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) -> [VMAllocation])
        -> PolicyResult {
        let count = vms.count
        var host = SimulatedHost(config: options.host, vms: vms)
        var scorer = TickScorer(config: options.host, vms: vms, ticks: options.keepSeries ? ticks : 0,
                                stepWindow: stepWindow, tracedVMs: tracedVMs)
        var nextResize = 0
        cpu.withUnsafeBufferPointer { cpuAll in
            memory.withUnsafeBufferPointer { memoryAll in
                for tick in 0..<ticks {
                    while nextResize < resizes.count && resizes[nextResize].tick <= tick {
                        let event = resizes[nextResize]
                        host.resize(event.index, vcpus: event.vcpus, memory: event.memory)
                        nextResize += 1
                    }
                    let range = (tick * count)..<((tick + 1) * count)
                    let cpuRow = UnsafeBufferPointer(rebasing: cpuAll[range])
                    let memoryRow = UnsafeBufferPointer(rebasing: memoryAll[range])
                    // Observing policies first decide after one tick has run: a
                    // host that has not run yet has no counters to show.
                    let wanted = tick > 0 || kind == .oracle ? decide(host, cpuRow, memoryRow) : []
                    for index in 0..<min(count, wanted.count) {
                        let before = host.allocations[index]
                        // Where the memory is heading: a size in flight (a resize latency) counts when asked.
                        let headingBefore = host.memoryInFlight(index) ?? before.memory
                        host.apply(wanted[index], at: index)
                        let after = host.allocations[index]
                        let heading = host.memoryInFlight(index) ?? after.memory
                        if heading != headingBefore {
                            scorer.card.changes += 1
                            scorer.card.memoryChanges += 1
                            scorer.card.bytesBallooned += heading > headingBefore
                                ? Double(heading - headingBefore) : Double(headingBefore - heading)
                        }
                        if after.cpu != before.cpu { scorer.card.changes += 1 }
                        if after.vcpus != before.vcpus { scorer.card.changes += 1 }
                        if after.cpuWeight != before.cpuWeight { scorer.card.changes += 1 }
                    }
                    host.step(cpuDemand: cpuRow, memoryDemand: memoryRow, seconds: options.tick)
                    scorer.record(tick: tick, host: host, cpu: cpuAll, memory: memoryAll, seconds: options.tick)
                }
            }
        }
        scorer.finish()
        return PolicyResult(policy: kind, card: scorer.card, series: options.keepSeries ? scorer.series : nil,
                            traced: scorer.traced)
    }
}
