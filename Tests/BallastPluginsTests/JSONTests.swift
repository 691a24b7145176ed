import BallastCore
@testable import BallastPlugins
import Testing

@Suite("JSON parser and writer")
struct JSONTests {
    @Test func parsesEveryValueKind() throws {
        let value = try JSONParser.parse(#"{"a":[1,-2,3.5,1e3,18446744073709551615,true,false,null,"x\"\\\n\u00e9\ud83d\ude80"]}"#)
        #expect(value["a"] == .array([.integer(1), .integer(-2), .number(3.5), .number(1000), .unsigned(UInt64.max),
                                      .bool(true), .bool(false), .null, .string("x\"\\\n\u{E9}\u{1F680}")]))
    }

    @Test func keepsNaNAndInfinityForTheValidator() throws {
        let value = try JSONParser.parse("[NaN,Infinity,-Infinity]")
        guard case .array(let items) = value, case .number(let nan) = items[0], case .number(let inf) = items[1],
              case .number(let negative) = items[2] else {
            Issue.record("unexpected shape \(value)")
            return
        }
        #expect(nan.isNaN)
        #expect(inf == .infinity)
        #expect(negative == -.infinity)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\u{1}\"", "tru", "[1] x", "\"\\ud800\"", "\"\\q\""])
    func refusesInvalidText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func writerEscapesAndRoundTrips() throws {
        for name in SyntheticSnapshot.awkwardNames {
            var writer = JSONWriter()
            writer.string(name)
            #expect(!writer.bytes.contains(0x0A))
            #expect(try JSONParser.parse(writer.bytes) == .string(name))
        }
        var writer = JSONWriter()
        writer.double(.nan)
        #expect(writer.nonFiniteCount == 1)
        #expect(writer.bytes == Array("null".utf8))
    }

    @Test func decideParamsRoundTripThroughTheParser() throws {
        let snapshot = SyntheticSnapshot.make(vms: 20, awkwardNames: true, withoutBalloonStats: [3])
        let bytes = try MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot))
        #expect(!bytes.contains(0x0A))
        let parsed = try JSONParser.parse(bytes)
        let vms = try #require(parsed["snapshot"]?["vms"]?.arrayValue)
        #expect(vms.count == 20)
        #expect(vms.map { $0["name"]?.stringValue } == snapshot.vms.map(\.name))
        #expect(vms[3]["estimate"]?["guest_used_memory"] == .null)
        #expect(vms[3]["has_balloon_stats"] == .bool(false))
        #expect(parsed["previous"]?.arrayValue?.count == 20)
    }

    @Test func refusesToEncodeNaN() {
        var snapshot = SyntheticSnapshot.make(vms: 2)
        snapshot.vms[1].estimate.confidence = .nan
        #expect(throws: UnencodableValue.self) { try MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot)) }
    }
}
