/// A growing UTF-8 byte buffer with the few writes the Prometheus text format
/// needs: static text, escaped label values and numbers formatted without
/// allocating a `String` per sample (rendering 10,000 VMs must stay cheap).
public struct PrometheusText: Sendable {
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    public mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends a label value with `\`, `"` and line feed escaped as the format requires.
    public mutating func appendEscaped(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            default: bytes.append(byte)
            }
        }
    }

    /// Appends `name="value"` with the value escaped.
    public mutating func appendLabel(_ name: StaticString, _ value: String) {
        append(name)
        append("=\"")
        appendEscaped(value)
        append(byte: UInt8(ascii: "\""))
    }

    public mutating func appendInteger(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // Digits are written backwards into a small stack buffer, then appended in one go.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var position = 20
            var rest = value
            while rest > 0 {
                position -= 1
                digits[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[position...]))
        }
    }

    public mutating func appendInteger(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendInteger(value.magnitude.toUInt64)
        } else {
            appendInteger(UInt64(value))
        }
    }

    /// Appends millicores as cores (1500 -> "1.5"), exactly.
    public mutating func appendMillicoresAsCores(_ millicores: Int) {
        if millicores < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = millicores.magnitude.toUInt64
        appendInteger(magnitude / 1000)
        appendFraction(magnitude % 1000, digits: 3)
    }

    /// Appends a float in a form Prometheus and Python parse: integers plainly,
    /// other values to nine decimals (nanosecond resolution for seconds),
    /// extremes in exponent notation, and `NaN`, `+Inf`, `-Inf`.
    public mutating func appendDouble(_ value: Double) {
        if value.isNaN { append("NaN"); return }
        if value.isInfinite { value > 0 ? append("+Inf") : append("-Inf"); return }
        let magnitude = value.magnitude
        if magnitude < 9e15, value == value.rounded(.towardZero) {
            appendInteger(Int(value))
            return
        }
        if magnitude < 1e9, magnitude >= 1e-9 {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            let nanos = UInt64((magnitude * 1e9).rounded())
            appendInteger(nanos / 1_000_000_000)
            appendFraction(nanos % 1_000_000_000, digits: 9)
            return
        }
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends "." and `fraction` as `digits` decimals with trailing zeros dropped; nothing when zero.
    private mutating func appendFraction(_ fraction: UInt64, digits: Int) {
        guard fraction > 0 else { return }
        var value = fraction
        var width = digits
        while value % 10 == 0 {
            value /= 10
            width -= 1
        }
        bytes.append(UInt8(ascii: "."))
        var scale: UInt64 = 1
        for _ in 1..<max(width, 1) { scale *= 10 }
        while scale > value, scale > 1 {
            bytes.append(UInt8(ascii: "0"))
            scale /= 10
        }
        appendInteger(value)
    }

    /// The `domain="...",uuid="..."` label pairs of one VM, escaped once and reused.
    public static func vmLabels(name: String, uuid: String) -> [UInt8] {
        var text = PrometheusText(reservingCapacity: name.utf8.count + uuid.utf8.count + 20)
        text.appendLabel("domain", name)
        text.append(byte: UInt8(ascii: ","))
        text.appendLabel("uuid", uuid)
        return text.bytes
    }
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}
