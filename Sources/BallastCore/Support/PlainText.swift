extension String {
    /// The text padded with spaces to `width` characters (not bytes), on the
    /// right by default or on the left with `alignRight`; longer text is kept
    /// whole. For the aligned columns of Ballast's plain-text tables.
    public func padded(toWidth width: Int, alignRight: Bool = false) -> String {
        let count = self.count
        guard count < width else { return self }
        let padding = String(repeating: " ", count: width - count)
        return alignRight ? padding + self : self + padding
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (newlines included).
    /// Foundation's `trimmingCharacters(in:)` would link Foundation into the
    /// daemon (docs/observability.md, "Ballast's own memory").
    public var trimmedWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
