/// Reaction to demand steps of one resource (memory or CPU), kept apart so a
/// memory-only policy is not scored on CPU steps it never tries to cover.
public struct ReactionScore: Sendable, Hashable {
    /// Ticks from each detected step to an allocation covering it (censored ones as the limit).
    public var ticks: [Int] = []
    /// Steps not covered within the censoring limit (counted in `ticks` at the limit).
    public var censored = 0
    /// Steps still not covered when the run ended, before the limit (not in `ticks`).
    public var openAtEnd = 0

    public init() {}

    /// Detected steps, covered or not.
    public var steps: Int { ticks.count + openAtEnd }
    /// Steps never covered: censored, or still open at the end of the run.
    public var neverCovered: Int { censored + openAtEnd }
    public var p50: Double { Scorecard.percentile(ticks, 0.5) }
    public var p99: Double { Scorecard.percentile(ticks, 0.99) }

    public mutating func merge(_ other: ReactionScore) {
        ticks += other.ticks
        censored += other.censored
        openAtEnd += other.openAtEnd
    }
}
