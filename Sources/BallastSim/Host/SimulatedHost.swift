import BallastCore

/// A simulated hypervisor host: VMs with allocations, driven tick by tick by
/// true demand it never reveals. `step` delivers what the allocations and the
/// host allow and advances the counters a real host would show; `observe`
/// returns exactly those counters as a `HostSnapshot`. Synchronous and
/// allocation-free in the hot path, for the comparison loop; `SimulatedBackend`
/// wraps it behind the async `Backend` protocol for the engine.
///
/// Observation model (docs/simulator.md):
/// - CPU: usage grows by what is delivered, min(demand, entitlement) shared by
///   weight when the host is short; throttling when demand exceeds the cap (quota
///   model); run delay for wanted-but-undelivered CPU when the host is short.
/// - Memory: the guest uses min(demand, balloon); demand above the balloon
///   swaps (swap in/out, major faults); balloon statistics as a guest reports
///   them; page cache fills part of free memory and is resident on the host;
///   when residents exceed physical memory the host reclaims (cache first, then
///   working sets) and that shortfall counts too.
/// - Memory mechanisms (`HostConfig.memoryMechanisms`): sizes in whole virtio-mem
///   blocks, a resize that takes effect after a latency (shown in flight meanwhile),
///   touched pages held on the host without free page reporting, KSM saving a share
///   of what guests hold beyond their use.
public struct SimulatedHost: Sendable {
    public let config: HostConfig
    public private(set) var vms: [SimulatedVM]
    public private(set) var allocations: [VMAllocation]
    public private(set) var time: Double = 0

    /// Per-VM results of the last `step`: CPU delivered (millicores), memory
    /// the guest could actually use in RAM (bytes), and the balloon-visible used memory.
    public private(set) var deliveredCPU: [Double]
    public private(set) var deliveredMemory: [Double]
    public private(set) var cpuEntitlement: [Double]
    private var guestUsed: [Double]
    private var guestCache: [Double]
    private var rss: [Double]
    private var wanted: [Double]
    private var weights: [Double]
    private var hostAvailable: Double
    private var hostMemoryStall: Double = 0
    private var hostCPUStall: Double = 0

    // Cumulative counters, one per VM.
    private var usageNanos: [UInt64]
    private var periods: [UInt64]
    private var throttledPeriods: [UInt64]
    private var throttledNanos: [UInt64]
    private var runDelayNanos: [UInt64]
    private var swapIn: [UInt64]
    private var swapOut: [UInt64]
    private var majorFaults: [UInt64]
    private var minorFaults: [UInt64]
    private var filler = WaterFiller()
    /// Memory sizes asked for and not yet in effect (`MemoryMechanismModel.resizeLatency`),
    /// with when each takes effect; `pendingCount` of them are set.
    private var pendingMemory: [UInt64?]
    private var pendingDue: [Double]
    private var pendingCount = 0
    /// Without free page reporting: what each guest has touched, bytes, up to its size.
    private var touched: [Double]

    /// A host with every VM at the static point: balloon at configured ×
    /// min(1, physical / Σ configured), CPU entitlement at vCPUs × 1000 ×
    /// min(1, host CPU / Σ vCPUs × 1000), default weight.
    public init(config: HostConfig, vms: [SimulatedVM]) {
        self.config = config
        var vms = vms
        for index in vms.indices {
            if config.memoryMechanisms.virtioMemBlock != nil { vms[index].spec.memoryMechanism = .virtioMem }
            vms[index].spec.balloonFreePageReporting = config.memoryMechanisms.freePageReporting
        }
        self.vms = vms
        self.allocations = Self.staticPoint(config: config, vms: vms)
        let count = vms.count
        pendingMemory = [UInt64?](repeating: nil, count: count)
        pendingDue = [Double](repeating: 0, count: count)
        touched = [Double](repeating: 0, count: count)
        let zeros = [Double](repeating: 0, count: count)
        let counters = [UInt64](repeating: 0, count: count)
        deliveredCPU = zeros
        deliveredMemory = zeros
        cpuEntitlement = zeros
        guestUsed = zeros
        guestCache = zeros
        rss = zeros
        wanted = zeros
        weights = zeros
        hostAvailable = Double(config.memory)
        usageNanos = counters
        periods = counters
        throttledPeriods = counters
        throttledNanos = counters
        runDelayNanos = counters
        swapIn = counters
        swapOut = counters
        majorFaults = counters
        minorFaults = counters
    }

    /// The start allocation every policy gets, so that none has a head start.
    public static func staticPoint(config: HostConfig, vms: [SimulatedVM]) -> [VMAllocation] {
        let configuredMemory = vms.reduce(0.0) { $0 + Double($1.memory) }
        let configuredCPU = vms.reduce(0.0) { $0 + Double($1.vcpus * 1000) }
        let memoryScale = configuredMemory > 0 ? min(1, Double(config.memory) / configuredMemory) : 1
        let cpuScale = configuredCPU > 0 ? min(1, Double(config.cpus * 1000) / configuredCPU) : 1
        return vms.map {
            VMAllocation(memory: config.memoryMechanisms.granted(UInt64(Double($0.memory) * memoryScale), limit: $0.memory),
                         cpu: Int(Double($0.vcpus * 1000) * cpuScale), vcpus: $0.vcpus, cpuWeight: $0.spec.cpuShares)
        }
    }

