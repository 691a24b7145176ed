import Logging
import Synchronization

/// One finished log line on its way out: the text as the format wrote it (newline
/// included), its level, and the bare message (for a screen that shows the last warning).
public struct LogLine: Sendable, Hashable {
    public var text: String
    public var level: Logger.Level
    public var message: String

    public init(text: String, level: Logger.Level, message: String) {
        self.text = text
        self.level = level
        self.message = message
    }
}

/// Where Ballast's log handlers send their finished lines. The handlers never write
/// to a file descriptor themselves, so one owner (`ballast run`'s `Console`) decides
/// what reaches the terminal and what a log file, and a log line never cuts through
/// the live dashboard.
public protocol LogLineSink: Sendable {
    func write(_ line: LogLine)
}

/// Keeps log lines in memory, for tests of log output.
public final class LogLineCollector: LogLineSink {
    private let lines = Mutex<[LogLine]>([])

    public init() {}

    public func write(_ line: LogLine) {
        lines.withLock { $0.append(line) }
    }

    /// The lines' text, in the order they were logged.
    public var collected: [String] { lines.withLock { $0.map(\.text) } }
}
