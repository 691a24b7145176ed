import BallastLogging

/// Writes a line to standard error (diagnostics never go to stdout, which may be piped).
func printError(_ message: String) {
    StandardError.write(message + "\n")
}
