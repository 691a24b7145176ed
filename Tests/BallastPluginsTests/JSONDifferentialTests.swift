import BallastPlugins
import Foundation
import Testing

/// Ballast's JSON parser against an independent one (Foundation's `JSONSerialization`) on
/// generated documents, valid and broken: both accept or both refuse, and accepted documents
/// hold the same values, numbers included. Where the two differ by design the case is pinned
/// in `designedDifferences` below; a broken document on which they disagree must be one of
/// those (`DesignedDifference`), and the valid documents' generator leaves them out
/// (no duplicate keys, no NaN, exponents that stay inside Double's range).
@Suite struct JSONDifferentialTests {
    @Test(arguments: 0..<8)
    func validDocumentsParseToTheSameValues(seed: UInt64) throws {
        var generator = DocumentGenerator(seed: seed)
        for _ in 0..<250 {
            let text = generator.document()
            let ours = try JSONParser.parse(text)
            let theirs = try foundationParse(text)
            #expect(JSONComparison.same(ours, theirs), "\(text)")
        }
    }

    @Test(arguments: 0..<8)
    func brokenDocumentsAreAcceptedOrRefusedAlike(seed: UInt64) {
        var generator = DocumentGenerator(seed: seed &+ 1000)
        var refused = 0
        for _ in 0..<250 {
            let text = generator.mutated(generator.document())
            let ours = try? JSONParser.parse(Array(text.utf8))
            let theirs = try? foundationParse(text)
            if (ours == nil) != (theirs == nil) {
                // A disagreement must be one of the differences pinned in designedDifferences.
                let difference = DesignedDifference(text: text, ours: ours, foundationAccepted: theirs != nil)
                #expect(difference != nil, "\(text.debugDescription): ours \(ours.map(\.jsonText) ?? "refused"), Foundation \(theirs == nil ? "refused" : "accepted")")
            }
            if let ours, let theirs { #expect(JSONComparison.same(ours, theirs), "\(text.debugDescription)") }
            if ours == nil { refused += 1 }
        }
        #expect(refused > 50, "the mutations should break most documents; \(refused) of 250 were refused")
    }

    /// Where the two parsers differ on purpose, each stated once.
    @Test func designedDifferences() throws {
        // NaN and infinities: Ballast reads them (Python's json writes them) so that the
        // answer validator can refuse them with a precise reason; Foundation refuses the text.
        #expect(try JSONParser.parse("NaN") == .number(.nan) || JSONParser.parse("NaN").jsonText == "null")
        #expect(try JSONParser.parse("-Infinity") == .number(-.infinity))
        #expect((try? foundationParse("NaN")) == nil)
        // Duplicate keys: Ballast keeps every member in order and a lookup returns the last,
        // as Foundation's dictionary does.
        let duplicate = #"{"a":1,"a":2}"#
        let ours = try JSONParser.parse(duplicate)
        #expect(ours.objectValue?.members.count == 2)
        #expect(ours["a"] == .integer(2))
        let theirs = try #require(try foundationParse(duplicate) as? [String: Any])
        #expect((theirs["a"] as? NSNumber)?.intValue == 2)
        // Trailing commas: RFC 8259 has none and Ballast refuses them; Foundation accepts them.
        for text in ["[1,]", #"{"a":1,}"#, "[[],\n]"] {
            #expect((try? JSONParser.parse(text)) == nil)
            #expect((try? foundationParse(text)) != nil)
            #expect(DesignedDifference(text: text, ours: nil, foundationAccepted: true) == .trailingComma)
        }
        // A number past Double's range: Ballast reads an infinity, which the answer validator
        // refuses with its reason; Foundation refuses the whole document.
        #expect(try JSONParser.parse("[69E795]") == .array([.number(.infinity)]))
        #expect((try? foundationParse("[69E795]")) == nil)
        #expect(DesignedDifference(text: "[69E795]", ours: try JSONParser.parse("[69E795]"), foundationAccepted: false)
                == .numberOverflow)
        // Nesting: Ballast refuses more than 64 levels (a plugin answer is shallow); Foundation goes deeper.
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect((try? JSONParser.parse(deep)) == nil)
        #expect((try? foundationParse(deep)) != nil)
    }

    /// Cases where the parsers' answers are pinned as observed, so that a change on either side shows.
    @Test func pinnedEdgeCases() throws {
        // A huge exponent: Ballast reads the overflow as an infinite number (the validator refuses it).
        #expect(try JSONParser.parse("1e400") == .number(.infinity))
        // A lone surrogate escape is not a Unicode scalar: Ballast refuses it.
        #expect((try? JSONParser.parse(#""\ud800""#)) == nil)
        // Integers past UInt64 become doubles on both sides.
        let big = try JSONParser.parse("123456789012345678901234")
        #expect(big == .number(123456789012345678901234.0))
        #expect(JSONComparison.same(big, try foundationParse("123456789012345678901234")))
    }

    private func foundationParse(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }
}

/// The ways Ballast's parser and Foundation's disagree on purpose (pinned in
/// `designedDifferences`), recognized in a generated document.
enum DesignedDifference: Equatable {
    /// A comma before `]` or `}`: Foundation accepts it, Ballast (RFC 8259) does not.
    case trailingComma
    /// A number past Double's range: Ballast reads an infinity, Foundation refuses.
    case numberOverflow

