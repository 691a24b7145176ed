import BallastLogging
@testable import BallastDaemon
import Foundation
import Logging
import Synchronization
import Testing

/// The console: the one owner of the terminal and the log file.
@Suite("Console")
struct ConsoleTests {
    final class Recorder: Sendable {
        let screen = Mutex<[String]>([])
        let diagnostics = Mutex<[String]>([])

        var streams: Console.Streams {
            Console.Streams(screen: { text in self.screen.withLock { $0.append(text) } },
                            diagnostics: { text in self.diagnostics.withLock { $0.append(text) } })
        }

        var screenText: String { screen.withLock { $0.joined() } }
        var diagnosticsText: String { diagnostics.withLock { $0.joined() } }
    }

    static func line(_ message: String, _ level: Logger.Level) -> LogLine {
        LogLine(text: "\(level) ballast: \(message)\n", level: level, message: message)
    }

    @Test func logLinesModeWritesEveryLineToStandardErrorAndNothingToTheScreen() {
        let recorder = Recorder()
        let console = Console(mode: .logLines, logFile: nil, streams: recorder.streams)
        console.write(Self.line("serving /metrics", .info))
        console.show(["a frame"], rows: 24)
        console.write(Self.line("cannot listen", .error))
        console.finish()
        #expect(recorder.diagnosticsText == "info ballast: serving /metrics\nerror ballast: cannot listen\n")
        #expect(recorder.screenText.isEmpty)
        #expect(console.logDestination == "standard error")
    }

    @Test func theFrameLeftOnExitKeepsTheBannerAboveTheShellPrompt() {
        let recorder = Recorder()
        let console = Console(mode: .dashboard, logFile: nil, streams: recorder.streams)
        console.show(["banner", "table", "oldest decision"], rows: 3)
        console.finish()
        #expect(recorder.screen.withLock { $0.last } == AnsiScreen.leave + "banner\ntable\n",
                "a frame as tall as the terminal loses its last line, not its banner, to the prompt")
        #expect(Console.keptOnExit(["banner", "table", "", " "], rows: 10) == ["banner", "table"])
        #expect(Console.keptOnExit(["banner"], rows: 1) == ["banner"])
    }

    @Test func theDashboardTakesTheScreenOnceDropsLogLinesAndGivesTheScreenBack() {
        let recorder = Recorder()
        let console = Console(mode: .dashboard, logFile: nil, streams: recorder.streams)
        console.write(Self.line("ballast running", .info))
        console.show(["first", "frame"], rows: 3)
        console.write(Self.line("ticks paused", .warning))
        console.write(Self.line("cannot listen", .error))
        console.show(["second"], rows: 3)
        #expect(recorder.diagnosticsText.isEmpty, "nothing may write under the dashboard")
        #expect(console.lastWarning == "cannot listen")
        console.finish()
        console.finish()
        let screen = recorder.screen.withLock { $0 }
        #expect(screen.count == 3)
        #expect(screen[0] == AnsiScreen.enter + "\u{1B}[1;1H\u{1B}[2Kfirst\u{1B}[2;1H\u{1B}[2Kframe\u{1B}[3;1H\u{1B}[2K")
        #expect(screen[1] == "\u{1B}[1;1H\u{1B}[2Ksecond\u{1B}[2;1H\u{1B}[2K\u{1B}[3;1H\u{1B}[2K")
        #expect(screen[2] == AnsiScreen.leave + "second\n")
        #expect(recorder.diagnosticsText == "error ballast: cannot listen\n", "held errors come after the screen is back")
        #expect(console.logDestination == "off (--log-file PATH keeps them)")
        console.show(["after"], rows: 3)
        #expect(recorder.screen.withLock { $0.count } == 3)
    }

    @Test func withALogFileEveryLineGoesThereAndTheEndSaysWhere() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = Recorder()
        let console = Console(mode: .dashboard, logFile: try LogFile.open(path: path), streams: recorder.streams)
        console.show(["frame"], rows: 1)
        console.write(Self.line("web-day: memory 2.4 GiB -> 2.3 GiB applied", .info))
        console.write(Self.line("cannot listen", .error))
        console.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8)
            == "info ballast: web-day: memory 2.4 GiB -> 2.3 GiB applied\nerror ballast: cannot listen\n")
        #expect(recorder.diagnosticsText == "ballast: the log is in \(path)\n")
        #expect(console.logDestination == path)
    }
}
