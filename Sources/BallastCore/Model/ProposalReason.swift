/// Why a stage proposed an allocation, kept as the numbers behind it until
/// someone reads it. A tick proposes for every VM, but only the VMs whose
/// allocation changes need their reason in words (the decision log, `explain`,
/// plugins), so formatting a thousand reasons a tick is work nobody reads.
/// Equal when the texts are equal.
///
/// A struct of one optional string and plain numbers, not an enum of the two kinds:
/// every proposal entry, governor entry and change copies its reason, and a copy of
/// a struct is one retain and a memory copy where a copy of a nested enum went
/// through an outlined switch on its cases (161 instructions a `Change`). Measured:
/// 3.6 % fewer instructions in a 10,000-VM tick, its wall time unchanged
/// (docs/benchmarks.md, "Flat reasons").
public struct ProposalReason: DeferredReason {
    /// The words when the reason was given as text; nil when it is `shortfall`'s numbers.
    private let literal: String?
    private let shortfall: FairShareShortfall

    /// A reason that is already text (plugins, fixed texts).
    public init(_ text: String) {
        literal = text
        shortfall = FairShareShortfall()
    }

    init(shortfall: FairShareShortfall) {
        literal = nil
        self.shortfall = shortfall
    }

    /// The reason in words (formatted on each read of a deferred reason).
    public var text: String { literal ?? shortfall.text }

    public var literalText: String? { literal }
}
