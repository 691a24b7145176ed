#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a line is not JSON, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var problem: String

    public var description: String { "invalid JSON at byte \(offset): \(problem)" }
}

/// A strict, fast parser for one JSON text (RFC 8259) held in a byte buffer.
/// Hand-written because Foundation's `JSONSerialization`/`JSONDecoder` are far
/// below the protocol's 100 MB/s budget on Linux and lose the lexical class of
/// numbers the answer validator needs. Extensions accepted on purpose:
/// `NaN`, `Infinity` and `-Infinity` parse as `.number` so the validator can
/// reject them with a precise reason instead of "garbage".
public struct JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 64

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            try parse(buffer)
        }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = Cursor(buffer: buffer)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == buffer.count else {
            throw parser.error("unexpected data after the JSON value")
        }
        return value
    }
}

private struct Cursor {
    let buffer: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Stacks shared by all nesting levels: members and items collect here and
    /// are copied out once per container at its exact size, instead of each
    /// container growing its own array by doubling.
    var memberStack: [JSONObject.Member] = []
    var itemStack: [JSONValue] = []

    init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    func error(_ problem: String) -> JSONParseError {
        JSONParseError(offset: position, problem: problem)
    }

    @inline(__always)
    mutating func skipSpace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func expect(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw error("truncated literal") }
        let start = literal.utf8Start
        for offset in 0..<count where buffer[position + offset] != start[offset] {
            throw error("unexpected character")
        }
        position += count
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < buffer.count else { throw error("unexpected end of input") }
        switch buffer[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "N"): try expect("NaN"); return .number(.nan)
        case UInt8(ascii: "I"): try expect("Infinity"); return .number(.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character '\(printable(buffer[position]))'")
        }
    }

    func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
        position += 1
        skipSpace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject())
        }
        let base = memberStack.count
        while true {
            skipSpace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else {
                throw error("expected a member name")
            }
            let name = try string()
            skipSpace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipSpace()
            let member = try value(depth: depth)
            memberStack.append(JSONObject.Member(key: name, value: member))
            skipSpace()
            guard position < buffer.count else { throw error("unterminated object") }
            if buffer[position] == UInt8(ascii: ",") { position += 1; continue }
            if buffer[position] == UInt8(ascii: "}") {
                position += 1
                let object = JSONObject(members: Array(memberStack[base...]))
                memberStack.removeSubrange(base...)
                return .object(object)
            }
            throw error("expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
        position += 1
        skipSpace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        let base = itemStack.count
        while true {
            skipSpace()
            let item = try value(depth: depth)
            itemStack.append(item)
            skipSpace()
            guard position < buffer.count else { throw error("unterminated array") }
            if buffer[position] == UInt8(ascii: ",") { position += 1; continue }
            if buffer[position] == UInt8(ascii: "]") {
                position += 1
                let items = Array(itemStack[base...])
                itemStack.removeSubrange(base...)
                return .array(items)
            }
            throw error("expected ',' or ']'")
        }
    }

    mutating func number() throws(JSONParseError) -> JSONValue {
        let start = position
        var negative = false
        if buffer[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "I") {
                try expect("Infinity")
                return .number(-.infinity)
            }
        }
        let digitsStart = position
        var magnitude: UInt64 = 0
        var overflow = false
        while position < buffer.count, buffer[position] >= 0x30, buffer[position] <= 0x39 {
            let digit = UInt64(buffer[position] - 0x30)
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(digit)
            overflow = overflow || o1 || o2
            magnitude = sum
            position += 1
        }
        let digitCount = position - digitsStart
        guard digitCount > 0 else { throw error("expected digits") }
        if digitCount > 1, buffer[digitsStart] == UInt8(ascii: "0") { throw error("leading zero in a number") }
        var isInteger = true
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            let fractionStart = position
            while position < buffer.count, buffer[position] >= 0x30, buffer[position] <= 0x39 { position += 1 }
            guard position > fractionStart else { throw error("expected digits after '.'") }
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: "e") || buffer[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") {
                position += 1
            }
            let exponentStart = position
            while position < buffer.count, buffer[position] >= 0x30, buffer[position] <= 0x39 { position += 1 }
            guard position > exponentStart else { throw error("expected digits in the exponent") }
        }
        if isInteger, !overflow {
            if !negative {
                return magnitude <= UInt64(Int64.max) ? .integer(Int64(magnitude)) : .unsigned(magnitude)
            }
            if magnitude <= UInt64(Int64.max) { return .integer(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .integer(Int64.min) }
        }
        guard let parsed = Self.double(UnsafeBufferPointer(rebasing: buffer[start..<position])) else {
            throw error("number out of range")
        }
        return .number(parsed)
    }

    /// Converts validated number text with `strtod` from a NUL-terminated
    /// stack copy (no String allocation); very long numbers take the slow path.
    static func double(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        guard text.count < 64 else {
            return Double(String(decoding: text, as: UTF8.self))
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { scratch -> Double? in
            guard let base = scratch.baseAddress else { return nil }
            for index in 0..<text.count { base[index] = CChar(bitPattern: text[index]) }
            base[text.count] = 0
            return strtod(base, nil)
        }
    }

    mutating func string() throws(JSONParseError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < buffer.count {
            let unit = buffer[position]
            if unit == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<position])
                position += 1
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw JSONParseError(offset: start, problem: "string is not valid UTF-8")
                }
                return text
            }
            if unit == UInt8(ascii: "\\") { break }
            if unit < 0x20 { throw error("control character in a string") }
            position += 1
        }
        var scalars = Array(UnsafeBufferPointer(rebasing: buffer[start..<min(position, buffer.count)]))
        while position < buffer.count {
            let unit = buffer[position]
            if unit == UInt8(ascii: "\"") {
                position += 1
                guard let text = String(validating: scalars, as: UTF8.self) else {
                    throw JSONParseError(offset: start, problem: "string is not valid UTF-8")
                }
                return text
            }
            if unit < 0x20 { throw error("control character in a string") }
            if unit != UInt8(ascii: "\\") {
                scalars.append(unit)
                position += 1
                continue
            }
            position += 1
            guard position < buffer.count else { break }
            let escaped = buffer[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard position + 1 < buffer.count, buffer[position] == UInt8(ascii: "\\"),
                          buffer[position + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(code) {
                    throw error("unpaired low surrogate in \\u escape")
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                scalars.append(contentsOf: String(Character(scalar)).utf8)
            default:
                throw error("invalid escape '\\\(printable(escaped))'")
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= buffer.count else { throw error("truncated \\u escape") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let unit = buffer[position]
            let digit: UInt32
            switch unit {
            case 0x30...0x39: digit = UInt32(unit - 0x30)
            case 0x41...0x46: digit = UInt32(unit - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(unit - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            code = code << 4 | digit
            position += 1
        }
        return code
    }
}
