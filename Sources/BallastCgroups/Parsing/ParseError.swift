/// A kernel file whose content did not have the documented format: which file,
/// which line, and what was expected, so the note in the sample can be acted on.
public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var detail: String

    public init(file: String, detail: String) {
        self.file = file
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
