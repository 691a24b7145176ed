/// Parsers for the simulator's command-line values, kept here (not in the
/// executable) so they are tested with the rest of the simulator.
public enum ArgumentValues {
    /// A malformed value, with what was expected.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// A memory size: a number with an optional unit B, K/KiB, M/MiB, G/GiB,
    /// T/TiB (binary; KB/MB/GB/TB are read as binary too, as `free` does).
    public static func byteSize(_ text: String) throws(Invalid) -> UInt64 {
        let trimmed = text.trimmed(of: " ")
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).lowercased().trimmed(of: " ")
        let kib = 1024.0, mib = kib * 1024, gib = mib * 1024, tib = gib * 1024
        let multipliers: [String: Double] = [
            "": 1, "b": 1, "k": kib, "kb": kib, "kib": kib, "m": mib, "mb": mib, "mib": mib,
            "g": gib, "gb": gib, "gib": gib, "t": tib, "tb": tib, "tib": tib,
        ]
        guard let number = Double(digits), number > 0, let multiplier = multipliers[unit] else {
            throw Invalid(description: "'\(text)' is not a memory size; use e.g. 256GiB, 512G, 1TiB or a byte count")
        }
        return UInt64(number * multiplier)
    }

    /// A policy list such as `ballast,static,mom`.
    public static func policies(_ text: String) throws(Invalid) -> [PolicyKind] {
        var result: [PolicyKind] = []
        for name in text.split(separator: ",").map({ String($0).trimmed(of: " ") }) {
            guard let kind = PolicyKind(rawValue: name) else {
                throw Invalid(description: "unknown policy '\(name)'; choose from "
                              + PolicyKind.allCases.map(\.rawValue).joined(separator: ","))
            }
            if !result.contains(kind) { result.append(kind) }
        }
        guard !result.isEmpty else { throw Invalid(description: "--policy needs at least one policy") }
        return result
    }

    /// A sweep grid `from:to:step`, e.g. `1.0:6.0:0.25`, with an optional
    /// fourth part, a finer step the gap at each policy's density is walked at
    /// again (`1.0:6.0:0.25:0.05`).
    public static func sweep(_ text: String) throws(Invalid) -> [Double] {
        try sweepPlan(text).grid
    }

    /// The grid and the optional refinement step of `--sweep-overcommit`.
    public static func sweepPlan(_ text: String) throws(Invalid) -> (grid: [Double], refine: Double?) {
        let parts = text.split(separator: ":").map { Double($0) }
        guard parts.count == 3 || parts.count == 4, let from = parts[0], let to = parts[1], let step = parts[2],
              from > 0, to >= from, step > 0, (to - from) / step <= 1000 else {
            throw Invalid(description: "'\(text)' is not a sweep; use FROM:TO:STEP[:FINE] with 0 < FROM <= TO, STEP > 0 "
                          + "and 0 < FINE < STEP, e.g. 1.0:6.0:0.25 or 1.0:6.0:0.25:0.05")
        }
        guard parts.count == 4 else { return (OvercommitSweep.grid(from: from, to: to, step: step), nil) }
        guard let fine = parts[3], fine > 0, fine < step, step / fine <= 100 else {
            throw Invalid(description: "'\(text)': the refinement step FINE must be above 0, below STEP (\(step)) "
                          + "and at least STEP / 100, e.g. 1.0:6.0:0.25:0.05")
        }
        return (OvercommitSweep.grid(from: from, to: to, step: step), fine)
    }
}
