import BallastLogging
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one owner of what `ballast run` writes to its terminal and its log file. Log
/// lines (through the log handlers' sink) and dashboard frames pass through here under
/// one lock, so neither can cut through the other. In `logLines` mode every log line
/// goes to standard error (or the log file) and nothing to standard output; in
/// `dashboard` mode standard output shows only frames, and log lines go to the log file
/// or nowhere (errors are held and printed when the screen is given back).
public final class Console: LogLineSink {
    /// How the run's output looks.
    public enum Mode: Sendable, Hashable {
        /// Plain log lines only: standard output is not a terminal, or `--no-table`.
        case logLines
        /// The live dashboard redrawn in place on the terminal behind standard output.
        case dashboard
    }

    /// Where the bytes go: the process's standard output and error, or a test's collectors.
    public struct Streams: Sendable {
        public var screen: @Sendable (String) -> Void
        public var diagnostics: @Sendable (String) -> Void

        public init(screen: @escaping @Sendable (String) -> Void, diagnostics: @escaping @Sendable (String) -> Void) {
            self.screen = screen
            self.diagnostics = diagnostics
        }

        public static let process = Streams(screen: { FileDescriptorOutput.writeAll(STDOUT_FILENO, $0) },
                                            diagnostics: { StandardError.write($0) })
    }

    private struct State {
        var screenTaken = false
        var finished = false
        var lastWarning: String?
        var heldErrors: [String] = []
        var lastFrame: [String] = []
    }

    /// At most this many error lines are held while the dashboard is up without a log file.
    static let heldErrorLimit = 20

    public let mode: Mode
    public let logFile: LogFile?
    private let streams: Streams
    private let state = Mutex(State())

    public init(mode: Mode, logFile: LogFile?, streams: Streams = .process) {
        self.mode = mode
        self.logFile = logFile
        self.streams = streams
    }

    /// The console `ballast run` asked for: the dashboard when the table is wanted and
    /// standard output is a terminal, plain log lines otherwise. A log file that cannot
    /// be opened is an error naming its path, before anything starts.
    public static func open(tableWanted: Bool, logFilePath: String?) throws(LogFileError) -> Console {
        let logFile = try logFilePath.map { path throws(LogFileError) in try LogFile.open(path: path) }
        return Console(mode: tableWanted && isatty(STDOUT_FILENO) == 1 ? .dashboard : .logLines, logFile: logFile)
    }

    /// Where log lines go, in words for the screen.
    public var logDestination: String {
        if let logFile { return logFile.path }
        return mode == .dashboard ? "off (--log-file PATH keeps them)" : "standard error"
    }

    /// The message of the last warning or error logged while the dashboard is up.
    public var lastWarning: String? { state.withLock { $0.lastWarning } }

    public func write(_ line: LogLine) {
        state.withLock { state in
            // Warnings from before the screen was taken (the simulated host's banner) are not news.
            if line.level >= .warning, state.screenTaken { state.lastWarning = line.message }
            if let logFile {
                logFile.write(line.text)
            } else if mode == .logLines {
                streams.diagnostics(line.text)
            } else if line.level >= .error {
                if state.finished {
                    streams.diagnostics(line.text)
                } else if state.heldErrors.count < Self.heldErrorLimit {
                    state.heldErrors.append(line.text)
                }
            }
        }
    }

    /// Draws `frame` over the previous one on a terminal `rows` high (dashboard mode
    /// only); the first frame takes over the screen.
    public func show(_ frame: [String], rows: Int) {
        guard mode == .dashboard else { return }
        state.withLock { state in
            guard !state.finished else { return }
            var out = state.screenTaken ? "" : AnsiScreen.enter
            state.screenTaken = true
            out += AnsiScreen.paint(frame, rows: rows)
            streams.screen(out)
            state.lastFrame = Self.keptOnExit(frame, rows: rows)
        }
    }

    /// What of `frame` is printed on the normal screen at exit: at most `rows - 1` lines,
    /// so that the shell's next prompt does not scroll the banner off a full terminal
    /// (the oldest decisions, at the bottom, go first), without trailing blank lines.
    static func keptOnExit(_ frame: [String], rows: Int) -> [String] {
        var kept = Array(frame.prefix(max(1, rows - 1)))
        while let last = kept.last, last.allSatisfy(\.isWhitespace), kept.count > 1 { kept.removeLast() }
        return kept
    }

    /// Gives the terminal back: leaves the dashboard's screen (cursor shown, wrapping
    /// on), prints its last frame once more as plain text, then the errors held while
    /// it was up and where the log is. Safe to call more than once.
    public func finish() {
        state.withLock { state in
            guard !state.finished else { return }
            state.finished = true
            if state.screenTaken {
                streams.screen(AnsiScreen.leave + state.lastFrame.map { $0 + "\n" }.joined())
            }
            for line in state.heldErrors { streams.diagnostics(line) }
            state.heldErrors = []
            if mode == .dashboard, let logFile { streams.diagnostics("ballast: the log is in \(logFile.path)\n") }
        }
    }
}
