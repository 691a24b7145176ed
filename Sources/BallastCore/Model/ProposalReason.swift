/// Why a stage proposed an allocation, kept as the numbers behind it until
/// someone reads it. A tick proposes for every VM, but only the VMs whose
/// allocation changes need their reason in words (the decision log, `explain`,
/// plugins), so formatting a thousand reasons a tick is work nobody reads.
/// Equal when the texts are equal.
public struct ProposalReason: DeferredReason {
    enum Storage: Sendable {
        case text(String)
        case fairShareShortfall(FairShareShortfall)
    }

    let storage: Storage

    /// A reason that is already text (plugins, fixed texts).
    public init(_ text: String) {
        storage = .text(text)
    }

    init(shortfall: FairShareShortfall) {
        storage = .fairShareShortfall(shortfall)
    }

    /// The reason in words (formatted on each read of a deferred reason).
    public var text: String {
        switch storage {
        case .text(let text): text
        case .fairShareShortfall(let shortfall): shortfall.text
        }
    }

    public var literalText: String? {
        if case .text(let text) = storage { return text }
        return nil
    }
}
