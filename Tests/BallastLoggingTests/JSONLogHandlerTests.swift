import BallastLogging
import BallastTestFixtures
import Foundation
import Logging
import Testing

@Suite("JSON log handler")
struct LoggingTests {
    @Test func oneObjectPerLineWithMetadataAtTopLevel() throws {
        let collector = LogLineCollector()
        let log = collectingLogger(.json, label: "ballast.decisions", into: collector)
        for name in Fixtures.awkwardNames {
            log.info("\(name) memory 2.0 GiB -> 1.8 GiB: shrinking", metadata: [
                "domain": .string(name), "from": .stringConvertible(2048), "reason": "idle \"memory\"",
                "nested": .dictionary(["a": "b"]),
            ])
        }
        log.debug("below the level, dropped")
        let lines = collector.collected
        #expect(lines.count == Fixtures.awkwardNames.count)
        #expect(lines.allSatisfy { $0.hasSuffix("}\n") && !$0.dropLast().contains("\n") })
        let objects = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])
        }
        for (object, name) in zip(objects, Fixtures.awkwardNames) {
            #expect(object["domain"] == name)
            #expect(object["msg"]?.hasPrefix(name) == true)
        }
        #expect(objects[0]["reason"] == "idle \"memory\"")
        #expect(objects[0]["from"] == "2048")
        #expect(objects[0]["nested.a"] == "b")
        #expect(objects[0]["host"] == "node-1")
        #expect(objects[0]["level"] == "info")
        #expect(objects[0]["logger"] == "ballast.decisions")
        #expect(objects[0]["ts"]?.hasSuffix("Z") == true)
    }

    @Test func reservedFieldsAreNotOverwrittenByMetadata() throws {
        let collector = LogLineCollector()
        collectingLogger(.json, label: "ballast.decisions", into: collector).warning("real message", metadata: ["msg": "fake", "level": "fake"])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(collector.collected[0].utf8)) as? [String: String])
        #expect(object["msg"] == "real message")
        #expect(object["level"] == "warning")
    }
}
