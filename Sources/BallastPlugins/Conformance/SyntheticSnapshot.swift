import BallastCore

/// Deterministic snapshots of a made-up host, for the conformance checker,
/// tests and benchmarks: `count` VMs with plausible specs, estimates and
/// signals, optionally with hostile names and without balloon statistics.
public enum SyntheticSnapshot {
    /// Names that break naive JSON producers: quotes, backslashes, control
    /// characters, non-BMP and right-to-left text.
    public static let awkwardNames = [
        "quote\"d", "back\\slash", "new\nline\ttab", "emoji-\u{1F680}-vm", "\u{05E9}\u{05DC}\u{05D5}\u{05DD}",
        "caf\u{E9}", "nul-\u{1}-ctl", "slash/and'apostrophe",
    ]

    public static func make(vms count: Int, tick: UInt64 = 1, awkwardNames: Bool = false,
                            withoutBalloonStats: Set<Int> = []) -> TickSnapshot {
        let gib = UInt64.gibibytes(1)
        let views = (0..<count).map { index -> VMView in
            let id = VMID(uuid(index))
            let name = awkwardNames ? Self.awkwardNames[index % Self.awkwardNames.count] + "-\(index)" : "vm-\(index)"
            let memory = gib * UInt64(1 + index % 8)
            let spec = VMSpec(cpuShares: .standard, memoryShares: 1024,
                              reservation: ResourceVector(cpu: 250, memory: memory / 4),
                              cpuLimit: index % 5 == 0 ? 2000 : nil, memoryLimit: nil,
                              floor: ResourceVector(cpu: 100, memory: memory / 8),
                              ceiling: ResourceVector(cpu: 4000, memory: memory * 2),
                              minVCPUs: 1, maxVCPUs: 4, vcpuHotplug: index % 3 == 0, optOut: false)
            let current = VMAllocation(memory: memory, cpu: 1000 + index % 7 * 100, vcpus: 2, cpuWeight: .standard)
            let balloon = !withoutBalloonStats.contains(index)
            let estimate = DemandEstimate(
                demand: ResourceVector(cpu: 300 + index % 11 * 70, memory: memory / 2 + UInt64(index % 13) * .mebibytes(64)),
                guestUsedMemory: balloon ? memory / 2 : nil,
                memoryActiveFraction: 0.25 + Double(index % 4) * 0.125,
                confidence: balloon ? 0.9 : 0.4,
                signals: [
                    Signal(name: "cpu.usage", value: 0.42, note: "usage from cpu time deltas"),
                    Signal(name: "cpu.throttled", value: Double(index % 10) / 10, note: "share of throttled periods"),
                ])
            return VMView(id: id, name: name, spec: spec, current: current, estimate: estimate, hasBalloonStats: balloon)
        }
        let capacity = ResourceVector(cpu: max(16_000, count * 1000), memory: max(64, UInt64(count) * 8) * gib)
        let host = HostSample(time: Double(tick) * 2, capacity: capacity, memoryAvailable: capacity.memory / 3,
                              cpuPressure: PressureSample(someAvg10: 3.5, fullAvg10: nil, someTotalMicros: 123_456),
                              memoryPressure: PressureSample(someAvg10: 1.25, fullAvg10: 0.5, someTotalMicros: 98_765))
        return TickSnapshot(tick: tick, time: Double(tick) * 2, host: host,
                            guestCapacity: ResourceVector(cpu: capacity.cpu - 1000, memory: capacity.memory - 4 * gib),
                            vms: views)
    }

    /// A stable, valid-looking UUID for VM number `index`.
    public static func uuid(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        return "6b1d0c4e-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }
}
