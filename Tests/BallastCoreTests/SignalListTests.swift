import BallastCore
import Foundation
import Testing

@Suite("Signal list")
struct SignalListTests {
    /// Kinds past the inline capacity and `Signal` values keep the order they were raised in.
    @Test func readsInTheOrderRaised() {
        var list = SignalList()
        list.append(.cpuUsage, value: 1)
        list.append(.cpuThrottled, value: 0.5)
        list.append(Signal(name: "plugin.custom", value: 7, note: "from a plugin"))
        list.append(.cpuProbe, value: 2)
        list.append(.memoryUsed, value: 3)
        list.append(.memoryFull, value: 0.01)
        #expect(list.map(\.name) == [SignalName.cpuUsage, SignalName.cpuThrottled, "plugin.custom",
                                     SignalName.cpuProbe, SignalName.memoryUsed, SignalName.memoryFull])
        #expect(list.map(\.value) == [1, 0.5, 7, 2, 3, 0.01])
        #expect(list[0].note == SignalKind.cpuUsage.note)
    }

    /// Kept inline or given as values, the same signals are equal, hash alike and encode alike.
    @Test func inlineEqualsTheSameSignalsAsValues() throws {
        var inline = SignalList()
        for (index, kind) in SignalKind.allCases.enumerated() { inline.append(kind, value: Double(index)) }
        let values = SignalList(SignalKind.allCases.enumerated().map {
            Signal(name: $0.element.name, value: Double($0.offset), note: $0.element.note)
        })
        #expect(inline == values)
        #expect(inline.hashValue == values.hashValue)
        // Sorted keys: JSONEncoder's key order is otherwise not fixed from one encode to the next.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded = try encoder.encode(inline)
        #expect(encoded == (try encoder.encode(Array(values))))
        #expect(try JSONDecoder().decode(SignalList.self, from: encoded) == inline)
    }
}
