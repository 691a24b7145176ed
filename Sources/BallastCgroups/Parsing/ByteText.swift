/// Small byte-level helpers for the kernel file parsers, which scan a file's
/// UTF-8 bytes once instead of splitting it into strings.
extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether these bytes spell `name` exactly.
    func spells(_ name: StaticString) -> Bool {
        guard count == name.utf8CodeUnitCount else { return false }
        let other = name.utf8Start
        for index in 0..<count where self[index] != other[index] { return false }
        return true
    }

    /// `self[range]` as a buffer of its own.
    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self[range])
    }

    /// The bytes as text, for messages (invalid UTF-8 is repaired as `String(decoding:)` does).
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Decimal numbers from bytes, exactly as `UInt64(String)` / `Double(String)` /
/// `Int(String)` read them: plain digit runs take a fast path, anything else
/// (signs, exponents, "inf") is handed to the standard library.
enum DecimalBytes {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// An unsigned integer, `nil` if the bytes are not one or it overflows.
    static func unsigned(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard isDigit(byte) else { return UInt64(bytes.text) }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    /// Whether the bytes are a decimal `Int` (as `Int(String) != nil`).
    static func isInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy(isDigit) { return true }
        return Int(bytes.text) != nil
    }

    /// Powers of ten that are exact in a Double.
    private static let exactPowers: [Double] = (0...22).map { power in
        (0..<power).reduce(1.0) { product, _ in product * 10 }
    }

    /// A floating-point number. "12.34" is computed as 1234 / 10^2, which is the
    /// correctly rounded value (both operands are exact), so it equals `Double(String)`.
    static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        for byte in bytes {
            if isDigit(byte) {
                mantissa = mantissa * 10 + UInt64(byte - 0x30)
                digits += 1
                if seenPoint { fractionDigits += 1 }
                if digits > 15 { return Double(bytes.text) }
            } else if byte == 0x2E, !seenPoint {
                seenPoint = true
            } else {
                return Double(bytes.text)
            }
        }
        guard digits > 0, !(seenPoint && fractionDigits == 0) else { return Double(bytes.text) }
        return Double(mantissa) / exactPowers[fractionDigits]
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Without leading and trailing spaces, tabs, '\r' and '\n', as
    /// `String.trimmingWhitespace` does: a "\r\n" pair is one character there, and
    /// not whitespace, so trimming stops at it.
    func trimmingWhitespace() -> UnsafeBufferPointer<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
        var start = 0
        var end = count
        while start < end, isSpace(self[start]), !(self[start] == 0x0D && start + 1 < end && self[start + 1] == 0x0A) {
            start += 1
        }
        while end > start, isSpace(self[end - 1]), !(self[end - 1] == 0x0A && end - 2 >= start && self[end - 2] == 0x0D) {
            end -= 1
        }
        return slice(start..<end)
    }
}
