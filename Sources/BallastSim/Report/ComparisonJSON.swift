import FoundationEssentials

/// The `--json` output of `ballast simulate`: exactly one object,
/// `{"policies":[{...}],"vms","ticks","hosts"}` plus `"density"` after a sweep.
public struct ComparisonJSON: Codable, Sendable, Hashable {
    public struct Policy: Codable, Sendable, Hashable {
        public var name: String
        public var cpuShortfall: Double
        public var memoryShortfall: Double
        public var slack: Double
        public var fairness: Double
        public var changesPerVMHour: Double
        public var reactionP50Ticks: Double
        public var reactionP99Ticks: Double

        enum CodingKeys: String, CodingKey {
            case name
            case cpuShortfall = "cpu_shortfall"
            case memoryShortfall = "memory_shortfall"
            case slack, fairness
            case changesPerVMHour = "changes_per_vm_hour"
            case reactionP50Ticks = "reaction_p50_ticks"
            case reactionP99Ticks = "reaction_p99_ticks"
        }
    }

    public var policies: [Policy]
    public var vms: Int
    public var ticks: Int
    public var hosts: Int
    public var density: [String: Double]?

    public init(result: ComparisonOutcome, density: [PolicyKind: Double]? = nil) {
        policies = result.policies.map {
            Policy(name: $0.policy.rawValue, cpuShortfall: $0.card.cpuShortfall,
                   memoryShortfall: $0.card.memoryShortfall, slack: $0.card.slack, fairness: $0.card.fairness,
                   changesPerVMHour: $0.card.changesPerVMHour, reactionP50Ticks: $0.card.reactionP50,
                   reactionP99Ticks: $0.card.reactionP99)
        }
        vms = result.vms
        ticks = result.ticks
        hosts = result.hosts
        if let density {
            self.density = Dictionary(uniqueKeysWithValues: density.map { ($0.key.rawValue, $0.value) })
        }
    }

    /// One line of JSON, keys sorted.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
