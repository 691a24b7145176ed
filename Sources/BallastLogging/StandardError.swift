#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard error: the CLI's diagnostics, and log lines when nothing else owns them.
public enum StandardError {
    public static func write(_ text: String) {
        FileDescriptorOutput.writeAll(STDERR_FILENO, text)
    }
}
