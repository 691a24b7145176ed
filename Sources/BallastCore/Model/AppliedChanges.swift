/// The backend's answer to one change: its outcome and, where the actuator had more
/// than one way, which it took. `Backend.apply` answers every change, in order, with
/// one of these, so a tick keeps the governor's changes once beside the answers
/// (`AppliedChanges`) instead of a copy of every change.
public struct ChangeResult: Sendable, Hashable {
    public var outcome: ChangeOutcome
    /// How the actuator carried the change out ("offlined in the guest through the
    /// guest agent"), where there was more than one way; `nil` otherwise.
    public var how: String?

    public init(_ outcome: ChangeOutcome, how: String? = nil) {
        self.outcome = outcome
        self.how = how
    }

    public static let applied = ChangeResult(.applied)
}

/// A tick's changes with the backend's answer to each, in the governor's order: what
/// the report, the plugins' `observe`, the metrics and the decision log read. It reads
/// as a collection of `AppliedChange`, each put together when read. The changes are
/// the decision's own array, shared rather than copied: at 10,000 VMs, dropping the
/// copy of every change (made by the backend, destroyed a tick later) took the engine's
/// tick from 8.1 to 6.8 ms (docs/benchmarks.md).
public struct AppliedChanges: RandomAccessCollection, Sendable, Hashable, ExpressibleByArrayLiteral {
    /// The changes, as the governor emitted them.
    public let changes: [Change]
    /// The answer to each change, at the same index.
    public let results: [ChangeResult]

    /// `results` answers `changes` in order. A change the backend left unanswered is
    /// reported failed, saying so; answers beyond the last change are dropped.
    public init(changes: [Change], results: [ChangeResult]) {
        self.changes = changes
        guard results.count != changes.count else {
            self.results = results
            return
        }
        var answered = Array(results.prefix(changes.count))
        answered.append(contentsOf: repeatElement(Self.unanswered, count: changes.count - answered.count))
        self.results = answered
    }

    /// Every change with the same answer (a dry run skips them all).
    public init(changes: [Change], all result: ChangeResult) {
        self.changes = changes
        self.results = Array(repeating: result, count: changes.count)
    }

    /// Changes already paired with their answers (tests, fixtures, a decoded report).
    public init(_ applied: [AppliedChange]) {
        changes = applied.map(\.change)
        results = applied.map { ChangeResult($0.outcome, how: $0.how) }
    }

    public init(arrayLiteral elements: AppliedChange...) {
        self.init(elements)
    }

    static let unanswered = ChangeResult(.failed("the backend gave no outcome for this change"))

    public var startIndex: Int { 0 }
    public var endIndex: Int { changes.count }

    public subscript(position: Int) -> AppliedChange {
        AppliedChange(change: changes[position], outcome: results[position].outcome, how: results[position].how)
    }
}

/// The same wire form as the array of applied changes it replaces.
extension AppliedChanges: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try [AppliedChange](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try Array(self).encode(to: encoder)
    }
}
