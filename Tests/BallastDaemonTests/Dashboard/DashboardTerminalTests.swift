import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The real `ballast run` on a real terminal (a pane of a private tmux server) and with
/// standard output to a pipe: what an operator sees in each mode.
@Suite("Dashboard on a terminal", .serialized)
struct DashboardTerminalTests {
    /// The demo, on a listen port of its own (each test sets its speed).
    static let demo = ["run", "--backend", "sim", "--scenario", "demo", "--listen", "127.0.0.1:0"]

    /// A text log line as `ballast run` writes it (swift-log's format).
    static func isLogLine(_ line: some StringProtocol) -> Bool {
        String(line).wholeMatch(of: #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} (trace|debug|info|notice|warning|error|critical) ballast: .*$/#) != nil
    }

    static func columns(_ line: String) -> [Substring] { line.split(separator: #/ {2,}/#) }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ballast-\(UUID().uuidString)-\(name)").path
    }

    static func requireTools() throws {
        try #require(FileManager.default.isExecutableFile(atPath: BallastBinary.path),
                     "build the executable first: swift build --product ballast")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"),
                     "tmux is missing: make test-deps (scripts/install-deps.sh --test) installs it")
    }

    @Test func theTableRedrawsInPlaceWithTheDecisionsUnderItAndTheTerminalComesBack() async throws {
        try Self.requireTools()
        let logFile = Self.temporaryPath("dash.log")
        defer { try? FileManager.default.removeItem(atPath: logFile) }
        let tmux = try Tmux(columns: 110, rows: 32, command: [BallastBinary.path] + Self.demo
                            + ["--speed", "10", "--duration", "3600", "--table", "--log-file", logFile])

        let screen = try await tmux.waitForScreen(seconds: 90) { screen in
            guard let title = screen.firstIndex(of: "last decisions (newest first)") else { return false }
            return screen[(title + 1)...].contains { $0.hasPrefix("tick ") }
        }
        #expect(screen[0] == "ballast  SIMULATED HOST: no real VM is touched (scenario:demo)")
        #expect(screen[2].hasPrefix("logs: \(logFile)  endpoint: http://127.0.0.1:"))
        let header = try #require(screen.firstIndex { $0.hasPrefix("VM ") }, "no table: \(screen)")
        let headerColumns = Self.columns(screen[header])
        #expect(headerColumns.count == 7)
        let rows = screen[(header + 1)...].prefix { !$0.isEmpty }
        #expect(rows.count == 8, "the demo's 8 VMs: \(rows)")
        for row in rows {
            #expect(Self.columns(row).count == headerColumns.count, "a row cut or joined: \(row)")
        }
        #expect(!screen.contains { Self.isLogLine($0) || $0.contains(" info ballast:") },
                "a log line on the dashboard:\n\(screen.joined(separator: "\n"))")
        #expect(try tmux.pane("#{alternate_on} #{cursor_flag}") == "1 0")

        // A resize redraws at once (SIGWINCH) and every tick redraws at the size then: 60 s
        // is for a loaded CI machine (20 s ran out once there, 2026-12-05, with ticks due
        // every 0.2 s: the 2-s interval at --speed 10).
        try tmux.resize(columns: 50, rows: 12)
        _ = try await tmux.waitForScreen(seconds: 60) { $0.joined(separator: " ").contains("terminal too small") }
        try tmux.resize(columns: 110, rows: 32)
        _ = try await tmux.waitForScreen(seconds: 60) { $0.contains { $0.hasPrefix("VM ") } }

        try tmux.sendKeys("C-c")
        let status = try await tmux.waitForExit(seconds: 30)
        let shown = try tmux.history()
        #expect(status == 0, "\(shown.joined(separator: "\n"))")
        try Self.expectTerminalGivenBack(tmux)
        let after = try tmux.history()
        #expect(after.contains { $0.hasPrefix("VM ") }, "the last frame stays in the scrollback: \(after)")
        #expect(after.contains("ballast: the log is in \(logFile)"))

