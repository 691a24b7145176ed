import BallastLogging
import BallastTestFixtures
import Foundation
import Logging
import Testing

@Suite("Text log handler and log file")
struct TextLogHandlerTests {
    /// swift-log's plain line: time with offset, level, label, sorted metadata, source, message.
    static func isLogLine(_ line: String) -> Bool {
        line.wholeMatch(of: #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} (trace|debug|info|notice|warning|error|critical) [^ :]+:( \S+=.*)? \[[A-Za-z0-9_]+\] .*\n$/#) != nil
    }

    @Test func oneLinePerEntryInSwiftLogsFormatEvenForAwkwardNames() throws {
        let collector = LogLineCollector()
        let log = collectingLogger(.text, label: "ballast", into: collector)
        for name in Fixtures.awkwardNames {
            log.warning("\(name): memory left alone", metadata: ["domain": .string(name), "b": "2"])
        }
        log.debug("below the level, dropped")
        let lines = collector.collected
        #expect(lines.count == Fixtures.awkwardNames.count)
        for line in lines {
            #expect(Self.isLogLine(line), "not a log line: \(line)")
            #expect(line.dropLast().allSatisfy { !$0.isNewline })
        }
        #expect(lines[2].contains(" warning ballast: b=2 domain=multi\\nline host=node-1 [BallastLoggingTests] multi\\nline: memory left alone"))
    }

    @Test func aLogFileThatCannotBeOpenedNamesItsPath() {
        let path = "/nonexistent-\(UUID().uuidString)/ballast.log"
        #expect {
            _ = try LogFile.open(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains(path) && text.contains("No such file or directory") && text.contains("--log-file")
        }
    }

    @Test func aLogFileIsAppendedTo() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "earlier run\n".write(toFile: path, atomically: false, encoding: .utf8)
        let file = try LogFile.open(path: path)
        file.write("one\n")
        file.write("two\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "earlier run\none\ntwo\n")
    }
}