    init?(text: String, ours: JSONValue?, foundationAccepted: Bool) {
        if let ours, !foundationAccepted, Self.hasNonFinite(ours) {
            self = .numberOverflow
        } else if ours == nil, foundationAccepted,
                  (try? JSONParser.parse(Self.withoutTrailingCommas(text))) != nil {
            self = .trailingComma
        } else {
            return nil
        }
    }

    private static func hasNonFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): !number.isFinite
        case .array(let items): items.contains(where: hasNonFinite)
        case .object(let object): object.members.contains { hasNonFinite($0.value) }
        default: false
        }
    }

    /// The text with every comma that only whitespace separates from a `]` or `}` removed.
    private static func withoutTrailingCommas(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var index = bytes.count - 1
        while index >= 0 {
            if bytes[index] == UInt8(ascii: ",") {
                var next = index + 1
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "]") || bytes[next] == UInt8(ascii: "}") {
                    bytes.remove(at: index)
                }
            }
            index -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Compares Ballast's tree with Foundation's objects: numbers by value (integers exactly
/// when both sides hold one), objects by their keys with Ballast's last-member-wins lookup.
enum JSONComparison {
    static func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null: return theirs is NSNull
        case .bool(let flag):
            return (theirs as? NSNumber)?.boolValue == flag
        case .integer(let value):
            guard let number = theirs as? NSNumber else { return false }
            return number.int64Value == value && number.doubleValue == Double(value)
        case .unsigned(let value):
            guard let number = theirs as? NSNumber else { return false }
            return number.uint64Value == value
        case .number(let value):
            // Foundation keeps long numbers as decimals whose doubleValue is not always the
            // correctly rounded double; their exact text, read as a Double, is.
            guard let number = theirs as? NSNumber else { return false }
            return number.doubleValue == value || Double(number.stringValue) == value
        case .string(let text): return (theirs as? String) == text
        case .array(let items):
            guard let other = theirs as? [Any], other.count == items.count else { return false }
            return zip(items, other).allSatisfy { same($0, $1) }
        case .object(let object):
            guard let other = theirs as? [String: Any] else { return false }
            let keys = Set(object.members.map(\.key))
            guard keys.count == other.count else { return false }
            return keys.allSatisfy { key in
                guard let mine = object[key], let their = other[key] else { return false }
                return same(mine, their)
            }
        }
    }
}

/// Seeded JSON documents: nested values with every kind of number, escapes (including
/// surrogate pairs) and whitespace, and byte-level mutations of them.
struct DocumentGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    private mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    private mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func document() -> String { value(depth: 0) }

    private mutating func value(depth: Int) -> String {
        switch below(depth > 4 ? 5 : 7) {
        case 0: return ["null", "true", "false"][below(3)]
        case 1, 2: return number()
        case 3, 4: return string()
        case 5:
            let items = (0..<below(5)).map { _ in space() + value(depth: depth + 1) + space() }
            return "[" + items.joined(separator: ",") + "]"
        default:
            var keys = Set<String>()
            let members = (0..<below(5)).compactMap { _ -> String? in
                let key = string()
                guard keys.insert(key).inserted else { return nil } // duplicate keys are pinned apart
                return space() + key + space() + ":" + space() + value(depth: depth + 1)
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    private mutating func space() -> String { ["", " ", "\n", "\t", "\r\n "][below(5)] }

    private mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(below(10))) })
    }

    private mutating func number() -> String {
        let sign = below(3) == 0 ? "-" : ""
        var integer = below(4) == 0 ? "0" : String(below(9) + 1) + digits(below(22))
        if below(20) == 0 { integer = ["9223372036854775807", "9223372036854775808", "18446744073709551615",
                                       "18446744073709551616"][below(4)] }
        let fraction = below(3) == 0 ? "." + digits(below(18) + 1) : ""
        let exponent = below(4) == 0 ? ["e", "E"][below(2)] + ["", "+", "-"][below(3)] + String(below(280)) : ""
        return sign + integer + fraction + exponent
    }

    private mutating func string() -> String {
        let pieces = ["a", "Z", " ", "é", "虚", "🚀", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u0000", "\\u00e9",
                      "\\ud83d\\ude80", "\\uFFFF", "\\b", "\\f", "\\r"]
        return "\"" + (0..<below(8)).map { _ in pieces[below(pieces.count)] }.joined() + "\""
    }

    /// The document with one to three bytes deleted, replaced by a JSON-significant byte, or inserted.
    mutating func mutated(_ text: String) -> String {
        var bytes = Array(text.utf8)
        let significant: [UInt8] = Array(#"{}[]:,"\ 0-+.eE1tfnu"#.utf8) + [0x0A, 0x01, 0x7F]
        for _ in 0...below(3) {
            let index = bytes.isEmpty ? 0 : below(bytes.count)
            switch below(3) {
            case 0 where !bytes.isEmpty: bytes.remove(at: index)
            case 1 where !bytes.isEmpty: bytes[index] = significant[below(significant.count)]
            default: bytes.insert(significant[below(significant.count)], at: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
