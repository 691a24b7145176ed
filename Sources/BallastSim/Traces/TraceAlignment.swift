import BallastCore

/// Puts every trace of a set on one clock: the epoch is the earliest first
/// sample of the set, and each VM starts at its own first sample after it
/// (before that it is not running yet). Without this, a VM whose first days
/// are missing would replay them early against its neighbours and daily
/// patterns would no longer coincide. Also reports the set's gaps: a gap of
/// more than `gapFactor` native steps inside a trace is bridged by
/// interpolation, and said.
public struct TraceAlignment: Sendable, Hashable, CustomStringConvertible {
    /// The set's epoch, seconds on the traces' clock.
    public var epoch: Double
    /// VMs whose first sample comes after the epoch, and the longest such wait, seconds.
    public var lateVMs: Int
    public var longestLeadingGap: Double
    /// VMs with at least one gap above `gapFactor` native steps, and the longest gap, seconds.
    public var gappedVMs: Int
    public var longestGap: Double

    /// A gap above this many native steps is reported.
    public static let gapFactor = 12.0

    /// Aligns `traces` in place; returns what was done and one diagnostic per gapped trace.
    public static func align(_ traces: inout [VMTrace]) -> (TraceAlignment, [LoadDiagnostic]) {
        let epoch = traces.map(\.firstSample).min() ?? 0
        var alignment = TraceAlignment(epoch: epoch, lateVMs: 0, longestLeadingGap: 0, gappedVMs: 0, longestGap: 0)
        var diagnostics: [LoadDiagnostic] = []
        for index in traces.indices {
            traces[index].start = epoch
            let lead = traces[index].leadingGap
            if lead > 0 {
                alignment.lateVMs += 1
                alignment.longestLeadingGap = max(alignment.longestLeadingGap, lead)
            }
            let (gaps, longest) = Self.gaps(in: traces[index])
            if gaps > 0 {
                alignment.gappedVMs += 1
                alignment.longestGap = max(alignment.longestGap, longest)
                diagnostics.append(LoadDiagnostic(path: traces[index].name, line: 0,
                    message: "\(gaps) gap(s) of more than \(Int(gapFactor)) samples (longest \(longest.decimalText(places: 0)) s); "
                        + "demand is interpolated across them"))
            }
        }
        return (alignment, diagnostics)
    }

    /// Gaps above `gapFactor` × the trace's native step: how many, and the longest.
    static func gaps(in trace: VMTrace) -> (count: Int, longest: Double) {
        let step = trace.step
        guard step > 0 else { return (0, 0) }
        let times = trace.times
        var count = 0
        var longest = 0.0
        for index in times.indices.dropFirst() {
            let gap = times[index] - times[index - 1]
            if gap > gapFactor * step {
                count += 1
                longest = max(longest, gap)
            }
        }
        return (count, longest)
    }

    /// `epoch 1375308176 s; 3 of 60 VMs start late (up to 86400 s, not running until then); 2 VMs with gaps (up to 7200 s)`.
    public var description: String {
        var text = "aligned on one epoch (\(epoch.decimalText(places: 0)) s on the trace clock); "
        text += lateVMs == 0 ? "every VM starts at it"
            : "\(lateVMs) VM(s) start later (up to \(longestLeadingGap.decimalText(places: 0)) s; not running until then)"
        if gappedVMs > 0 { text += "; \(gappedVMs) VM(s) with gaps (longest \(longestGap.decimalText(places: 0)) s)" }
        return text
    }
}