    /// Sets one VM's allocation, clamped to what the hypervisor accepts
    /// (balloon ≤ configured memory, 1 ≤ vCPUs ≤ configured, weight ≥ 2). With a resize
    /// latency a new memory size takes effect that much later (`memoryInFlight`).
    public mutating func apply(_ allocation: VMAllocation, at index: Int) {
        let vm = vms[index]
        let model = config.memoryMechanisms
        let memory = model.granted(allocation.memory, limit: vm.memory)
        var applied = VMAllocation(
            memory: memory, cpu: max(0, min(allocation.cpu, vm.vcpus * 1000)),
            vcpus: min(max(allocation.vcpus, 1), vm.vcpus), cpuWeight: allocation.cpuWeight)
        if model.resizeLatency > 0 {
            let held = allocations[index].memory
            if memory == held {
                if pendingMemory[index] != nil { pendingCount -= 1 }
                pendingMemory[index] = nil
            } else if pendingMemory[index] != memory {
                if pendingMemory[index] == nil { pendingCount += 1 }
                pendingMemory[index] = memory
                pendingDue[index] = time + model.resizeLatency
            }
            applied.memory = held
        }
        allocations[index] = applied
    }

    /// The memory size asked for and not in effect yet, where there is one.
    public func memoryInFlight(_ index: Int) -> UInt64? { pendingMemory[index] }

    /// Puts the memory sizes whose latency has passed into effect.
    private mutating func settlePendingMemory() {
        for index in pendingMemory.indices {
            guard let memory = pendingMemory[index], pendingDue[index] <= time else { continue }
            allocations[index].memory = min(memory, vms[index].memory)
            pendingMemory[index] = nil
            pendingCount -= 1
        }
    }

    /// A resize event: the VM's configured vCPUs and memory change (the trace's
    /// own capacity changed); its allocation is clamped to the new size.
    public mutating func resize(_ index: Int, vcpus: Int, memory: UInt64) {
        vms[index].vcpus = vcpus
        vms[index].memory = memory
        vms[index].spec.ceiling = ResourceVector(cpu: vcpus * 1000, memory: memory)
        vms[index].spec.maxVCPUs = vcpus
        vms[index].spec.minVCPUs = min(vms[index].spec.minVCPUs, vcpus)
        apply(allocations[index], at: index)
    }

    /// Advances `seconds` with the given true demands (millicores, bytes), one per VM.
    public mutating func step(cpuDemand: UnsafeBufferPointer<Double>, memoryDemand: UnsafeBufferPointer<Double>,
                              seconds: Double) {
        time += seconds
        if pendingCount > 0 { settlePendingMemory() }
        stepCPU(cpuDemand, seconds: seconds)
        stepMemory(memoryDemand, seconds: seconds)
    }

    /// Array convenience for tests and the backend.
    public mutating func step(cpuDemand: [Double], memoryDemand: [Double], seconds: Double) {
        cpuDemand.withUnsafeBufferPointer { cpu in
            memoryDemand.withUnsafeBufferPointer { memory in step(cpuDemand: cpu, memoryDemand: memory, seconds: seconds) }
        }
    }

    private mutating func stepCPU(_ demand: UnsafeBufferPointer<Double>, seconds: Double) {
        let count = vms.count
        let quota = config.cpuModel == .quota
        var totalWanted = 0.0
        for index in 0..<count {
            let allocation = allocations[index]
            let ceiling = Double(allocation.vcpus * 1000)
            let cap = quota ? min(Double(allocation.cpu), ceiling) : ceiling
            cpuEntitlement[index] = cap
            wanted[index] = min(demand[index], cap)
            weights[index] = Double(allocation.cpuWeight.value)
            totalWanted += wanted[index]
        }
        let capacity = Double(config.cpus * 1000)
        if totalWanted > capacity {
            wanted.withUnsafeBufferPointer { w in
                weights.withUnsafeBufferPointer { weight in
                    deliveredCPU.withUnsafeMutableBufferPointer { out in
                        filler.fill(demands: w, weights: weight, capacity: capacity, into: out)
                    }
                }
            }
        } else {
            for index in 0..<count { deliveredCPU[index] = wanted[index] }
        }
        hostCPUStall = totalWanted > 0 ? max(0, 1 - capacity / totalWanted) : 0
        let periodsThisTick = UInt64((seconds / HostConfig.cfsPeriod).rounded())
        let nanosPerMillicore = seconds * 1e6
        for index in 0..<count {
            usageNanos[index] &+= UInt64(deliveredCPU[index] * nanosPerMillicore)
            runDelayNanos[index] &+= UInt64(max(0, wanted[index] - deliveredCPU[index]) * nanosPerMillicore)
            periods[index] &+= periodsThisTick
            let excess = demand[index] - cpuEntitlement[index]
            if quota && excess > 0 && demand[index] > 0 {
                let fraction = min(1, excess / demand[index])
                throttledPeriods[index] &+= UInt64((Double(periodsThisTick) * fraction).rounded(.up))
                throttledNanos[index] &+= UInt64(fraction * seconds * 1e9)
            }
        }
    }

