/// A CFS CPU weight, as libvirt's `cpu_shares` takes it (the cgroup v1 `cpu.shares`
/// range, which libvirt maps onto cgroup v2's `cpu.weight`). Defined once, with its
/// range, so that the config loader, the domain XML reader, the plugin answer
/// validator and the governor all accept the same values, and an actuator that is
/// handed a `CPUWeight` has nothing left to check.
public struct CPUWeight: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// What libvirt (and the kernel) accept.
    public static let range: ClosedRange<UInt32> = 2...262_144
    /// libvirt's default weight for a domain, and the default share of a VM.
    public static let standard = CPUWeight(checked: 1024)

    public let value: UInt32

    /// The weight, or `nil` when `value` is outside `range`.
    public init?(exactly value: some BinaryInteger) {
        guard let narrow = UInt32(exactly: value), Self.range.contains(narrow) else { return nil }
        self.value = narrow
    }

    /// The nearest weight within `range`.
    public init(clamping value: some BinaryInteger) {
        let narrow = UInt32(clamping: value)
        self.value = min(max(narrow, Self.range.lowerBound), Self.range.upperBound)
    }

    private init(checked value: UInt32) {
        self.value = value
    }

    /// The range in words, for error messages.
    public static var rangeText: String { "\(range.lowerBound)...\(range.upperBound)" }

    public static func < (lhs: CPUWeight, rhs: CPUWeight) -> Bool { lhs.value < rhs.value }

    public var description: String { "\(value)" }
}

/// On the wire a weight is its number; decoding refuses one outside the range.
extension CPUWeight: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(Int64.self)
        guard let weight = CPUWeight(exactly: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "CPU weight \(raw) is outside \(CPUWeight.rangeText)")
        }
        self = weight
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
