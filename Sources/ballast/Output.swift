#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a line to standard error (diagnostics never go to stdout, which may be piped).
func printError(_ message: String) {
    writeToStandardError(message + "\n")
}

/// Writes text to standard error as it is (no newline added), retrying short writes.
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count, let base = buffer.baseAddress {
            let written = write(STDERR_FILENO, base + offset, buffer.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}
