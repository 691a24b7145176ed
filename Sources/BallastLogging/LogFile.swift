#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file `ballast run --log-file PATH` appends its log lines to (created with mode
/// 0640 if missing). Opened before anything starts, so a path that cannot be written
/// is a clear error at once, never a log that silently goes nowhere.
public final class LogFile: Sendable {
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Opens `path` for appending.
    public static func open(path: String) throws(LogFileError) -> LogFile {
        guard !path.isEmpty else { throw LogFileError(path: path, reason: "the path is empty") }
        let descriptor = openForAppending(path)
        guard descriptor >= 0 else { throw LogFileError(path: path, reason: String(cString: strerror(errno))) }
        return LogFile(path: path, descriptor: descriptor)
    }

    /// Appends `text` (whole lines).
    public func write(_ text: String) {
        FileDescriptorOutput.writeAll(descriptor, text)
    }

    deinit {
        close(descriptor)
    }
}

/// A log file that cannot be opened: which path, and why.
public struct LogFileError: Error, CustomStringConvertible, Sendable, Hashable {
    public var path: String
    public var reason: String

    public var description: String {
        "cannot open the log file '\(path)' (--log-file): \(reason); give a file in a directory you can write, "
            + "or leave --log-file out"
    }
}

/// `open(2)` for appending, at file scope (the class's own `open` would shadow it).
private func openForAppending(_ path: String) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
}
