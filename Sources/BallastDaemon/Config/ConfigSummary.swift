import BallastPlugins
import BallastLogging
import BallastCore

/// A short human summary of a valid config, printed by `ballast config check`.
public enum ConfigSummary {
    public static func describe(_ config: BallastConfig, file: String) -> String {
        let b = config.balancer
        var lines = ["\(file): OK"]
        lines.append("  interval \(b.interval) s, listen \(config.listen), connect \(config.connect), log \(config.logFormat.rawValue)")
        lines.append("  host reserve \(CPUUnits.describe(b.hostReserve.cpu)), \(ByteUnits.describe(b.hostReserve.memory))")
        if let limit = b.guestCapacityLimit {
            let cpu = limit.cpu == Int.max ? "unlimited" : CPUUnits.describe(limit.cpu)
            let memory = limit.memory == UInt64.max ? "unlimited" : ByteUnits.describe(limit.memory)
            lines.append("  guests limited to \(cpu), \(memory)")
        }
        lines.append(b.allocator.cpuEnforcement == .weight
            ? "  cpu: each VM's share is its weight, its quota only its limit (idle cores go to whoever wants them)"
            : "  cpu: each VM's share is its quota (no VM runs above it), its weight its shares")
        lines.append("  governor: shrink at most \(Int(b.governor.maxShrinkFraction * 100)) % per tick, "
                     + "margin \(ByteUnits.describe(b.governor.memoryMarginBytes)), dry run \(b.governor.dryRun)")
        let ksm = config.ksm
        lines.append(ksm.mode == .off ? "  ksm: off (never written)"
            : "  ksm: \(ksm.mode.rawValue), runs from \(Int((ksm.startCommittedFraction * 100).rounded())) % committed to below "
                + "\(Int((ksm.stopCommittedFraction * 100).rounded())) %, ksmd under \(Int((ksm.maxCPUFraction * 100).rounded())) % of a core")
        lines.append("  \(config.vmOverrides.count) VM override(s): \(config.vmOverrides.map(\.pattern).joined(separator: ", "))")
        lines.append("  \(config.plugins.count) plugin(s): \(config.plugins.map(\.name).joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
