/// One problem met while loading traces: which file, which line (1-based,
/// 0 when the whole file is at fault), and what was wrong.
public struct LoadDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
}

/// What a load produced: the usable traces, and every line or file that was
/// skipped and why, so that a bad file never stops a run and is never silent.
public struct LoadReport: Sendable {
    public var traces: [VMTrace]
    public var diagnostics: [LoadDiagnostic]
    /// Files that yielded no trace at all.
    public var skippedFiles: Int
    /// How the traces were put on one clock (`nil` before alignment).
    public var alignment: TraceAlignment?

    public init(traces: [VMTrace] = [], diagnostics: [LoadDiagnostic] = [], skippedFiles: Int = 0) {
        self.traces = traces
        self.diagnostics = diagnostics
        self.skippedFiles = skippedFiles
    }
}
