import Foundation
import Testing

/// A private tmux server (its own socket, no user config, no status line) running one
/// command in a detached pane of a given size: a real terminal emulator whose screen
/// the test reads back with `capture-pane`. The pane stays after its command exits, so
/// its exit status and last screen can be checked.
final class Tmux {
    private let socket: String
    private let config: String
    static let session = "dash"
    static let exitMark = "command exited with status "
    static let cleanStartOfTmux = """
        import os, signal, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.execvp("tmux", ["tmux"] + sys.argv[1:])
        """

    init(columns: Int, rows: Int, command: [String]) throws {
        let id = UUID().uuidString.prefix(8)
        socket = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-tmux-\(id).sock").path
        config = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-tmux-\(id).conf").path
        try "set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        // The command waits for a go file, so that recording the raw output starts first,
        // and its exit status is printed after it.
        let go = socket + ".go"
        let waitThenRun = "while [ ! -e \"$0\" ]; do sleep 0.05; done; \"$@\"; echo \"\(Self.exitMark)$?\""
        try tmux(["-f", config, "new-session", "-d", "-s", Self.session, "-x", "\(columns)", "-y", "\(rows)", "--",
                  "bash", "-c", waitThenRun, go] + command)
        try tmux(["pipe-pane", "-t", Self.session, "cat >> '\(raw)'"])
        try Data().write(to: URL(fileURLWithPath: go))
    }

    private var raw: String { socket + ".raw" }

    /// Every byte the command wrote to its terminal, escape sequences included.
    func rawOutput() throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: raw)), as: UTF8.self)
    }

    deinit {
        _ = try? tmux(["kill-server"])
        for file in [socket, socket + ".go", raw] { try? FileManager.default.removeItem(atPath: file) }
        try? FileManager.default.removeItem(atPath: config)
    }

    /// The visible screen, one string per row (trailing spaces trimmed by tmux).
    func screen() throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", Self.session]).components(separatedBy: "\n")
    }

    /// Everything the pane showed, scrollback included, lines the terminal wrapped joined again.
    func history() throws -> [String] {
        try tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", Self.session]).components(separatedBy: "\n")
    }

    /// A tmux format about the pane, e.g. `#{pane_dead}`.
    func pane(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", Self.session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(columns: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", Self.session, "-x", "\(columns)", "-y", "\(rows)"])
    }

    func sendKeys(_ keys: String) throws {
        try tmux(["send-keys", "-t", Self.session, keys])
    }

    /// Polls the screen until `done` holds, for up to `seconds`; returns the screen.
    func waitForScreen(seconds: Double, _ done: ([String]) -> Bool) async throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [String] = []
        while Date() < deadline {
            last = try screen()
            if done(last) { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        // What the command wrote last, escapes made visible: whether it drew anything since.
        let raw = (try? rawOutput()) ?? ""
        let tail = String(raw.suffix(400)).replacingOccurrences(of: "\u{1B}", with: "\\e")
        Issue.record("""
            the screen did not get there within \(seconds) s; it shows:
            \(last.joined(separator: "\n"))
            the last of the \(raw.utf8.count) bytes written to the terminal: \(tail)
            """)
        return last
    }

    /// Waits until the pane's command has exited; returns its exit status.
    func waitForExit(seconds: Double) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = try history().last(where: { $0.hasPrefix(Self.exitMark) }) {
                return Int32(line.dropFirst(Self.exitMark.count))
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    /// Runs one tmux command against this server, started clean: no signal blocked and
    /// every file descriptor beyond the standard three closed. A server it starts
    /// outlives the command and keeps both: with the test process's blocked signals it
    /// could not be stopped, and Foundation learns that a child exited when the
    /// descriptors it gave the child close, so it would wait forever. Output goes to a
    /// file, not a pipe, for the same reason.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let output = socket + ".out"
        try Data().write(to: URL(fileURLWithPath: output))
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.cleanStartOfTmux, "-S", socket] + arguments
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        guard process.terminationStatus == 0 else {
            throw TmuxFailure(description: "tmux \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }
}

struct TmuxFailure: Error, CustomStringConvertible {
    var description: String
}