    private mutating func stepMemory(_ demand: UnsafeBufferPointer<Double>, seconds: Double) {
        let count = vms.count
        let model = config.memoryMechanisms
        let holdsTouched = model.freePageReporting == false
        var totalUsed = 0.0
        var totalCache = 0.0
        for index in 0..<count {
            let target = Double(allocations[index].memory)
            let used = min(demand[index], target)
            let cache = config.guestCacheFraction * (target - used)
            guestUsed[index] = used
            guestCache[index] = cache
            totalUsed += used
            totalCache += cache
            // Pages stay touched until the guest's memory shrinks below them.
            if holdsTouched { touched[index] = min(max(touched[index], used + cache), target) }
        }
        let physical = Double(config.memory)
        let overflow = totalUsed + totalCache - physical
        var cacheScale = 1.0
        var usedScale = 1.0
        if overflow > 0 {
            let fromCache = min(overflow, totalCache)
            cacheScale = totalCache > 0 ? 1 - fromCache / totalCache : 1
            usedScale = totalUsed > 0 ? max(0, 1 - (overflow - fromCache) / totalUsed) : 1
        }
        hostMemoryStall = 1 - usedScale
        var resident = 0.0
        let refault = min(1, config.refaultRate * seconds)
        for index in 0..<count {
            let inRAM = guestUsed[index] * usedScale
            deliveredMemory[index] = inRAM
            var held = inRAM + guestCache[index] * cacheScale
            // Touched free pages the host could swap out without the guest noticing: held, never a stall.
            if holdsTouched { held += max(0, touched[index] - guestUsed[index] - guestCache[index]) }
            if model.ksmIdleShare > 0 { held -= model.ksmIdleShare * (held - inRAM) }
            rss[index] = held
            resident += held
            let shortfall = demand[index] - guestUsed[index]
            if shortfall > 0 {
                let swapped = UInt64(shortfall * refault)
                swapIn[index] &+= swapped
                swapOut[index] &+= swapped
                majorFaults[index] &+= UInt64((shortfall * refault / HostConfig.pageSize).rounded(.up))
            }
            minorFaults[index] &+= UInt64(guestUsed[index] * 0.001 * seconds / HostConfig.pageSize)
        }
        hostAvailable = max(0, physical - resident)
    }

    /// What a real host would show now: counters, balloon statistics, host
    /// free memory and pressure. Never the demand.
    public func observe() -> HostSnapshot {
        var snapshot = HostSnapshot(host: hostSample, vms: [])
        observe(into: &snapshot)
        return snapshot
    }

    /// The same, refilling `snapshot` in place: a loop that observes every tick
    /// keeps one snapshot, so that its VM array (about 400 KB at 1,000 VMs) is
    /// reused rather than allocated, freed and page-faulted in again each tick.
    public func observe(into snapshot: inout HostSnapshot) {
        snapshot.host = hostSample
        snapshot.vms.removeAll(keepingCapacity: true)
        snapshot.vms.reserveCapacity(vms.count)
        for index in vms.indices {
            snapshot.vms.append(observe(index))
        }
    }

    private var hostSample: HostSample {
        HostSample(
            time: time, capacity: config.capacity, memoryAvailable: UInt64(hostAvailable),
            cpuPressure: PressureSample(someAvg10: 100 * hostCPUStall, someTotalMicros: 0),
            memoryPressure: PressureSample(someAvg10: 100 * hostMemoryStall, someTotalMicros: 0))
    }

    /// One VM's sample, as `observe` reports it.
    public func observe(_ index: Int) -> VMSample {
        let vm = vms[index]
        let allocation = allocations[index]
        let target = Double(allocation.memory)
        let used = guestUsed[index]
        let cache = guestCache[index]
        let balloon = BalloonStats(
            available: allocation.memory, unused: UInt64(max(0, target - used - cache)),
            usable: UInt64(max(0, target - used)), diskCaches: UInt64(cache),
            swapIn: swapIn[index], swapOut: swapOut[index], majorFaults: majorFaults[index],
            minorFaults: minorFaults[index], lastUpdate: time)
        let cpu = CPUCounters(usageNanos: usageNanos[index], periods: periods[index],
                              throttledPeriods: throttledPeriods[index], throttledNanos: throttledNanos[index],
                              runDelayNanos: runDelayNanos[index])
        let footprint = config.memoryMechanisms.freePageReporting == nil ? nil : UInt64(rss[index])
        return VMSample(id: vm.id, name: vm.name, state: .running, spec: vm.spec, current: allocation, cpu: cpu,
                        memory: MemoryCounters(rss: UInt64(rss[index]), balloon: balloon, hostFootprint: footprint),
                        memoryTarget: pendingMemory[index])
    }

    /// Memory the host could still hand out, bytes (as in `observe`).
    public var memoryAvailable: UInt64 { UInt64(hostAvailable) }
}
