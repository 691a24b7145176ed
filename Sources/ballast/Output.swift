import Foundation

/// Writes a line to standard error (diagnostics never go to stdout, which may be piped).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