        let logged = try String(contentsOfFile: logFile, encoding: .utf8).split(separator: "\n")
        #expect(logged.contains { $0.contains(" info ballast:") && $0.contains(" applied: ") })
        #expect(logged.allSatisfy { Self.isLogLine($0) })
    }

    /// The alternate screen left, the cursor shown and wrapping on again, each after the last time it was taken.
    static func expectTerminalGivenBack(_ tmux: Tmux) throws {
        #expect(try tmux.pane("#{alternate_on}") == "0")
        let raw = try tmux.rawOutput()
        for (taken, given) in [("\u{1B}[?1049h", "\u{1B}[?1049l"), ("\u{1B}[?25l", "\u{1B}[?25h"),
                               ("\u{1B}[?7l", "\u{1B}[?7h")] {
            let lastTaken = try #require(raw.range(of: taken, options: .backwards), "never sent \(taken.dropFirst())")
            let lastGiven = try #require(raw.range(of: given, options: .backwards), "never sent \(given.dropFirst())")
            #expect(lastGiven.lowerBound > lastTaken.lowerBound, "\(given.dropFirst()) must come last")
        }
    }

    @Test func sigtermGivesTheTerminalBackToo() async throws {
        try Self.requireTools()
        let tmux = try Tmux(columns: 100, rows: 30, command: [BallastBinary.path] + Self.demo
                            + ["--speed", "10", "--duration", "3600"])
        _ = try await tmux.waitForScreen(seconds: 90) { $0.contains { $0.hasPrefix("VM ") } }
        // The pane runs a shell that runs ballast: its one child.
        let shell = try tmux.pane("#{pane_pid}")
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let daemon = try #require(Int32(children.trimmingCharacters(in: .whitespacesAndNewlines)), "children: \(children)")
        #expect(kill(daemon, SIGTERM) == 0)
        let status = try await tmux.waitForExit(seconds: 30)
        #expect(status == 0)
        try Self.expectTerminalGivenBack(tmux)
        #expect(try tmux.history().contains { $0.hasPrefix("VM ") }, "the last frame stays in the scrollback")
    }

    @Test func withStandardOutputToAPipeOnlyLogLinesComeOut() async throws {
        try Self.requireTools()
        let outcome = try await BallastBinary.run(Self.demo + ["--speed", "40", "--duration", "60", "--table"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty, "standard output is not a terminal: no table: \(outcome.stdout.prefix(500))")
        #expect(!outcome.stderr.contains("\u{1B}"))
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count > 10)
        for line in lines {
            #expect(Self.isLogLine(line), "not a log line: \(line)")
        }
        #expect(lines.contains { $0.contains("no live table: standard output is not a terminal") })
        #expect(lines.contains { $0.contains(" applied: ") })
    }

    @Test func noTableOnATerminalWritesPlainLogLines() async throws {
        try Self.requireTools()
        let tmux = try Tmux(columns: 120, rows: 30, command: [BallastBinary.path] + Self.demo
                            + ["--speed", "40", "--duration", "20", "--no-table"])
        let status = try await tmux.waitForExit(seconds: 60)
        let shown = try tmux.history()
        #expect(status == 0, "\(shown.joined(separator: "\n"))")
        #expect(!(try tmux.rawOutput()).contains("\u{1B}"), "no escape codes without the table")
        let lines = try tmux.history().filter { !$0.isEmpty && !$0.hasPrefix("Pane is dead") && !$0.hasPrefix(Tmux.exitMark) }
        #expect(lines.count > 5)
        #expect(!lines.contains { $0.hasPrefix("VM ") })
        for line in lines {
            #expect(Self.isLogLine(line), "not a log line: \(line)")
        }
    }

    @Test func aLogFileThatCannotBeOpenedIsAnErrorNamingItsPath() async throws {
        try Self.requireTools()
        let path = "/nonexistent-\(UUID().uuidString)/ballast.log"
        let outcome = try await BallastBinary.run(Self.demo + ["--once", "--log-file", path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("cannot open the log file '\(path)' (--log-file): No such file or directory"))
        #expect(outcome.stdout.isEmpty)
    }
}
