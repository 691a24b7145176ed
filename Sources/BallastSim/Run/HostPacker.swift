/// Packs VMs onto identical hosts at a memory overcommit ratio (configured
/// memory / physical memory): VMs in a seeded random order fill one host until
/// the next would push its configured memory past ratio × physical, then a new
/// host opens. A VM larger than the budget alone gets a host of its own.
public enum HostPacker {
    /// Groups of trace indices, one group per host.
    public static func pack(memories: [UInt64], hostMemory: UInt64, overcommit: Double, seed: UInt64) -> [[Int]] {
        var order = Array(memories.indices)
        var generator = SeededGenerator(seed: seed ^ 0x9ACC)
        order.shuffle(using: &generator)
        let budget = Double(hostMemory) * overcommit
        var hosts: [[Int]] = []
        var current: [Int] = []
        var used = 0.0
        for index in order {
            let size = Double(memories[index])
            if !current.isEmpty && used + size > budget {
                hosts.append(current)
                current = []
                used = 0
            }
            current.append(index)
            used += size
        }
        if !current.isEmpty { hosts.append(current) }
        return hosts.map { $0.sorted() }
    }
}
