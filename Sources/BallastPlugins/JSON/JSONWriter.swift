/// Appends compact JSON to a byte buffer. Hand-written rather than
/// `JSONEncoder` because a 1,000-VM `decide` request is encoded every tick per
/// plugin and Foundation's encoder runs at a fraction of the required
/// 100 MB/s (see Benchmarks/PluginBenchmarks); this writer also never emits
/// a newline, which the line framing depends on.
///
/// JSON has no NaN or infinity: such a value is written as `null` and
/// `nonFiniteCount` is raised, so that callers can refuse to send the message.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// How many non-finite doubles were replaced by `null`.
    public private(set) var nonFiniteCount = 0

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    public mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Writes `"key":`; keys are Ballast's own ASCII names and need no escaping.
    @inline(__always)
    public mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes `,"key":`, or `"key":` for the first member of an object (then clears `first`).
    @inline(__always)
    public mutating func member(_ name: StaticString, first: inout Bool) {
        if first {
            first = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
        key(name)
    }

    public mutating func integer(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            unsigned(value.magnitude)
        } else {
            unsigned(UInt64(value))
        }
    }

    @inline(__always)
    public mutating func integer(_ value: Int) {
        integer(Int64(value))
    }

    public mutating func unsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                     UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            let slots = buffer.bindMemory(to: UInt8.self)
            while rest > 0 {
                slots[count] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            var index = count - 1
            while index >= 0 {
                bytes.append(slots[index])
                index -= 1
            }
        }
    }

    public mutating func double(_ value: Double) {
        guard value.isFinite else {
            nonFiniteCount += 1
            raw("null")
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
            return
        }
        bytes.append(contentsOf: value.description.utf8)
    }

    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let unit = utf8[index]
                guard unit < 0x20 || unit == UInt8(ascii: "\"") || unit == UInt8(ascii: "\\") else { continue }
                if runStart < index {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                }
                escape(unit)
                runStart = index + 1
            }
            if runStart < utf8.count {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ unit: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch unit {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            raw("u00")
            bytes.append(hex[Int(unit >> 4)])
            bytes.append(hex[Int(unit & 0x0F)])
        }
    }

    public mutating func optional<T>(_ value: T?, _ write: (inout JSONWriter, T) -> Void) {
        if let value { write(&self, value) } else { raw("null") }
    }

    /// Writes any `JSONValue`, object members in their order.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .integer(let number): integer(number)
        case .unsigned(let number): unsigned(number)
        case .number(let number): double(number)
        case .string(let text): string(text)
        case .array(let items):
            byte(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                self.value(item)
            }
            byte(UInt8(ascii: "]"))
        case .object(let members):
            byte(UInt8(ascii: "{"))
            for (index, member) in members.members.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                string(member.key)
                byte(UInt8(ascii: ":"))
                self.value(member.value)
            }
            byte(UInt8(ascii: "}"))
        }
    }
}
