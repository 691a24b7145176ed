import BallastCore
import BallastLogging
import BallastTestFixtures
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Decision log")
struct DecisionLogTests {
    @Test func oneJSONLinePerChangeWithReasonAndMetadata() throws {
        let collector = LogLineCollector()
        var handler = LineLogHandler(format: .json, label: "ballast.decisions", sink: collector)
        handler.logLevel = .debug
        let logger = Logger(label: "ballast.decisions", factory: { _ in handler })
        DecisionLog.log(Fixtures.report(count: 5, names: Fixtures.awkwardNames), to: logger, format: .json)
        let lines = collector.collected
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.hasSuffix("}\n") && $0.dropLast().allSatisfy { $0 != "\n" } })
        let objects = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])
        }
        #expect(objects[2]["vm"] == "multi\nline")
        #expect(objects[0]["reason"] == "memory above demand; shrinking at the step limit")
        #expect(objects[0]["kind"] == "memory")
        #expect(objects[0]["level"] == "info")
        #expect(objects[4]["level"] == "warning")
        #expect(objects[4]["outcome"] == "failed")
        #expect(objects[4]["detail"] == "balloon refused")
        #expect(objects[0]["msg"]?.contains("2.00 GiB -> 1.80 GiB applied") == true)
        #expect(objects[0]["ts"]?.hasSuffix("Z") == true)
    }

    @Test func textLinesCarryTheReasonOnceInTheMessage() {
        let recorder = RecordingLogHandler()
        let logger = Logger(label: "ballast.decisions", factory: { _ in recorder })
        DecisionLog.log(Fixtures.report(count: 2, names: Fixtures.awkwardNames), to: logger, format: .text)
        let records = recorder.store.records.withLock { $0 }
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.metadata["reason"] == nil && $0.metadata["tick"] != nil })
        #expect(records[0].message.hasSuffix("applied: memory above demand; shrinking at the step limit"))
    }

    @Test func logFormatParsesFromItsName() {
        #expect(LogFormat(rawValue: "json") == .json)
        #expect(LogFormat(rawValue: "text") == .text)
        #expect(LogFormat(rawValue: "xml") == nil)
    }
}

/// Keeps what a logger was given, for checking metadata without a text format.
struct RecordingLogHandler: LogHandler {
    struct Record: Sendable {
        var message: String
        var metadata: Logger.Metadata
    }

    final class Store: Sendable {
        let records = Mutex<[Record]>([])
    }

    let store = Store()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.records.withLock { $0.append(Record(message: "\(event.message)", metadata: event.metadata ?? [:])) }
    }
}
