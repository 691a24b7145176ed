/// A pair of CPU and memory quantities in Ballast's units: CPU in millicores
/// (1000 = one full core), memory in bytes. Used for capacities, demands,
/// reservations and allocations alike, so arithmetic never mixes units.
public struct ResourceVector: Sendable, Hashable, Codable {
    /// CPU in millicores (1000 = one core).
    public var cpu: Int
    /// Memory in bytes.
    public var memory: UInt64

    public init(cpu: Int, memory: UInt64) {
        self.cpu = cpu
        self.memory = memory
    }

    public static let zero = ResourceVector(cpu: 0, memory: 0)
}

/// Binary unit helpers so that sizes in code read as sizes.
public enum ByteUnits {
    public static let kibibyte: UInt64 = 1 << 10
    public static let mebibyte: UInt64 = 1 << 20
    public static let gibibyte: UInt64 = 1 << 30
}

extension UInt64 {
    /// `n` mebibytes in bytes.
    public static func mebibytes(_ n: UInt64) -> UInt64 { n * ByteUnits.mebibyte }
    /// `n` gibibytes in bytes.
    public static func gibibytes(_ n: UInt64) -> UInt64 { n * ByteUnits.gibibyte }
}
