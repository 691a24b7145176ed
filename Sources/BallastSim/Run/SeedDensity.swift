/// Density over several seeds (seeds change VM sizes, subsets and packing):
/// one seed's verdict can flip between neighbouring seeds, so a density claim
/// is the minimum over seeds, with the median beside it.
public struct SeedDensity: Sendable {
    /// Per seed, in run order: each policy's density.
    public var runs: [(seed: UInt64, density: [PolicyKind: Double])] = []

    public init() {}

    public mutating func add(seed: UInt64, density: [PolicyKind: Double]) {
        runs.append((seed, density))
    }

    public func values(_ policy: PolicyKind) -> [Double] {
        runs.compactMap { $0.density[policy] }
    }

    public func minimum(_ policy: PolicyKind) -> Double {
        values(policy).min() ?? 0
    }

    /// The middle value (the mean of the two middle ones for an even count).
    public func median(_ policy: PolicyKind) -> Double {
        let sorted = values(policy).sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
