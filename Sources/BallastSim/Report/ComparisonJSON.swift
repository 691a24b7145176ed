import FoundationEssentials

/// The `--json` output of `ballast simulate`: exactly one object,
/// `{"policies":[{...}],"vms","ticks","hosts"}` plus `"density"` after a sweep
/// (the minimum over seeds, with `"density_median"` and `"density_seeds"` when
/// several seeds ran) and `"proxmox_sensitivity"` when asked for.
public struct ComparisonJSON: Codable, Sendable, Hashable {
    public struct Policy: Codable, Sendable, Hashable {
        public var name: String
        public var cpuShortfall: Double
        public var memoryShortfall: Double
        public var slack: Double
        public var fairness: Double
        public var memoryFairness: Double
        public var cpuFairness: Double
        public var changesPerVMHour: Double
        public var memoryChangesPerVMHour: Double
        public var reactionP50Ticks: Double
        public var reactionP99Ticks: Double
        public var memoryReactionP50Ticks: Double
        public var memoryReactionP99Ticks: Double
        public var memorySteps: Int
        public var memoryStepsNeverCovered: Int
        public var cpuReactionP50Ticks: Double
        public var cpuReactionP99Ticks: Double
        public var cpuSteps: Int
        public var cpuStepsNeverCovered: Int

        enum CodingKeys: String, CodingKey {
            case name
            case cpuShortfall = "cpu_shortfall"
            case memoryShortfall = "memory_shortfall"
            case slack, fairness
            case memoryFairness = "memory_fairness"
            case cpuFairness = "cpu_fairness"
            case changesPerVMHour = "changes_per_vm_hour"
            case memoryChangesPerVMHour = "memory_changes_per_vm_hour"
            case reactionP50Ticks = "reaction_p50_ticks"
            case reactionP99Ticks = "reaction_p99_ticks"
            case memoryReactionP50Ticks = "memory_reaction_p50_ticks"
            case memoryReactionP99Ticks = "memory_reaction_p99_ticks"
            case memorySteps = "memory_steps"
            case memoryStepsNeverCovered = "memory_steps_never_covered"
            case cpuReactionP50Ticks = "cpu_reaction_p50_ticks"
            case cpuReactionP99Ticks = "cpu_reaction_p99_ticks"
            case cpuSteps = "cpu_steps"
            case cpuStepsNeverCovered = "cpu_steps_never_covered"
        }
    }

    /// Proxmox under one setting of the sensitivity grid.
    public struct ProxmoxRow: Codable, Sendable, Hashable {
        public var minimum: Double
        public var target: Double
        public var memoryShortfall: Double
        public var slack: Double
        public var changesPerVMHour: Double
        public var best: Bool

        enum CodingKeys: String, CodingKey {
            case minimum, target, slack, best
            case memoryShortfall = "memory_shortfall"
            case changesPerVMHour = "changes_per_vm_hour"
        }
    }

    public var policies: [Policy]
    public var vms: Int
    public var ticks: Int
    public var hosts: Int
    public var density: [String: Double]?
    public var densityMedian: [String: Double]?
    public var densitySeeds: [String: [Double]]?
    public var proxmoxSensitivity: [ProxmoxRow]?

    enum CodingKeys: String, CodingKey {
        case policies, vms, ticks, hosts, density
        case densityMedian = "density_median"
        case densitySeeds = "density_seeds"
        case proxmoxSensitivity = "proxmox_sensitivity"
    }

    /// With more than one seed in `seeds`, `density` is the minimum over them.
    public init(result: ComparisonOutcome, density: [PolicyKind: Double]? = nil, seeds: SeedDensity? = nil,
                sensitivity: [ProxmoxSensitivity.Row]? = nil) {
        policies = result.policies.map { policy in
            let card = policy.card
            return Policy(name: policy.policy.rawValue, cpuShortfall: card.cpuShortfall,
                          memoryShortfall: card.memoryShortfall, slack: card.slack, fairness: card.fairness,
                          memoryFairness: card.memoryFairness, cpuFairness: card.cpuFairness,
                          changesPerVMHour: card.changesPerVMHour, memoryChangesPerVMHour: card.memoryChangesPerVMHour,
                          reactionP50Ticks: card.reactionP50,
                          reactionP99Ticks: card.reactionP99,
                          memoryReactionP50Ticks: card.memoryReaction.p50, memoryReactionP99Ticks: card.memoryReaction.p99,
                          memorySteps: card.memoryReaction.steps, memoryStepsNeverCovered: card.memoryReaction.neverCovered,
                          cpuReactionP50Ticks: card.cpuReaction.p50, cpuReactionP99Ticks: card.cpuReaction.p99,
                          cpuSteps: card.cpuReaction.steps, cpuStepsNeverCovered: card.cpuReaction.neverCovered)
        }
        vms = result.vms
        ticks = result.ticks
        hosts = result.hosts
        if let density {
            self.density = Dictionary(uniqueKeysWithValues: density.map { ($0.key.rawValue, $0.value) })
        }
        if let seeds, seeds.runs.count > 1 {
            let policies = result.policies.map(\.policy)
            self.density = Dictionary(uniqueKeysWithValues: policies.map { ($0.rawValue, seeds.minimum($0)) })
            densityMedian = Dictionary(uniqueKeysWithValues: policies.map { ($0.rawValue, seeds.median($0)) })
            densitySeeds = Dictionary(uniqueKeysWithValues: policies.map { ($0.rawValue, seeds.values($0)) })
        }
        if let sensitivity {
            let best = ProxmoxSensitivity.best(sensitivity)?.settings
            proxmoxSensitivity = sensitivity.map {
                ProxmoxRow(minimum: $0.settings.minimumFraction, target: $0.settings.targetUsage,
                           memoryShortfall: $0.card.memoryShortfall, slack: $0.card.slack,
                           changesPerVMHour: $0.card.changesPerVMHour, best: $0.settings == best)
            }
        }
    }

    /// One line of JSON, keys sorted.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
