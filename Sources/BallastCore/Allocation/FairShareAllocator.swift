/// Weighted max-min fair share of the host per resource. A pure function.
///
/// FIRST CUT (to be replaced by the full water-filling allocator with the idle memory tax).
public enum FairShareAllocator {
    public static func allocate(_ requests: [AllocationRequest], capacity: ResourceVector,
                                settings: AllocatorSettings = .init()) -> [ResourceVector] {
        let cpuDemand = requests.reduce(0) { $0 + min($1.demand.cpu, $1.cap.cpu) }
        let memDemand = requests.reduce(UInt64(0)) { $0 + min($1.demand.memory, $1.cap.memory) }
        let cpuScale = cpuDemand > capacity.cpu ? Double(capacity.cpu) / Double(cpuDemand) : 1
        let memScale = memDemand > capacity.memory ? Double(capacity.memory) / Double(memDemand) : 1
        return requests.map {
            ResourceVector(cpu: Int(Double(min($0.demand.cpu, $0.cap.cpu)) * cpuScale),
                           memory: UInt64(Double(min($0.demand.memory, $0.cap.memory)) * memScale))
        }
    }
}
