/// The free memory a guest should keep: max(bytes, fraction × guest used). The estimator
/// adds it to guest used for the demand, and the libvirt balloon watch asks for an urgent
/// tick when a guest's available memory falls below it: one rule, so the two agree.
public struct MemoryHeadroom: Sendable, Hashable {
    public var bytes: UInt64
    public var fraction: Double

    public init(bytes: UInt64, fraction: Double) {
        self.bytes = bytes
        self.fraction = fraction
    }

    /// The headroom for `used` bytes of guest used memory.
    public func amount(forUsed used: Double) -> Double {
        max(Double(bytes), max(fraction, 0) * used)
    }

    /// `amount(forUsed:)` in whole bytes (at most `UInt64.max`).
    public func bytes(forUsed used: UInt64) -> UInt64 {
        let amount = amount(forUsed: Double(used))
        return amount < Double(UInt64.max) ? UInt64(amount) : .max
    }
}
