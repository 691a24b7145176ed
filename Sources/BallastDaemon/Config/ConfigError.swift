/// One problem found in a config file: where (file, line when known, key) and what.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// Dotted key path, e.g. `governor.max_shrink_fraction` or `plugin[1].command`.
    public var key: String
    public var message: String

    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
    }
}

/// A config file that cannot be used, with every problem found (not just the first).
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    public var description: String {
        let lines = issues.map(\.description).joined(separator: "\n")
        return "\(issues.count) problem\(issues.count == 1 ? "" : "s") in the config; fix them and retry:\n\(lines)"
    }
}
