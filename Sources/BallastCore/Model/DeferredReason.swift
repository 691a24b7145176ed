/// A reason kept as the numbers behind it and put into words only when read
/// (`ProposalReason`, `ChangeReason`). Either kind compares, hashes and encodes as
/// its words, so a deferred reason equals the same reason given as text; this
/// protocol holds that one rule for both.
public protocol DeferredReason: Sendable, Hashable, Codable {
    /// A reason that is already words.
    init(_ text: String)
    /// The reason in words (formatted on each read of a deferred reason).
    var text: String { get }
    /// The words when the reason was given as text, so that comparing two such
    /// reasons formats nothing.
    var literalText: String? { get }
}

extension DeferredReason {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        if let left = lhs.literalText, let right = rhs.literalText { return left == right }
        return lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }

    /// Encoded as its text.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
