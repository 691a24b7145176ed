import BallastCore

/// The scenarios `--scenario NAME` knows.
public enum NamedScenarios {
    public static let names = ["demo", "mixed"]

    /// An unknown scenario name.
    public struct UnknownScenario: Error, CustomStringConvertible, Sendable {
        public var name: String
        public var description: String {
            "unknown scenario '\(name)'; known scenarios: \(NamedScenarios.names.joined(separator: ", "))"
        }
    }

    /// `demo`: 8 VMs of 2 vCPUs and 4 GiB on a 4-core, 16 GiB host (2x memory
    /// overcommit), 2-s ticks, 10 minutes; a diurnal pair in opposite phase,
    /// bursty batch jobs, a database stepping up, a slow leak, an idle VM and a
    /// steady one. Memory demand passes the host within the first minute.
    /// `mixed`: `vms` VMs (default 40) of catalogue sizes with seeded shapes on
    /// a default host at 3x overcommit, 10-s ticks, 6 hours.
    public static func named(_ name: String, seed: UInt64, vms: Int? = nil) throws(UnknownScenario) -> Scenario {
        switch name {
        case "demo": return demo()
        case "mixed": return mixed(seed: seed, count: vms ?? 40)
        default: throw UnknownScenario(name: name)
        }
    }

    static func demo() -> Scenario {
        let gib = Double(ByteUnits.gibibyte)
        let size = UInt64.gibibytes(4)
        let vms: [Scenario.VM] = [
            .init(name: "web-day", vcpus: 2, memory: size,
                  cpu: .diurnal(mean: 900, amplitude: 700, period: 120, phase: 0),
                  memoryDemand: .diurnal(mean: 2.0 * gib, amplitude: 0.8 * gib, period: 120, phase: 0)),
            .init(name: "web-night", vcpus: 2, memory: size,
                  cpu: .diurnal(mean: 900, amplitude: 700, period: 120, phase: 0.5),
                  memoryDemand: .diurnal(mean: 2.0 * gib, amplitude: 0.8 * gib, period: 120, phase: 0.5)),
            .init(name: "batch-a", vcpus: 2, memory: size,
                  cpu: .bursts(base: 150, peak: 1900, meanGap: 40, length: 16),
                  memoryDemand: .bursts(base: 1.0 * gib, peak: 3.0 * gib, meanGap: 40, length: 16)),
            .init(name: "batch-b", vcpus: 2, memory: size,
                  cpu: .bursts(base: 150, peak: 1900, meanGap: 50, length: 20),
                  memoryDemand: .bursts(base: 1.0 * gib, peak: 2.8 * gib, meanGap: 50, length: 20)),
            .init(name: "database", vcpus: 2, memory: size,
                  cpu: .steps(levels: [300, 1200, 600], every: 60),
                  memoryDemand: .steps(levels: [1.5 * gib, 3.5 * gib, 2.5 * gib], every: 60)),
            .init(name: "leaky-app", vcpus: 2, memory: size,
                  cpu: .constant(400),
                  memoryDemand: .leak(start: 0.8 * gib, perSecond: 0.02 * gib, cap: 3.9 * gib)),
            .init(name: "idle-vm", vcpus: 2, memory: size,
                  cpu: .constant(50), memoryDemand: .constant(0.4 * gib)),
            .init(name: "steady-cache", vcpus: 2, memory: size,
                  cpu: .constant(800), memoryDemand: .constant(2.5 * gib)),
        ]
        return Scenario(name: "demo", host: HostConfig(cpus: 4, memory: .gibibytes(16)), tick: 2, duration: 600,
                        sampleStep: 2, overcommit: 2, vms: vms)
    }

    static func mixed(seed: UInt64, count: Int) -> Scenario {
        let catalogue = SizeCatalogue(seed: seed)
        var generator = SeededGenerator(seed: seed ^ 0x31CED)
        var vms: [Scenario.VM] = []
        for number in 0..<max(1, count) {
            let name = "vm-\(number)"
            let flavor = catalogue.flavor(for: name)
            let cpuCeiling = Double(flavor.vcpus * 1000)
            let memory = Double(flavor.memory)
            let low = 0.1 + 0.2 * generator.nextUnit()
            let high = low + 0.2 + 0.4 * generator.nextUnit()
            let shapes: (DemandShape, DemandShape)
            switch number % 4 {
            case 0:
                shapes = (.diurnal(mean: cpuCeiling * (low + high) / 2, amplitude: cpuCeiling * (high - low) / 2,
                                   period: 6 * 3600, phase: generator.nextUnit()),
                          .diurnal(mean: memory * (low + high) / 2, amplitude: memory * (high - low) / 2,
                                   period: 6 * 3600, phase: generator.nextUnit()))
            case 1:
                shapes = (.bursts(base: cpuCeiling * low, peak: cpuCeiling * high, meanGap: 1800, length: 600),
                          .bursts(base: memory * low, peak: memory * high, meanGap: 1800, length: 600))
            case 2:
                shapes = (.steps(levels: [cpuCeiling * low, cpuCeiling * high], every: 3600),
                          .steps(levels: [memory * low, memory * high], every: 3600))
            default:
                shapes = (.constant(cpuCeiling * low),
                          .leak(start: memory * low, perSecond: memory * (high - low) / (4 * 3600), cap: memory * high))
            }
            vms.append(.init(name: name, vcpus: flavor.vcpus, memory: flavor.memory, cpu: shapes.0,
                             memoryDemand: shapes.1))
        }
        return Scenario(name: "mixed", host: HostConfig(), tick: 10, duration: 6 * 3600, sampleStep: 60, overcommit: 3, vms: vms)
    }
}
