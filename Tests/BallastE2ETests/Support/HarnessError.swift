/// Why a step of the real-guest harness failed, with what to look at next.
enum HarnessError: Error, CustomStringConvertible {
    case commandFailed(command: String, status: Int32, output: String)
    case timedOut(what: String, seconds: Double, hint: String)
    case unexpectedOutput(command: String, detail: String)
    case ballastRunMissing(String)

    var description: String {
        switch self {
        case .commandFailed(let command, let status, let output):
            "`\(command)` exited with status \(status):\n\(output)"
        case .timedOut(let what, let seconds, let hint):
            "\(what) did not happen within \(seconds) s; \(hint)"
        case .unexpectedOutput(let command, let detail):
            "`\(command)`: \(detail)"
        case .ballastRunMissing(let reason):
            "`ballast run` is not available: \(reason)"
        }
    }
}
