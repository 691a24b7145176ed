/// Why a trace path could not be loaded at all (a single bad file inside a
/// directory is a `LoadDiagnostic` instead, and the run goes on).
public enum TraceLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    case pathNotFound(String)
    case unreadable(path: String, reason: String)
    case noUsableTraces(path: String, diagnostics: Int)

    public var description: String {
        switch self {
        case .pathNotFound(let path):
            "trace path '\(path)' does not exist; pass a trace file or a directory of them with --trace"
        case .unreadable(let path, let reason):
            "cannot read trace path '\(path)': \(reason)"
        case .noUsableTraces(let path, let count):
            "no usable VM trace in '\(path)' (\(count) problems reported); check --format matches the files"
        }
    }
}
