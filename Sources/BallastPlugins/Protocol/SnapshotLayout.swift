/// How a plugin wants each `decide` request's VMs (and `previous`) laid out,
/// declared in its `initialize` answer as `"snapshot": {"layout": "rows"}`.
/// `objects` is protocol 1's original shape, one JSON object per VM; `rows`
/// sends `{"columns": [...], "rows": [[...], ...]}` instead, because parsers
/// that build a hash table per object (json-c) spend most of a 1,000-VM
/// round trip on those tables, and arrays parse in about a third of the work.
public enum SnapshotLayout: String, Sendable, Hashable, CaseIterable {
    case objects
    case rows

    /// Reads a `layout` declaration; the problem names the value and the accepted ones.
    public static func parse(_ declaration: JSONValue, location: String) -> Result<SnapshotLayout, HandshakeProblem> {
        guard let text = declaration.stringValue else {
            return .failure(.malformed("\(location) is \(declaration.typeName), expected \"objects\" or \"rows\""))
        }
        guard let layout = SnapshotLayout(rawValue: text) else {
            return .failure(.malformed("\(location) is '\(text)', an unknown layout; expected \"objects\" (the default) or \"rows\""))
        }
        return .success(layout)
    }
}
