import BallastCore

/// VM sizes for traces that give utilisation in percent of an unknown size
/// (GCD, PlanetLab) or no size at all (Ballast CSV). Cloud-flavor-like
/// vCPU:memory pairs from 2 to 32 GiB in three families (compute 1:2,
/// general 1:4, memory 1:8 GiB per vCPU), each flavor equally likely. A VM's
/// flavor is a seeded hash of its name, so it does not depend on which other
/// VMs are loaded or in what order.
public struct SizeCatalogue: Sendable, Hashable {
    /// One size: vCPUs and memory.
    public struct Flavor: Sendable, Hashable {
        public var vcpus: Int
        public var memory: UInt64

        public init(vcpus: Int, memory: UInt64) {
            self.vcpus = vcpus
            self.memory = memory
        }
    }

    public var flavors: [Flavor]
    public var seed: UInt64

    public init(seed: UInt64, flavors: [Flavor] = SizeCatalogue.cloudFlavors) {
        self.seed = seed
        self.flavors = flavors
    }

    /// The default catalogue: 12 flavors, 1-16 vCPUs, 2-32 GiB.
    public static let cloudFlavors: [Flavor] = [
        // compute-optimised, 2 GiB per vCPU
        .init(vcpus: 1, memory: .gibibytes(2)), .init(vcpus: 2, memory: .gibibytes(4)),
        .init(vcpus: 4, memory: .gibibytes(8)), .init(vcpus: 8, memory: .gibibytes(16)),
        .init(vcpus: 16, memory: .gibibytes(32)),
        // general purpose, 4 GiB per vCPU
        .init(vcpus: 1, memory: .gibibytes(4)), .init(vcpus: 2, memory: .gibibytes(8)),
        .init(vcpus: 4, memory: .gibibytes(16)), .init(vcpus: 8, memory: .gibibytes(32)),
        // memory-optimised, 8 GiB per vCPU
        .init(vcpus: 1, memory: .gibibytes(8)), .init(vcpus: 2, memory: .gibibytes(16)),
        .init(vcpus: 4, memory: .gibibytes(32)),
    ]

    /// The seeded flavor for a VM name.
    public func flavor(for name: String) -> Flavor {
        flavors[Int(StableHash.of(name, seed: seed) % UInt64(flavors.count))]
    }

    /// The smallest flavor that holds both peaks, or the peaks rounded up to
    /// whole vCPUs and GiB when no flavor is large enough.
    public func smallestFitting(cpu: Double, memory: Double) -> Flavor {
        let fitting = flavors.filter { Double($0.vcpus * 1000) >= cpu && Double($0.memory) >= memory }
        if let best = fitting.min(by: { ($0.memory, $0.vcpus) < ($1.memory, $1.vcpus) }) { return best }
        let gib = Double(ByteUnits.gibibyte)
        return Flavor(vcpus: max(1, Int((cpu / 1000).rounded(.up))),
                      memory: UInt64(max(1, (memory / gib).rounded(.up))) * ByteUnits.gibibyte)
    }
}
