import Foundation

/// A copy of a shipped config file (contrib/ballast.toml) with only the settings the test
/// host needs changed, each changed line marked with its reason, and the list of changes
/// for the test's output. Edits are made on the text, so every other line, comment and
/// table stays exactly as shipped.
struct AdaptedConfig: Sendable {
    private(set) var lines: [String]
    private(set) var changes: [String] = []

    init(path: String) throws {
        lines = try String(contentsOfFile: path, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    var text: String { lines.joined(separator: "\n") }

    /// Sets `key` in `table` (nil: the top level before the first table) to the TOML
    /// `value`: replaces the key's line, or adds it first in the table when the file does
    /// not set it. `mustExist` fails when the shipped file lacks the key (what the test
    /// changes must be what the file says today).
    mutating func set(_ key: String, to value: String, in table: String? = nil, mustExist: Bool = false,
                      because reason: String) throws {
        let header = table.map { "[\($0)]" }
        let start: Int
        if let header {
            guard let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == header }) else {
                throw HarnessError.unexpectedOutput(command: "adapt the config", detail: "it has no \(header) table")
            }
            start = index + 1
        } else {
            start = 0
        }
        let end = lines[start...].firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[") } ?? lines.endIndex
        let line = "\(key) = \(value)  # test host: \(reason)"
        if let index = lines[start..<end].firstIndex(where: { Self.assigns(key, $0) }) {
            lines[index] = line
        } else if mustExist {
            throw HarnessError.unexpectedOutput(command: "adapt the config",
                                                detail: "it no longer sets \(key) in \(header ?? "the top level")")
        } else {
            lines.insert(line, at: start)
        }
        changes.append("\(header.map { "\($0) " } ?? "")\(key) = \(value): \(reason)")
    }

    private static func assigns(_ key: String, _ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(key) else { return false }
        return trimmed.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=")
    }
}
